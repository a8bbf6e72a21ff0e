// Which alerts a call raises: the rules of ALERT_RULES over the call's tracker hits and tone.
#include "pipeline/alert_rules.h"

#include <gtest/gtest.h>

namespace callbrief::pipeline {
namespace {

store::TrackerHit Hit(std::int64_t tracker, std::string name, std::string said,
                      std::int64_t start_ms, bool alerts = true) {
  return {.tracker_id = tracker,
          .tracker_name = std::move(name),
          .phrase = said,
          .said = said,
          .speaker = "client",
          .start_ms = start_ms,
          .tracker_alerts = alerts};
}

store::CallDetails Call() {
  store::CallDetails details;
  details.segments = {{.index = 0, .start_ms = 0, .speaker = "manager", .text = "Добрый день."},
                      {.index = 1,
                       .start_ms = 4000,
                       .speaker = "client",
                       .text = "В Мебель-Маркете дешевле, я отменю заказ."},
                      {.index = 2, .start_ms = 9000, .speaker = "client", .text = "Отменю заказ!"}};
  details.tracker_hits = {
      Hit(5, "Конкуренты", "Мебель-Маркете", 4000), Hit(7, "Отказ", "отменю заказ", 4000),
      Hit(7, "Отказ", "Отменю заказ", 9000), Hit(8, "Цена", "дешевле", 4000, /*alerts=*/false)};
  return details;
}

constexpr AlertRules kAll{.tracker_hits = true, .negative_tone = true};

std::vector<std::string> Keys(const std::vector<notify::Alert>& alerts) {
  std::vector<std::string> keys;
  for (const auto& alert : alerts) keys.push_back(alert.key);
  return keys;
}

TEST(AlertRulesTest, TheConfiguredNamesSwitchTheRulesOn) {
  const AlertRules both = AlertRulesFrom({"tracker", "negative"});
  EXPECT_TRUE(both.tracker_hits);
  EXPECT_TRUE(both.negative_tone);
  const AlertRules none = AlertRulesFrom({});
  EXPECT_FALSE(none.tracker_hits);
  EXPECT_FALSE(none.negative_tone);
  EXPECT_TRUE(AlertRulesFrom({"negative"}).negative_tone);
  EXPECT_FALSE(AlertRulesFrom({"negative"}).tracker_hits);
}

TEST(AlertRulesTest, EachAlertingTrackerRaisesOneAlertQuotingTheLineOfItsFirstHit) {
  const auto alerts = AlertsFor(Call(), {.sentiment = "neutral"}, kAll);
  ASSERT_EQ(Keys(alerts), (std::vector<std::string>{"tracker:5", "tracker:7"}));
  EXPECT_EQ(alerts[1].reason, "Трекер «Отказ»: «отменю заказ»");
  EXPECT_EQ(alerts[1].quote, "В Мебель-Маркете дешевле, я отменю заказ.");
  EXPECT_EQ(alerts[1].speaker, "client");
  EXPECT_EQ(alerts[1].at_ms, 4000);
}

TEST(AlertRulesTest, ANegativeToneRaisesOneAlertQuotingTheSummary) {
  store::CallDetails call;
  const auto alerts =
      AlertsFor(call, {.summary = "Клиент угрожает уйти.", .sentiment = "negative"}, kAll);
  ASSERT_EQ(Keys(alerts), (std::vector<std::string>{"negative"}));
  EXPECT_EQ(alerts[0].quote, "Клиент угрожает уйти.");
  EXPECT_FALSE(alerts[0].at_ms.has_value());
  EXPECT_TRUE(AlertsFor(call, {.sentiment = "neutral"}, kAll).empty());
  EXPECT_TRUE(AlertsFor(call, {.sentiment = "positive"}, kAll).empty());
}

TEST(AlertRulesTest, ARuleSwitchedOffRaisesNothing) {
  const notify::CallMessage negative{.summary = "s", .sentiment = "negative"};
  EXPECT_EQ(Keys(AlertsFor(Call(), negative, {.tracker_hits = false, .negative_tone = true})),
            (std::vector<std::string>{"negative"}));
  EXPECT_EQ(Keys(AlertsFor(Call(), negative, {.tracker_hits = true, .negative_tone = false})),
            (std::vector<std::string>{"tracker:5", "tracker:7"}));
  EXPECT_TRUE(AlertsFor(Call(), negative, {}).empty());
}

TEST(AlertRulesTest, TheScoreRulesNamesAreRead) {
  const AlertRules rules = AlertRulesFrom({"score_below:60", "critical"});
  EXPECT_EQ(rules.score_below, 60);
  EXPECT_TRUE(rules.critical_failed);
  EXPECT_FALSE(AlertRulesFrom({"tracker"}).score_below.has_value());
}

// A scorecard of 40 whose critical criterion "Назвал цену?" was answered "no" with a quote.
store::CallDetails Scored(std::optional<int> score, bool critical_failed) {
  store::CallDetails details;
  details.scorecard = store::ScorecardRecord{
      .checklist_id = "sales",
      .score = score,
      .critical_failed = critical_failed,
      .scorecard_json = R"({"criteria":[{"id":"greet","question":"Поздоровался?","critical":false,)"
                        R"("verdict":"no","quote":null,"quote_start_ms":null},)"
                        R"({"id":"price","question":"Назвал цену?","critical":true,"verdict":"no",)"
                        R"("quote":"Цену скажу потом.","quote_start_ms":61000}]})"};
  return details;
}

TEST(AlertRulesTest, AScoreBelowTheThresholdRaisesOneAlert) {
  const notify::CallMessage message{.summary = "Менеджер не назвал цену."};
  const AlertRules rules{.score_below = 60};
  const auto alerts = AlertsFor(Scored(40, false), message, rules);
  ASSERT_EQ(Keys(alerts), (std::vector<std::string>{"score"}));
  EXPECT_EQ(alerts[0].reason, "Оценка по чек-листу 40 из 100 — ниже порога 60");
  EXPECT_EQ(alerts[0].quote, "Менеджер не назвал цену.");
  EXPECT_TRUE(AlertsFor(Scored(60, false), message, rules).empty()) << "60 is not below 60";
  EXPECT_TRUE(AlertsFor(Scored(std::nullopt, false), message, rules).empty())
      << "no score: every criterion was not applicable";
  EXPECT_TRUE(AlertsFor(store::CallDetails{}, message, rules).empty()) << "no scorecard";
}

TEST(AlertRulesTest, AFailedCriticalCriterionRaisesOneAlertQuotingItsEvidence) {
  const AlertRules rules{.critical_failed = true};
  const auto alerts = AlertsFor(Scored(90, true), {.summary = "s"}, rules);
  ASSERT_EQ(Keys(alerts), (std::vector<std::string>{"critical"}));
  EXPECT_EQ(alerts[0].reason, "Провален критичный пункт чек-листа: «Назвал цену?»");
  EXPECT_EQ(alerts[0].quote, "Цену скажу потом.");
  EXPECT_EQ(alerts[0].at_ms, 61000);
  EXPECT_TRUE(AlertsFor(Scored(90, false), {.summary = "s"}, rules).empty());
  // A damaged scorecard body still raises the alert, quoting the summary.
  store::CallDetails damaged = Scored(90, true);
  damaged.scorecard->scorecard_json = "{";
  const auto fallback = AlertsFor(damaged, {.summary = "s"}, rules);
  ASSERT_EQ(fallback.size(), 1u);
  EXPECT_EQ(fallback[0].reason, "Провален критичный пункт чек-листа");
  EXPECT_EQ(fallback[0].quote, "s");
}

TEST(AlertRulesTest, AHitWhoseLineIsGoneQuotesTheWordsAsSaid) {
  store::CallDetails call = Call();
  call.segments.clear();
  const auto alerts = AlertsFor(call, {}, kAll);
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(alerts[0].quote, "Мебель-Маркете");
}

}  // namespace
}  // namespace callbrief::pipeline
