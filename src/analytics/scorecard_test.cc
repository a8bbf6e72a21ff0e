#include "analytics/scorecard.h"

#include <gtest/gtest.h>

namespace callbrief::analytics {
namespace {

Segment Manager(double from, std::string text) {
  return {static_cast<std::int64_t>(from * 1000), static_cast<std::int64_t>(from * 1000) + 2000,
          "manager", std::move(text)};
}
Segment Client(double from, std::string text) {
  return {static_cast<std::int64_t>(from * 1000), static_cast<std::int64_t>(from * 1000) + 2000,
          "client", std::move(text)};
}

const std::vector<Segment> kCall = {
    Manager(0, "Здравствуйте! Меня зовут Анна, компания «СтройМаркет»."),
    Client(3, "Добрый день. Нужен цемент, тонн пять."),
    Manager(6, "Пять тонн М500 — 42 000 рублей с доставкой."),
    Client(9, "Дороговато… Подумаю."),
    Manager(12, "Могу дать скидку три процента,"),
    Manager(14.5, "если оплатите до пятницы."),
    Client(17, "Хорошо, созвонимся в четверг в десять."),
    Manager(20, "Спасибо, до свидания!"),
};

Checklist TwoCriteria(bool second_critical = false) {
  return {.id = "t",
          .name = "test",
          .criteria = {{"greeting", "Поздоровался?", 1, false, "manager"},
                       {"next_step", "Следующий шаг?", 3, second_critical, "any"}}};
}

TEST(NormalizeForQuote, IgnoresCasePunctuationSpacingAndYo) {
  EXPECT_EQ(NormalizeForQuote("  Ещё РАЗ,   «Алло»!  — да… "), "еще раз алло да");
  EXPECT_EQ(NormalizeForQuote("Hello, WORLD 42"), "hello world 42");
  EXPECT_EQ(NormalizeForQuote("?! … —"), "");
}

TEST(FindQuote, AnswersTheStartOfTheSegmentTheQuoteIsIn) {
  EXPECT_EQ(FindQuote("пять тонн м500 42 000 рублей", "manager", kCall), 6000);
  EXPECT_EQ(FindQuote("меня зовут анна", "manager", kCall), 0);
}

TEST(FindQuote, ToleratesPunctuationCaseAndYoDifferences) {
  EXPECT_EQ(FindQuote("Дороговато. подумаю", "client", kCall), 9000);
  EXPECT_EQ(FindQuote("компания \"Стройmаркет\"", "manager", kCall), std::nullopt);  // Latin m
  EXPECT_EQ(FindQuote("компания СТРОЙМАРКЕТ", "manager", kCall), 0);
}

TEST(FindQuote, MayRunOverConsecutiveSegmentsOfTheSameSide) {
  EXPECT_EQ(FindQuote("скидку три процента, если оплатите", "manager", kCall), 12000);
}

TEST(FindQuote, LooksOnlyInTheLinesOfTheCriterionsSide) {
  EXPECT_EQ(FindQuote("созвонимся в четверг", "manager", kCall), std::nullopt);
  EXPECT_EQ(FindQuote("созвонимся в четверг", "client", kCall), 17000);
  EXPECT_EQ(FindQuote("созвонимся в четверг", "any", kCall), 17000);
}

TEST(FindQuote, MatchesWholeWordsOnly) {
  EXPECT_EQ(FindQuote("день", "client", kCall), 3000);
  EXPECT_EQ(FindQuote("ден", "client", kCall), std::nullopt);
  EXPECT_EQ(FindQuote("рого", "client", kCall), std::nullopt);
}

TEST(FindQuote, RefusesAnInventedOrEmptyQuote) {
  EXPECT_EQ(FindQuote("договорились на вторник", "any", kCall), std::nullopt);
  EXPECT_EQ(FindQuote("…", "any", kCall), std::nullopt);
  EXPECT_EQ(FindQuote("", "any", kCall), std::nullopt);
}

TEST(FindQuote, ASegmentWithoutASideCountsForEverySide) {
  const std::vector<Segment> mono = {{0, 1000, "", "Алло, слушаю"}};
  EXPECT_EQ(FindQuote("слушаю", "manager", mono), 0);
  EXPECT_EQ(FindQuote("слушаю", "client", mono), 0);
}

TEST(ScoreConversation, AVerifiedYesCountsItsWeight) {
  std::vector<CriterionAnswer> answers = {
      {"greeting", "yes", "Меня зовут Анна"},
      {"next_step", "no", std::nullopt},
  };
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.score, 25);  // 1 of 1 + 3
  EXPECT_EQ(s.criteria[0].verdict, "yes");
  EXPECT_EQ(s.criteria[0].quote_start_ms, 0);
  EXPECT_EQ(s.criteria[1].verdict, "no");
  EXPECT_EQ(s.unanswered, 0);
}

TEST(ScoreConversation, AnInventedQuoteIsRefusedAndTheCriterionUnanswered) {
  std::vector<CriterionAnswer> answers = {
      {"greeting", "yes", "Меня зовут Анна"},
      {"next_step", "yes", "Договорились: встреча во вторник в 15:00"},
  };
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.criteria[1].verdict, "unanswered");
  EXPECT_EQ(s.criteria[1].quote_start_ms, std::nullopt);
  EXPECT_EQ(s.criteria[1].refused, "the quote is not in the transcript");
  EXPECT_EQ(s.unanswered, 1);
  EXPECT_EQ(s.score, 25) << "an unanswered criterion counts as not met";
}

TEST(ScoreConversation, AQuoteFromTheOtherSideIsRefused) {
  Checklist c = TwoCriteria();
  std::vector<CriterionAnswer> answers = {{"greeting", "yes", "Добрый день"}};
  Scorecard s = ScoreConversation(c, answers, kCall);
  EXPECT_EQ(s.criteria[0].verdict, "unanswered");
  EXPECT_EQ(s.criteria[0].refused, "the quote is not in the manager's lines");
}

TEST(ScoreConversation, YesWithoutAQuoteIsUnanswered) {
  std::vector<CriterionAnswer> answers = {{"greeting", "yes", std::nullopt},
                                          {"next_step", "yes", "  "}};
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.criteria[0].verdict, "unanswered");
  EXPECT_EQ(s.criteria[1].verdict, "unanswered");
  EXPECT_EQ(s.score, 0);
}

TEST(ScoreConversation, NoWithAnInventedQuoteIsUnansweredButNoWithoutOneStands) {
  std::vector<CriterionAnswer> answers = {{"greeting", "no", "Я не представился"},
                                          {"next_step", "no", std::nullopt}};
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.criteria[0].verdict, "unanswered");
  EXPECT_EQ(s.criteria[1].verdict, "no");
}

TEST(ScoreConversation, NotApplicableLeavesTheScoreAndDropsTheQuote) {
  std::vector<CriterionAnswer> answers = {{"greeting", "yes", "меня зовут анна"},
                                          {"next_step", "na", "что угодно"}};
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.score, 100);
  EXPECT_EQ(s.criteria[1].verdict, "na");
  EXPECT_EQ(s.criteria[1].quote, std::nullopt);
}

TEST(ScoreConversation, EveryCriterionNotApplicableHasNoScore) {
  std::vector<CriterionAnswer> answers = {{"greeting", "na", std::nullopt},
                                          {"next_step", "na", std::nullopt}};
  EXPECT_EQ(ScoreConversation(TwoCriteria(), answers, kCall).score, std::nullopt);
}

TEST(ScoreConversation, ACriticalNoIsFlagged) {
  std::vector<CriterionAnswer> answers = {{"greeting", "yes", "меня зовут анна"},
                                          {"next_step", "no", std::nullopt}};
  Scorecard s = ScoreConversation(TwoCriteria(true), answers, kCall);
  EXPECT_EQ(s.failed_critical, std::vector<std::string>{"next_step"});
  EXPECT_TRUE(ScorecardToJson(s)["critical_failed"].get<bool>());
}

TEST(ScoreConversation, MissingUnknownAndRepeatedAnswers) {
  std::vector<CriterionAnswer> answers = {{"other", "yes", "меня зовут анна"},
                                          {"greeting", "maybe", std::nullopt},
                                          {"greeting", "yes", "меня зовут анна"}};
  Scorecard s = ScoreConversation(TwoCriteria(), answers, kCall);
  EXPECT_EQ(s.criteria[0].verdict, "unanswered") << "the first answer naming it counts";
  EXPECT_EQ(s.criteria[1].verdict, "unanswered");
  EXPECT_EQ(s.criteria[1].refused, "the model gave no answer");
  EXPECT_EQ(s.unanswered, 2);
}

TEST(ScorecardToJson, CarriesVerdictQuoteAndStartTime) {
  std::vector<CriterionAnswer> answers = {{"greeting", "yes", "Меня зовут Анна"}};
  nlohmann::json j = ScorecardToJson(ScoreConversation(TwoCriteria(), answers, kCall));
  EXPECT_EQ(j["criteria"][0]["verdict"], "yes");
  EXPECT_EQ(j["criteria"][0]["quote"], "Меня зовут Анна");
  EXPECT_EQ(j["criteria"][0]["quote_start_ms"], 0);
  EXPECT_TRUE(j["criteria"][1]["quote"].is_null());
  EXPECT_EQ(j["checklist_id"], "t");
}

TEST(Checklist, TheDefaultSalesChecklistRoundTripsThroughJson) {
  Checklist c = DefaultSalesChecklist();
  EXPECT_EQ(c.criteria.size(), 6u);
  auto back = ChecklistFromJson(ChecklistToJson(c));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(ChecklistToJson(*back), ChecklistToJson(c));
}

TEST(Checklist, DefaultsWeightCriticalAndSide) {
  auto c = ChecklistFromJson(nlohmann::json::parse(
      R"({"id":"x","name":"X","criteria":[{"id":"a","question":"Поздоровался?"}]})"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->criteria[0].weight, 1);
  EXPECT_FALSE(c->criteria[0].critical);
  EXPECT_EQ(c->criteria[0].side, "manager");
}

TEST(Checklist, NamesEveryProblem) {
  auto c = ChecklistFromJson(nlohmann::json::parse(
      R"({"id":"Bad Id","name":"","criteria":[{"id":"a","question":"?","weight":0,)"
      R"("critical":"yes","side":"boss"},{"id":"a","question":"Ok?"}]})"));
  ASSERT_FALSE(c.ok());
  const std::string& m = c.error().message;
  for (const char* part :
       {"id: must be", "name: must be", "criteria[0].question", "criteria[0].weight",
        "criteria[0].critical", "criteria[0].side", "criteria[1].id: \"a\" is used twice"}) {
    EXPECT_NE(m.find(part), std::string::npos) << part << " in " << m;
  }
}

TEST(Checklist, RefusesAnEmptyOrTooLongList) {
  EXPECT_FALSE(
      ChecklistFromJson(nlohmann::json::parse(R"({"id":"x","name":"X","criteria":[]})")).ok());
  nlohmann::json many = {{"id", "x"}, {"name", "X"}, {"criteria", nlohmann::json::array()}};
  for (int i = 0; i <= 30; ++i) {
    many["criteria"].push_back({{"id", "c" + std::to_string(i)}, {"question", "Да?"}});
  }
  EXPECT_FALSE(ChecklistFromJson(many).ok());
  EXPECT_FALSE(ChecklistFromJson(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace callbrief::analytics
