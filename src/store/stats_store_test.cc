// The web UI's queries: summary briefs, the dashboard's days, the manager filter, list filters.
#include <gtest/gtest.h>

#include "store/internal/records.h"
#include "store/store_test_backends.h"
#include "store/test_support.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;

constexpr std::int64_t kHour = 3'600'000;
// 2026-11-24T00:00:00Z.
constexpr std::int64_t kDay0 = 1'795'478'400'000;

struct Planned {
  std::string call_id;
  std::int64_t started_at = kDay0;
  Stage end = Stage::kDone;
  std::optional<std::int64_t> user{};
  std::string manager{};
  int duration = 60;
  std::string sentiment{};
  std::string summary_json{};
  std::int64_t latency_ms = 40'000;  // finished_at - received_at.
  std::optional<double> cost{};
};

// Runs on every backend (store_test_backends.h): `store_` is open on a fresh database.
class StatsStoreTest : public testing::StoreTest {
 protected:
  // Records the call and, unless it is to stay in `received`, runs it to its end stage at once.
  std::int64_t Add(const Planned& p) {
    IncomingCall call = MakeCall(p.call_id, p.started_at);
    call.duration_seconds = p.duration;
    call.portal_user_id = p.user;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    std::int64_t id = (*recorded)[0].id;
    if (p.end == Stage::kReceived) return id;
    auto claimed = store_->ClaimDueCall("w", call.received_at_ms + 1, 60'000, {});
    EXPECT_TRUE(claimed.ok() && claimed->has_value() && (*claimed)->id == id);
    if (!claimed.ok() || !claimed->has_value()) return id;
    StageOutcome o{.call_id = id,
                   .lease_owner = "w",
                   .lease_epoch = (*claimed)->lease_epoch,
                   .ran = Stage::kSummarize,
                   .started_at_ms = call.received_at_ms,
                   .finished_at_ms = call.received_at_ms + p.latency_ms,
                   .next = p.end,
                   .error = p.end == Stage::kFailed ? "boom" : "",
                   .skip_reason = p.end == Stage::kSkipped ? "too short" : ""};
    CallFactsUpdate facts{.direction = Direction::kIncoming,
                          .client_number = "+79001234567",
                          .portal_user_id = p.user,
                          .manager_name = p.manager,
                          .duration_seconds = p.duration,
                          .started_at_ms = p.started_at};
    o.facts = facts;
    if (!p.sentiment.empty() || !p.summary_json.empty()) {
      o.summary = Summary{.model = "gpt-4o",
                          .summary_json = p.summary_json.empty() ? "{}" : p.summary_json,
                          .call_kind = "conversation",
                          .sentiment = p.sentiment,
                          .created_at_ms = o.finished_at_ms};
    }
    EXPECT_TRUE(store_->FinishStage(o).ok());
    if (p.cost) {
      EXPECT_TRUE(store_
                      ->RecordUsage(id, {.stage = Stage::kSummarize,
                                         .provider = "openai",
                                         .cost_usd = p.cost,
                                         .at_ms = o.finished_at_ms})
                      .ok());
    }
    return id;
  }

  std::vector<DayStats> Stats(std::int64_t from, std::int64_t to, int offset_minutes = 0) {
    auto stats =
        store_->StatsByDay({.from_ms = from, .to_ms = to, .utc_offset_minutes = offset_minutes});
    EXPECT_TRUE(stats.ok()) << stats.error().message;
    return stats.ok() ? *stats : std::vector<DayStats>{};
  }

  std::vector<std::int64_t> ListIds(const CallQuery& q) {
    auto page = store_->ListCalls(q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::int64_t> ids;
    if (page.ok()) {
      for (const auto& c : page->calls) ids.push_back(c.id);
    }
    return ids;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, StatsStoreTest, testing::AllBackends(), testing::BackendName);

TEST(DayNameTest, NamesCivilDates) {
  EXPECT_EQ(internal::DayName(0), "1970-01-01");
  EXPECT_EQ(internal::DayName(kDay0 / 86'400'000), "2026-11-24");
  EXPECT_EQ(internal::DayName(-1), "1969-12-31");
}

TEST_P(StatsStoreTest, BriefsCarryTheSummaryFactsOfCallsThatHaveOne) {
  std::int64_t a = Add({.call_id = "A",
                        .sentiment = "negative",
                        .summary_json = R"({"summary":"Клиент жалуется на доставку.",)"
                                        R"("client_name":"Иван","company":"ООО Ромашка"})"});
  std::int64_t b = Add({.call_id = "B", .started_at = kDay0 + kHour});
  std::vector<std::int64_t> ids = {a, b, 999};
  auto briefs = store_->ListSummaryBriefs(ids);
  ASSERT_TRUE(briefs.ok()) << briefs.error().message;
  ASSERT_EQ(briefs->size(), 1u);
  EXPECT_EQ((*briefs)[0].call_id, a);
  EXPECT_EQ((*briefs)[0].sentiment, "negative");
  EXPECT_EQ((*briefs)[0].call_kind, "conversation");
  EXPECT_EQ((*briefs)[0].headline, "Клиент жалуется на доставку.");
  EXPECT_EQ((*briefs)[0].client_name, "Иван");
  EXPECT_EQ((*briefs)[0].company, "ООО Ромашка");
}

// More ids than either database takes parameters in one statement (SQLite 32,766).
TEST_P(StatsStoreTest, BriefsOfMoreCallsThanOneStatementTakesAreAllAnswered) {
  std::int64_t a = Add({.call_id = "A", .sentiment = "positive"});
  std::vector<std::int64_t> ids(40'000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i) + 1'000'000;
  ids.back() = a;
  auto briefs = store_->ListSummaryBriefs(ids);
  ASSERT_TRUE(briefs.ok()) << briefs.error().message;
  ASSERT_EQ(briefs->size(), 1u);
  EXPECT_EQ((*briefs)[0].call_id, a);
}

TEST_P(StatsStoreTest, BriefHeadlineIsCutOnCharactersAndDamagedJsonLeavesItEmpty) {
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "ж";
  std::int64_t a = Add({.call_id = "A", .summary_json = R"({"summary":")" + long_text + R"("})"});
  std::int64_t b = Add({.call_id = "B", .started_at = kDay0 + kHour, .summary_json = "{not json"});
  std::vector<std::int64_t> ids = {a, b};
  auto briefs = store_->ListSummaryBriefs(ids);
  ASSERT_TRUE(briefs.ok()) << briefs.error().message;
  ASSERT_EQ(briefs->size(), 2u);
  for (const auto& brief : *briefs) {
    if (brief.call_id == a) {
      EXPECT_EQ(brief.headline.size(), 2u * SummaryBrief::kHeadlineChars);  // 2 bytes a letter.
    } else {
      EXPECT_EQ(brief.headline, "");
    }
  }
  EXPECT_TRUE(store_->ListSummaryBriefs({}).ok());
}

TEST_P(StatsStoreTest, DaysCountOutcomesSentimentsTalkTimeAndCost) {
  Add({.call_id = "A",
       .duration = 100,
       .sentiment = "positive",
       .latency_ms = 30'000,
       .cost = 0.01});
  Add({.call_id = "B",
       .started_at = kDay0 + kHour,
       .duration = 50,
       .sentiment = "negative",
       .latency_ms = 50'000,
       .cost = 0.02});
  Add({.call_id = "C", .started_at = kDay0 + 2 * kHour, .end = Stage::kSkipped, .duration = 5});
  Add({.call_id = "D", .started_at = kDay0 + 3 * kHour, .end = Stage::kFailed, .duration = 20});
  Add({.call_id = "E",
       .started_at = kDay0 + 25 * kHour,
       .duration = 30,
       .sentiment = "neutral",
       .latency_ms = 45'000});
  Add({.call_id = "F", .started_at = kDay0 + 26 * kHour, .end = Stage::kReceived, .duration = 7});

  auto days = Stats(kDay0, kDay0 + 48 * kHour);
  ASSERT_EQ(days.size(), 2u);
  const DayStats& d = days[0];
  EXPECT_EQ(d.day, "2026-11-24");
  EXPECT_EQ(d.calls, 4);
  EXPECT_EQ(d.done, 2);
  EXPECT_EQ(d.skipped, 1);
  EXPECT_EQ(d.failed, 1);
  EXPECT_EQ(d.in_progress, 0);
  EXPECT_EQ(d.positive, 1);
  EXPECT_EQ(d.negative, 1);
  EXPECT_EQ(d.neutral, 0);
  EXPECT_EQ(d.talk_seconds, 175);
  EXPECT_NEAR(d.cost_usd, 0.03, 1e-9);
  EXPECT_EQ(d.median_latency_ms, 40'000);  // Of 30 s and 50 s.
  const DayStats& e = days[1];
  EXPECT_EQ(e.day, "2026-11-25");
  EXPECT_EQ(e.calls, 2);
  EXPECT_EQ(e.in_progress, 1);
  EXPECT_EQ(e.median_latency_ms, 45'000);
  EXPECT_EQ(e.cost_usd, 0);
}

TEST_P(StatsStoreTest, DaysAreCutAtLocalMidnightAndTheWindowIsHalfOpen) {
  Add({.call_id = "late", .started_at = kDay0 + 22 * kHour});  // 01:00 next day at +03:00.
  Add({.call_id = "edge", .started_at = kDay0 + 30 * kHour});

  auto utc = Stats(kDay0, kDay0 + 30 * kHour);
  ASSERT_EQ(utc.size(), 1u);
  EXPECT_EQ(utc[0].day, "2026-11-24");
  EXPECT_EQ(utc[0].calls, 1);  // "edge" starts exactly at `to`.

  auto moscow = Stats(kDay0, kDay0 + 31 * kHour, 180);
  ASSERT_EQ(moscow.size(), 1u);
  EXPECT_EQ(moscow[0].day, "2026-11-25");
  EXPECT_EQ(moscow[0].calls, 2);

  auto utc_both = Stats(kDay0, kDay0 + 31 * kHour);
  ASSERT_EQ(utc_both.size(), 2u);

  auto west = Stats(kDay0, kDay0 + 31 * kHour, -600);  // 12:00 and 20:00 on the 24th.
  ASSERT_EQ(west.size(), 1u);
  EXPECT_EQ(west[0].day, "2026-11-24");
  EXPECT_EQ(west[0].calls, 2);
}

TEST_P(StatsStoreTest, NoDoneCallMeansNoMedian) {
  Add({.call_id = "A", .end = Stage::kFailed});
  auto days = Stats(kDay0, kDay0 + 24 * kHour);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_FALSE(days[0].median_latency_ms.has_value());
}

TEST_P(StatsStoreTest, ManagersAreListedOncePerOperatorNamedFirst) {
  Add({.call_id = "A", .user = 7, .manager = "Ольга"});
  Add({.call_id = "B", .started_at = kDay0 + kHour, .user = 7, .manager = "Ольга"});
  Add({.call_id = "C", .started_at = kDay0 + 2 * kHour, .user = 3, .manager = "Анна"});
  Add({.call_id = "D", .started_at = kDay0 + 3 * kHour, .user = 9});
  Add({.call_id = "E", .started_at = kDay0 + 4 * kHour});
  auto managers = store_->ListManagers();
  ASSERT_TRUE(managers.ok()) << managers.error().message;
  ASSERT_EQ(managers->size(), 3u);
  EXPECT_EQ((*managers)[0].name, "Анна");
  EXPECT_EQ((*managers)[1].name, "Ольга");
  EXPECT_EQ((*managers)[1].portal_user_id, 7);
  EXPECT_EQ((*managers)[1].calls, 2);
  EXPECT_EQ((*managers)[2].portal_user_id, 9);
  EXPECT_EQ((*managers)[2].name, "");
}

// The drift issue 15 found: PostgreSQL listed MAX(manager_name), SQLite the latest name.
TEST_P(StatsStoreTest, AnOperatorRenamedIsListedUnderTheLatestName) {
  // Recorded newest first, so neither the insertion order nor the larger name is the latest.
  Add({.call_id = "B", .started_at = kDay0 + 2 * kHour, .user = 7, .manager = "Ольга Иванова"});
  Add({.call_id = "A", .started_at = kDay0, .user = 7, .manager = "Ольга Смирнова"});
  auto managers = store_->ListManagers();
  ASSERT_TRUE(managers.ok()) << managers.error().message;
  ASSERT_EQ(managers->size(), 1u);
  EXPECT_EQ((*managers)[0].name, "Ольга Иванова");
  EXPECT_EQ((*managers)[0].calls, 2);
}

TEST_P(StatsStoreTest, ListFiltersByOperatorAndSentiment) {
  std::int64_t a = Add({.call_id = "A", .user = 7, .sentiment = "negative"});
  std::int64_t b =
      Add({.call_id = "B", .started_at = kDay0 + kHour, .user = 7, .sentiment = "positive"});
  std::int64_t c =
      Add({.call_id = "C", .started_at = kDay0 + 2 * kHour, .user = 3, .sentiment = "negative"});
  EXPECT_EQ(ListIds({.portal_user_id = 7}), (std::vector<std::int64_t>{b, a}));
  EXPECT_EQ(ListIds({.sentiment = "negative"}), (std::vector<std::int64_t>{c, a}));
  EXPECT_EQ(ListIds({.portal_user_id = 7, .sentiment = "negative"}),
            (std::vector<std::int64_t>{a}));
  EXPECT_TRUE(ListIds({.sentiment = "neutral"}).empty());
}

// PostgreSQL sorts text by the database's locale unless told otherwise; SQLite by bytes.
TEST_P(StatsStoreTest, ManagersAreSortedByteByByteWhateverTheDatabasesLocale) {
  Add({.call_id = "A", .user = 1, .manager = "anna"});
  Add({.call_id = "B", .started_at = kDay0 + kHour, .user = 2, .manager = "Zoe"});
  Add({.call_id = "C", .started_at = kDay0 + 2 * kHour, .user = 3, .manager = "Ёлкин"});
  auto managers = store_->ListManagers();
  ASSERT_TRUE(managers.ok()) << managers.error().message;
  ASSERT_EQ(managers->size(), 3u);
  EXPECT_EQ((*managers)[0].name, "Zoe");
  EXPECT_EQ((*managers)[1].name, "anna");
  EXPECT_EQ((*managers)[2].name, "Ёлкин");
}

// SUM(condition) is NULL over a day without summaries on SQLite; counts must say 0 on both.
TEST_P(StatsStoreTest, ADayWithoutSummariesCountsNoSentimentsAndNoCost) {
  Add({.call_id = "A", .end = Stage::kReceived});
  auto days = Stats(kDay0, kDay0 + 24 * kHour);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].calls, 1);
  EXPECT_EQ(days[0].in_progress, 1);
  EXPECT_EQ(days[0].positive + days[0].neutral + days[0].negative, 0);
  EXPECT_EQ(days[0].done, 0);
  EXPECT_EQ(days[0].cost_usd, 0);
}

}  // namespace
}  // namespace callbrief::store
