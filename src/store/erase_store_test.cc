// Erasure on a data subject's request (call_store.h: FindCallsByClientNumber, EraseCall), the same
// on both databases: every case runs on SQLite and on PostgreSQL.
#include <algorithm>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/internal/postgres_driver.h"
#include "store/sqlite_store.h"
#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

class EraseStoreTest : public WorkStoreTest {
 protected:
  // A call with everything the pipeline stores about one: its event, a stage run, chunks, a
  // transcript (with its talk metrics and a tracker's hit), a summary, a scorecard, a delivery and
  // a provider's usage.
  std::int64_t ProcessedCall(const std::string& call_id) {
    auto tracker = store_->SaveTracker({.name = "Договоры", .phrases = {"договор"}}, kNow);
    EXPECT_TRUE(tracker.ok());
    const std::int64_t id = Record(call_id);
    auto claimed = Claim("w1");
    EXPECT_TRUE(claimed);
    if (!claimed) return id;
    StageOutcome outcome = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
    outcome.chunks = std::vector<AudioChunk>{
        {.index = 0, .speaker = "manager", .path = "calls/1/0.ogg", .end_ms = 2000}};
    outcome.segments = std::vector<TranscriptSegment>{
        {.index = 0, .start_ms = 0, .end_ms = 1500, .speaker = "manager", .text = "Добрый день"},
        {.index = 1,
         .start_ms = 1600,
         .end_ms = 3000,
         .speaker = "client",
         .text = "Пришлите договор на Ивана Петрова"}};
    outcome.summary = Summary{.model = "gpt-4o",
                              .summary_json = R"({"summary":"Клиент ждёт договор"})",
                              .call_kind = "conversation",
                              .sentiment = "neutral",
                              .created_at_ms = kNow};
    outcome.scorecard = ScorecardRecord{
        .checklist_id = "sales", .score = 80, .scorecard_json = "{}", .created_at_ms = kNow};
    EXPECT_TRUE(store_->FinishStage(outcome).ok());
    auto delivering = Claim("w1", kNow + 100);
    EXPECT_TRUE(delivering);
    if (!delivering) return id;
    EXPECT_TRUE(
        store_->SaveDelivery(LeaseOf(*delivering), {.channel = "telegram", .status = "done"}).ok());
    EXPECT_TRUE(store_->FinishStage(Outcome(id, "w1", Stage::kDeliver, Stage::kDone)).ok());
    EXPECT_TRUE(store_
                    ->RecordUsage(id, {.stage = Stage::kSummarize,
                                       .provider = "openai-chat",
                                       .model = "gpt-4o",
                                       .cost_usd = 0.01,
                                       .at_ms = kNow})
                    .ok());
    return id;
  }

  // The SQLite test database, behind the store's back; call_search needs its tokenizer.
  SQLite::Database OpenSqlite() {
    SQLite::Database db(SqlitePathFromUrl(db_->url()));
    EXPECT_TRUE(EnableSqliteSearch(db.getHandle()).ok());
    return db;
  }

  // One number read behind the store's back.
  std::int64_t Count(const std::string& sql) {
    if (GetParam() == testing::Backend::kSqlite) return OpenSqlite().execAndGet(sql).getInt64();
    auto c = internal::ConnectPostgres(db_->url());
    EXPECT_TRUE(c.ok()) << c.error().message;
    if (!c.ok()) return -1;
    auto rows = (*c)->Exec(sql);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() && !rows->empty() ? rows->Int64(0, 0) : -1;
  }

  // The tables with a call_id column, as the database lists them: a table a later migration adds
  // is checked too.
  std::vector<std::string> TablesNamingACall() {
    std::vector<std::string> tables;
    if (GetParam() == testing::Backend::kSqlite) {
      SQLite::Database db = OpenSqlite();
      SQLite::Statement list(db,
                             "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c "
                             "WHERE m.type = 'table' AND c.name = 'call_id'");
      while (list.executeStep()) tables.push_back(list.getColumn(0).getString());
      return tables;
    }
    auto c = internal::ConnectPostgres(db_->url());
    EXPECT_TRUE(c.ok()) << c.error().message;
    if (!c.ok()) return tables;
    auto list = (*c)->Exec(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
        "USING (table_schema, table_name) WHERE c.table_schema = 'public' AND "
        "c.column_name = 'call_id' AND t.table_type = 'BASE TABLE'");
    EXPECT_TRUE(list.ok());
    for (int i = 0; list.ok() && i < list->size(); ++i) tables.push_back(list->Text(i, 0));
    return tables;
  }

  // The tables holding a row about call `id`, its search entry included.
  std::vector<std::string> RowsAbout(std::int64_t id) {
    std::vector<std::string> found;
    for (const std::string& table : TablesNamingACall()) {
      if (Count(fmt::format("SELECT COUNT(*) FROM {} WHERE call_id = {}", table, id)) > 0) {
        found.push_back(table);
      }
    }
    // SQLite's index is an FTS5 table keyed by rowid (migration 7).
    if (GetParam() == testing::Backend::kSqlite &&
        Count(fmt::format("SELECT COUNT(*) FROM call_search WHERE rowid = {}", id)) > 0) {
      found.push_back("call_search");
    }
    std::sort(found.begin(), found.end());
    return found;
  }
};
INSTANTIATE_TEST_SUITE_P(Backends, EraseStoreTest, testing::AllBackends(), testing::BackendName);

TEST_P(EraseStoreTest, ErasingACallLeavesNoRowAboutItButKeepsWhatWasSpent) {
  const std::int64_t id = ProcessedCall("A");
  const std::int64_t other = Record("B");
  // What the check below looks for is there before.
  const std::vector<std::string> before = RowsAbout(id);
  for (const char* table :
       {"call_metrics", "call_scorecards", "call_search", "deliveries", "provider_usage",
        "raw_events", "stage_runs", "summaries", "tracker_hits", "transcript_segments"}) {
    EXPECT_NE(std::find(before.begin(), before.end(), table), before.end()) << table;
  }

  auto erased = store_->EraseCall("A", kNow + 1000);
  ASSERT_TRUE(erased.ok()) << erased.error().message;
  EXPECT_EQ(erased->outcome, EraseOutcome::kErased);
  EXPECT_EQ(erased->id, id);

  EXPECT_EQ(RowsAbout(id), std::vector<std::string>{}) << "rows left about the erased call";
  auto found = store_->FindCall("A");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto search = store_->ListCalls({.q = "договор"});
  ASSERT_TRUE(search.ok()) << search.error().message;
  EXPECT_TRUE(search->calls.empty());
  auto counts = store_->CountTrackerHits({.from_ms = 0, .to_ms = kNow * 2});
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].hits, 0);
  // The money spent on it stays, naming no call; the other call is untouched.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM provider_usage WHERE call_id IS NULL"), 1);
  EXPECT_EQ(Find(other).call.bitrix_call_id, "B");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM erased_calls WHERE bitrix_call_id = 'A'"), 1);
}

TEST_P(EraseStoreTest, AnErasedCallIsNeverStoredAgainWhoeverAnnouncesIt) {
  Record("A");
  ASSERT_EQ(store_->EraseCall("A", kNow)->outcome, EraseOutcome::kErased);

  // The webhook repeated, the reconciler, a backfill: in one batch with a new call.
  std::vector<IncomingCall> batch = {testing::MakeCall("A"), testing::MakeCall("C"),
                                     testing::MakeCall("A")};
  batch[1].source = CallSource::kReconcile;
  auto recorded = store_->RecordIncomingCalls(batch);
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  ASSERT_EQ(recorded->size(), 3u);
  EXPECT_EQ((*recorded)[0].outcome, IntakeOutcome::kErased);
  EXPECT_EQ((*recorded)[0].id, 0);
  EXPECT_EQ((*recorded)[1].outcome, IntakeOutcome::kCreated);
  EXPECT_EQ((*recorded)[2].outcome, IntakeOutcome::kErased);
  auto found = store_->FindCall("A");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM raw_events"), 1);  // C's event only.
  // Erasing it again finds nothing.
  EXPECT_EQ(store_->EraseCall("A", kNow)->outcome, EraseOutcome::kNotFound);
}

TEST_P(EraseStoreTest, ACallAWorkerHoldsIsLeftUntilItsLeaseEnds) {
  const std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  auto held = store_->EraseCall(std::to_string(id), kNow + 1000);
  ASSERT_TRUE(held.ok()) << held.error().message;
  EXPECT_EQ(held->outcome, EraseOutcome::kInProgress);
  EXPECT_EQ(Find(id).call.bitrix_call_id, "A");

  ASSERT_TRUE(store_->ReleaseLeases("w1").ok());
  EXPECT_EQ(store_->EraseCall(std::to_string(id), kNow + 2000)->outcome, EraseOutcome::kErased);
}

TEST_P(EraseStoreTest, AnUnknownCallIsNotFound) {
  auto erased = store_->EraseCall("no-such-call", kNow);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->outcome, EraseOutcome::kNotFound);
  EXPECT_EQ(erased->id, 0);
}

TEST_P(EraseStoreTest, APersonsCallsAreFoundHoweverTheirNumberWasWritten) {
  const std::vector<std::pair<std::string, std::string>> numbers = {
      {"plus", "+79161234567"},
      {"eight", "89161234567"},
      {"ten", "9161234567"},
      {"spaced", "+7 (916) 123-45-67"},
      {"neighbour", "+79161234568"},
      {"foreign", "+49 30 1234567"},
      {"no-number", ""}};
  std::int64_t started = 1'700'000'000'000;
  for (const auto& [call_id, number] : numbers) {
    IncomingCall call = testing::MakeCall(call_id, started += 60'000);
    call.client_number = number;
    ASSERT_TRUE(store_->RecordIncomingCalls(std::span(&call, 1)).ok());
  }
  auto found = store_->FindCallsByClientNumber("8 (916) 123 45 67");
  ASSERT_TRUE(found.ok()) << found.error().message;
  std::vector<std::string> ids;
  for (const CallRecord& call : *found) ids.push_back(call.bitrix_call_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"spaced", "ten", "eight", "plus"}));  // Newest first.

  auto foreign = store_->FindCallsByClientNumber("+49301234567");
  ASSERT_TRUE(foreign.ok());
  ASSERT_EQ(foreign->size(), 1u);
  EXPECT_EQ((*foreign)[0].bitrix_call_id, "foreign");
  auto none = store_->FindCallsByClientNumber("no digits");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ClientNumberKeyTest, ARussianNumberIsItsLastTenDigitsWhateverItsPrefix) {
  EXPECT_EQ(ClientNumberKey("+7 (916) 123-45-67"), "9161234567");
  EXPECT_EQ(ClientNumberKey("89161234567"), "9161234567");
  EXPECT_EQ(ClientNumberKey("9161234567"), "9161234567");
  EXPECT_EQ(ClientNumberKey("+49 30 1234567"), "49301234567");
  EXPECT_EQ(ClientNumberKey("101"), "101");
  EXPECT_EQ(ClientNumberKey("anonymous"), "");
}

}  // namespace
}  // namespace callbrief::store
