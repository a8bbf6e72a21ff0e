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

}  // namespace
}  // namespace callbrief::http
