// Talk metrics kept per call (issue 16, item 1; migration 11), the same on both databases: stored
// with the transcript, replaced with it, computed by the migration for calls transcribed before
// it, and the Calls list sorted by them page after page with its keyset cursor.
#include <nlohmann/json.hpp>

#include "store/internal/dialect.h"
#include "store/internal/postgres_driver.h"
#include "store/internal/sql_store.h"
#include "store/internal/sqlite_driver.h"
#include "store/pg_test_cluster.h"
#include "store/sqlite_store.h"
#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86'400'000;

// A two-party transcript: the manager speaks `manager_ms` from 0, then the client `client_ms`.
std::vector<TranscriptSegment> Dialogue(std::int64_t manager_ms, std::int64_t client_ms) {
  return {{.index = 0,
           .start_ms = 0,
           .end_ms = manager_ms,
           .speaker = "manager",
           .text = "Добрый день, чем могу помочь?"},
          {.index = 1,
           .start_ms = manager_ms,
           .end_ms = manager_ms + client_ms,
           .speaker = "client",
           .text = "Хочу узнать цену."}};
}

std::vector<TranscriptSegment> Mono() {
  return {{.index = 0, .start_ms = 500, .end_ms = 4'500, .speaker = "", .text = "Алло, слушаю."}};
}

class TalkMetricsStoreTest : public WorkStoreTest {
 protected:
  // A call started `day` days after the first; with segments, transcribed (FinishStage).
  std::int64_t AddCall(std::string call_id, int day,
                       std::optional<std::vector<TranscriptSegment>> segments,
                       Direction direction = Direction::kIncoming) {
    IncomingCall call = testing::MakeCall(call_id, 1'700'000'000'000 + day * kDay);
    call.received_at_ms = kNow - 1000;
    call.direction = direction;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    const std::int64_t id = recorded.ok() ? (*recorded)[0].id : 0;
    if (segments) Transcribe(id, std::move(*segments));
    return id;
  }

  // Claims the call (the only one due: every call is transcribed as it is added, but the last)
  // and stores `segments` as its transcript. Each claim is a second later than the one before,
  // after the previous stage's end, when a call moved on by it is due again.
  void Transcribe(std::int64_t id, std::vector<TranscriptSegment> segments,
                  Stage next = Stage::kDone) {
    EXPECT_TRUE(Claim("w1", kNow + 1'000 * ++clock_));
    EXPECT_EQ(claims_["w1"].call_id, id) << "the test claims the call it has just added";
    StageOutcome done = Outcome(id, "w1", Stage::kTranscribe, next);
    done.segments = std::move(segments);
    auto finished = store_->FinishStage(done);
    EXPECT_TRUE(finished.ok()) << finished.error().message;
  }

  CallRecord Listed(std::int64_t id) {
    auto page = store_->ListCalls({});
    EXPECT_TRUE(page.ok());
    for (const CallRecord& call : page.ok() ? page->calls : std::vector<CallRecord>{}) {
      if (call.id == id) return call;
    }
    ADD_FAILURE() << "call " << id << " is not listed";
    return {};
  }

  // Every call of the list in `query`'s order, read `page_size` at a time through the cursor.
  std::vector<std::string> AllPages(CallQuery query, int page_size) {
    std::vector<std::string> ids;
    query.limit = page_size;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = store_->ListCalls(query);
      EXPECT_TRUE(page.ok()) << page.error().message;
      if (!page.ok()) break;
      for (const CallRecord& call : page->calls) ids.push_back(call.bitrix_call_id);
      if (page->next_cursor.empty()) break;
      query.cursor = page->next_cursor;
    }
    return ids;
  }

  // Talk shares 20 %, 60 % (twice: the newer first), 90 %, a mono call and one not transcribed.
  void AddCallsForSorting() {
    AddCall("share20", 1, Dialogue(2'000, 8'000));
    AddCall("share60-old", 2, Dialogue(6'000, 4'000));
    AddCall("share60-new", 3, Dialogue(6'000, 4'000), Direction::kOutgoing);
    AddCall("share90", 4, Dialogue(9'000, 1'000));
    AddCall("mono", 5, Mono());
    AddCall("untranscribed", 6, std::nullopt, Direction::kOutgoing);
  }

  int clock_ = 0;
};
INSTANTIATE_TEST_SUITE_P(Backends, TalkMetricsStoreTest, testing::AllBackends(),
                         testing::BackendName);

TEST_P(TalkMetricsStoreTest, SavingATranscriptStoresItsMetricsForTheListAndTheCall) {
  // The manager talks 6 s, the client 4 s, then the manager again 3 s after a 2 s pause.
  std::vector<TranscriptSegment> segments = Dialogue(6'000, 4'000);
  segments.push_back({.index = 2,
                      .start_ms = 12'000,
                      .end_ms = 15'000,
                      .speaker = "manager",
                      .text = "Счёт пришлю сегодня."});
  const std::int64_t id = AddCall("A", 1, segments);

  const CallRecord listed = Listed(id);
  EXPECT_EQ(listed.metrics_layout, "two_party");
  EXPECT_EQ(listed.talk_share_manager_permille, 692);  // 9 s of 13 s
  EXPECT_EQ(listed.longest_monologue_manager_ms, 6'000);
  EXPECT_EQ(listed.interruptions_by_manager, 0);

  const json metrics = json::parse(Find(id).metrics_json);
  EXPECT_EQ(metrics["layout"], "two_party");
  EXPECT_DOUBLE_EQ(metrics["talk_share_manager"].get<double>(), 0.692);
  EXPECT_DOUBLE_EQ(metrics["talk_seconds_client"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(metrics["longest_silence_seconds"].get<double>(), 2.0);
  EXPECT_EQ(metrics["questions_manager"], 1);
}

TEST_P(TalkMetricsStoreTest, ANewTranscriptReplacesTheMetricsOfTheOldOne) {
  const std::int64_t id = AddCall("A", 1, std::nullopt);
  Transcribe(id, Dialogue(2'000, 8'000), Stage::kSummarize);
  ASSERT_EQ(Listed(id).talk_share_manager_permille, 200);

  // Transcribed again, now as a mono mix: nothing of the two-party figures may remain.
  Transcribe(id, Mono());
  const CallRecord mono = Listed(id);
  EXPECT_EQ(mono.metrics_layout, "mono");
  EXPECT_FALSE(mono.talk_share_manager_permille.has_value());
  EXPECT_FALSE(mono.longest_monologue_manager_ms.has_value());
  EXPECT_FALSE(mono.interruptions_by_manager.has_value());
  EXPECT_EQ(json::parse(Find(id).metrics_json)["talk_share_manager"], nullptr);

  // A transcript with no segments at all leaves the call without metrics.
  const std::int64_t empty = AddCall("B", 2, std::nullopt);
  Transcribe(empty, {});
  EXPECT_EQ(Listed(empty).metrics_layout, "");
  EXPECT_EQ(Find(empty).metrics_json, "");
}

TEST_P(TalkMetricsStoreTest, ACallWithoutATranscriptHasNoMetrics) {
  const std::int64_t id = AddCall("A", 1, std::nullopt);
  EXPECT_EQ(Listed(id).metrics_layout, "");
  EXPECT_FALSE(Listed(id).talk_share_manager_permille.has_value());
  EXPECT_EQ(Find(id).metrics_json, "");
}

TEST_P(TalkMetricsStoreTest, SortsByAMetricPageByPageWithCallsWithoutItLast) {
  AddCallsForSorting();
  const std::vector<std::string> descending = {"share90", "share60-new",   "share60-old",
                                               "share20", "untranscribed", "mono"};
  for (int page_size : {1, 2, 4, 50}) {
    EXPECT_EQ(AllPages({.sort = CallSort::kTalkShareManager}, page_size), descending)
        << "pages of " << page_size;
  }
  // Ascending by the metric; ties and calls without it still newest first, and still last.
  const std::vector<std::string> ascending = {"share20", "share60-new",   "share60-old",
                                              "share90", "untranscribed", "mono"};
  EXPECT_EQ(AllPages({.sort = CallSort::kTalkShareManager, .ascending = true}, 2), ascending);
}

TEST_P(TalkMetricsStoreTest, SortingKeepsTheFilters) {
  AddCallsForSorting();
  const std::vector<std::string> outgoing = {"share60-new", "untranscribed"};
  EXPECT_EQ(AllPages({.direction = Direction::kOutgoing, .sort = CallSort::kTalkShareManager}, 1),
            outgoing);
}

TEST_P(TalkMetricsStoreTest, SortsByLongestMonologueAndByInterruptions) {
  AddCall("short", 1, Dialogue(2'000, 8'000));
  AddCall("long", 2, Dialogue(9'000, 1'000));
  // The manager starts while the client speaks and both talk 1 s together: one interruption.
  AddCall(
      "interrupting", 3,
      std::vector<TranscriptSegment>{
          {.index = 0, .start_ms = 0, .end_ms = 5'000, .speaker = "client", .text = "Я"},
          {.index = 1, .start_ms = 4'000, .end_ms = 7'000, .speaker = "manager", .text = "Да"}});
  const std::vector<std::string> by_monologue = {"long", "interrupting", "short"};
  EXPECT_EQ(AllPages({.sort = CallSort::kLongestMonologueManager}, 2), by_monologue);
  const std::vector<std::string> by_interruptions = {"interrupting", "long", "short"};
  EXPECT_EQ(AllPages({.sort = CallSort::kInterruptionsByManager}, 1), by_interruptions);
}

TEST_P(TalkMetricsStoreTest, ACursorOfAnotherOrderIsRefusedWithWhatToDo) {
  AddCallsForSorting();
  auto by_time = store_->ListCalls({.limit = 1});
  ASSERT_TRUE(by_time.ok());
  auto mixed = store_->ListCalls(
      {.sort = CallSort::kTalkShareManager, .limit = 1, .cursor = by_time->next_cursor});
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(mixed.error().message.find("start again from the first page"), std::string::npos);

  auto descending = store_->ListCalls({.sort = CallSort::kTalkShareManager, .limit = 1});
  ASSERT_TRUE(descending.ok());
  EXPECT_FALSE(store_
                   ->ListCalls({.sort = CallSort::kTalkShareManager,
                                .ascending = true,
                                .limit = 1,
                                .cursor = descending->next_cursor})
                   .ok());
  EXPECT_FALSE(store_->ListCalls({.limit = 1, .cursor = descending->next_cursor}).ok());
}

// ---- Migration 11 on a database whose calls were transcribed before it ----

class TalkMetricsMigrationTest : public ::testing::TestWithParam<testing::Backend> {};
INSTANTIATE_TEST_SUITE_P(Backends, TalkMetricsMigrationTest, testing::AllBackends(),
                         testing::BackendName);

// A database of the backend with the schema as it was before migration 11.
core::Result<std::unique_ptr<internal::Database>> OpenBefore11(testing::Backend backend,
                                                               const std::string& url) {
  internal::Dialect before = backend == testing::Backend::kSqlite ? internal::SqliteDialect()
                                                                  : internal::PostgresDialect();
  size_t n = 0;
  while (n < before.migrations.size() && before.migrations[n].version < 11) ++n;
  before.migrations = before.migrations.first(n);
  auto db = backend == testing::Backend::kSqlite
                ? internal::OpenSqliteDatabase(SqlitePathFromUrl(url), 1)
                : internal::OpenPostgresDatabase(url, 1);
  if (!db.ok()) return db.error();
  auto version = internal::ApplyMigrations(**db, before, true, "migrating to version 10",
                                           core::SystemClock::Instance());
  if (!version.ok()) return version.error();
  return db;
}

TEST_P(TalkMetricsMigrationTest, ComputesTheMetricsOfCallsTranscribedBeforeIt) {
  if (GetParam() == testing::Backend::kPostgres) {
    CALLBRIEF_REQUIRE_PG_CLUSTER();
  }
  auto test_db = testing::CreateTestDatabase(GetParam());
  ASSERT_TRUE(test_db.ok()) << test_db.error().message;
  const std::string url = (*test_db)->url();
  {
    auto db = OpenBefore11(GetParam(), url);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto filled = (*db)->Run(internal::Access::kTransaction, "adding old calls",
                             [](internal::Connection& c) -> core::Status {
                               return c.Script(
                                   "INSERT INTO calls (id, bitrix_call_id, source, started_at, "
                                   "stage, received_at, updated_at) VALUES "
                                   "(5, 'OLD.1', 'webhook', 1, 'done', 1, 1), "
                                   "(6, 'OLD.2', 'webhook', 2, 'failed', 2, 2); "
                                   "INSERT INTO transcript_segments VALUES "
                                   "(5, 0, 0, 3000, 'manager', 'Добрый день'), "
                                   "(5, 1, 3000, 4000, 'client', 'Здравствуйте');");
                             });
    ASSERT_TRUE(filled.ok()) << filled.error().message;
  }
  auto store = OpenStore(url, /*migrate=*/true);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto page = (*store)->ListCalls({.sort = CallSort::kTalkShareManager});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->calls.size(), 2u);
  EXPECT_EQ(page->calls[0].bitrix_call_id, "OLD.1");
  EXPECT_EQ(page->calls[0].metrics_layout, "two_party");
  EXPECT_EQ(page->calls[0].talk_share_manager_permille, 750);
  EXPECT_EQ(page->calls[1].metrics_layout, "");  // Never transcribed: nothing to compute.
  auto details = (*store)->FindCall("OLD.1");
  ASSERT_TRUE(details.ok() && details->has_value());
  EXPECT_DOUBLE_EQ(json::parse((*details)->metrics_json)["talk_seconds_manager"].get<double>(),
                   3.0);
}

}  // namespace
}  // namespace callbrief::store
