#include "http/stats_api.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

// 2026-11-24T12:00:00Z.
constexpr std::int64_t kNow = 1'795'521'600'000;
constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kMidnight24 = 1'795'478'400'000;  // 2026-11-24T00:00:00Z.

TEST(ParseStatsQueryTest, DefaultsToThe30DaysEndingToday) {
  auto q = ParseStatsQuery({}, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->to_ms, kMidnight24 + kDay);
  EXPECT_EQ(q->from_ms, kMidnight24 - 29 * kDay);
  EXPECT_EQ(q->utc_offset_minutes, 0);
}

TEST(ParseStatsQueryTest, BareDatesAreLocalDaysBothIncluded) {
  auto q = ParseStatsQuery({{"from", "2026-11-20"}, {"to", "2026-11-24"}, {"tz", "180"}}, kNow);
  ASSERT_TRUE(q.ok()) << q.error().message;
  const std::int64_t three_hours = 3 * 3'600'000;
  EXPECT_EQ(q->from_ms, kMidnight24 - 4 * kDay - three_hours);
  EXPECT_EQ(q->to_ms, kMidnight24 + kDay - three_hours);
  EXPECT_EQ(q->utc_offset_minutes, 180);
}

TEST(ParseStatsQueryTest, TodayDependsOnTheOffset) {
  // 23:00 UTC on the 24th is already the 25th in Moscow.
  auto q = ParseStatsQuery({{"tz", "180"}}, kMidnight24 + 23 * 3'600'000);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->to_ms, kMidnight24 + 2 * kDay - 3 * 3'600'000);
}

TEST(ParseStatsQueryTest, BadParametersAreNamed) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    std::string start;
  };
  for (const Case& c : std::vector<Case>{
           {{{"tz", "abc"}}, "tz:"},
           {{{"tz", "900"}}, "tz:"},
           {{{"from", "yesterday"}}, "from: expected a date"},
           {{{"to", "2026-02-30"}}, "to: expected a date"},
           {{{"from", "2026-11-24"}, {"to", "2026-11-20"}}, "from: must be before to"},
           {{{"from", "2020-01-01"}, {"to", "2026-11-20"}}, "from: the window may span"},
       }) {
    QueryParams params(c.params.begin(), c.params.end());
    auto q = ParseStatsQuery(params, kNow);
    ASSERT_FALSE(q.ok()) << c.start;
    EXPECT_TRUE(q.error().message.starts_with(c.start)) << q.error().message;
  }
}

TEST(StatsToJsonTest, EveryDayOfTheWindowIsListedAndTotalsAddUp) {
  store::StatsQuery q{.from_ms = kMidnight24 - 2 * kDay, .to_ms = kMidnight24 + kDay};
  std::vector<store::DayStats> days = {
      {.day = "2026-11-22",
       .calls = 3,
       .done = 2,
       .failed = 1,
       .positive = 2,
       .median_latency_ms = 41'500,
       .talk_seconds = 300,
       .cost_usd = 0.5},
      {.day = "2026-11-24", .calls = 1, .skipped = 1, .talk_seconds = 5},
  };
  auto j = StatsToJson(q, days);
  ASSERT_EQ(j["days"].size(), 3u);
  EXPECT_EQ(j["days"][0]["day"], "2026-11-22");
  EXPECT_EQ(j["days"][0]["median_latency_seconds"], 41.5);
  EXPECT_EQ(j["days"][0]["sentiment"]["positive"], 2);
  EXPECT_EQ(j["days"][1]["day"], "2026-11-23");
  EXPECT_EQ(j["days"][1]["calls"], 0);
  EXPECT_TRUE(j["days"][1]["median_latency_seconds"].is_null());
  EXPECT_EQ(j["days"][2]["skipped"], 1);
  EXPECT_EQ(j["totals"]["calls"], 4);
  EXPECT_EQ(j["totals"]["talk_seconds"], 305);
  EXPECT_EQ(j["totals"]["cost_usd"], 0.5);
  EXPECT_EQ(j["from"], "2026-11-22T00:00:00.000Z");
}

TEST(StatsToJsonTest, DaysAreNamedInTheQuerysOffset) {
  const std::int64_t three_hours = 3 * 3'600'000;
  store::StatsQuery q{.from_ms = kMidnight24 - three_hours,
                      .to_ms = kMidnight24 + kDay - three_hours,
                      .utc_offset_minutes = 180};
  auto j = StatsToJson(q, {});
  ASSERT_EQ(j["days"].size(), 1u);
  EXPECT_EQ(j["days"][0]["day"], "2026-11-24");
  EXPECT_EQ(j["tz"], 180);
}

TEST(StatsToJsonTest, EachManagerCarriesTheScoreItsWeeklyTrendAndTheCriteriaFailedMost) {
  const store::StatsQuery q{.from_ms = kMidnight24, .to_ms = kMidnight24 + 14 * kDay};
  store::ManagerStats olga{.portal_user_id = 7, .calls = 3, .scored_calls = 3};
  olga.average_score = 73.5;
  olga.score_by_week = {60.0, std::nullopt};
  olga.failed_criteria = {{.id = "next_step",
                           .question = "Договорились о следующем шаге?",
                           .critical = true,
                           .calls = 2,
                           .call_ids = {12, 9}}};
  const nlohmann::json m = StatsToJson(q, {}, std::span(&olga, 1))["managers"][0];
  EXPECT_EQ(m["scored_calls"], 3);
  EXPECT_EQ(m["average_score"], 73.5);
  EXPECT_EQ(m["score_trend"], nlohmann::json::parse(R"([
      {"week_start": "2026-11-24T00:00:00.000Z", "average_score": 60.0},
      {"week_start": "2026-12-01T00:00:00.000Z", "average_score": null}])"));
  EXPECT_EQ(m["failed_criteria"], nlohmann::json::parse(R"([{"id": "next_step",
      "question": "Договорились о следующем шаге?", "critical": true, "calls": 2,
      "call_ids": [12, 9]}])"));
}

TEST(StatsToJsonTest, EachManagerCarriesTheTalkFiguresAgainstTheBenchmark) {
  const store::StatsQuery q{.from_ms = kMidnight24, .to_ms = kMidnight24 + kDay};
  const std::vector<store::ManagerStats> managers = {{.portal_user_id = 7,
                                                      .name = "Ольга",
                                                      .calls = 3,
                                                      .measured_calls = 2,
                                                      .talk_share_manager = 0.5,
                                                      .longest_monologue_seconds = 40,
                                                      .interruptions_per_call = 0.5,
                                                      .max_monologue_seconds = 61.5},
                                                     {.portal_user_id = 9, .calls = 1}};
  const nlohmann::json j = StatsToJson(q, {}, managers);
  ASSERT_EQ(j["managers"].size(), 2u);
  const nlohmann::json& olga = j["managers"][0];
  EXPECT_EQ(olga["id"], 7);
  EXPECT_EQ(olga["name"], "Ольга");
  EXPECT_EQ(olga["calls"], 3);
  EXPECT_EQ(olga["measured_calls"], 2);
  EXPECT_DOUBLE_EQ(olga["talk_share_manager"].get<double>(), 0.5);
  EXPECT_NEAR(olga["talk_share_vs_benchmark"].get<double>(), 0.07, 1e-9);  // 7 points above 43 %
  EXPECT_EQ(olga["max_monologue_seconds"], 61.5);
  // Nothing measured: null, not a made-up 0.
  const nlohmann::json& unnamed = j["managers"][1];
  EXPECT_TRUE(unnamed["name"].is_null());
  EXPECT_TRUE(unnamed["talk_share_manager"].is_null());
  EXPECT_TRUE(unnamed["talk_share_vs_benchmark"].is_null());
  EXPECT_EQ(unnamed["scored_calls"], 0);
  EXPECT_TRUE(unnamed["average_score"].is_null());
  EXPECT_EQ(j["benchmark"]["talk_share_manager"], 0.43);
  EXPECT_EQ(j["benchmark"]["talk_share_manager_too_high"], 0.65);
}

}  // namespace
}  // namespace callbrief::http
