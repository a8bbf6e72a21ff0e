#include "store/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/internal/dialect.h"
#include "store/internal/records.h"
#include "store/store_test_backends.h"
#include "store/test_support.h"
#include "testing/manual_clock.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;
using testing::TempDir;

// Runs on every backend (store_test_backends.h): `store_` is open on a fresh database.
class CallStoreTest : public testing::StoreTest {
 protected:
  std::vector<RecordedCall> Record(std::vector<IncomingCall> calls) {
    auto recorded = store_->RecordIncomingCalls(calls);
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
    return recorded.ok() ? *recorded : std::vector<RecordedCall>{};
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, CallStoreTest, testing::AllBackends(), testing::BackendName);

TEST_P(CallStoreTest, RecordsANewCallInStageReceivedWithItsEvent) {
  auto recorded = Record({MakeCall("A.1")});
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].outcome, IntakeOutcome::kCreated);

  auto found = store_->FindCall("A.1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const CallDetails& d = **found;
  EXPECT_EQ(d.call.id, recorded[0].id);
  EXPECT_EQ(d.call.stage, Stage::kReceived);
  EXPECT_EQ(d.call.direction, Direction::kIncoming);
  EXPECT_EQ(d.call.client_number, "+79001234567");
  EXPECT_EQ(d.call.duration_seconds, 135);
  EXPECT_EQ(d.call.source, CallSource::kWebhook);
  EXPECT_EQ(d.call.next_attempt_at_ms, d.call.received_at_ms);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].event_name, "ONVOXIMPLANTCALLEND");
}

TEST_P(CallStoreTest, ARepeatedCallIdChangesNothing) {
  auto first = Record({MakeCall("A.1")});
  IncomingCall again = MakeCall("A.1");
  again.duration_seconds = 999;
  auto second = Record({again});
  EXPECT_EQ(second[0].outcome, IntakeOutcome::kDuplicate);
  EXPECT_EQ(second[0].id, first[0].id);
  auto found = store_->FindCall("A.1");
  EXPECT_EQ((*found)->call.duration_seconds, 135);
  EXPECT_EQ((*found)->events.size(), 1u);
}

TEST_P(CallStoreTest, ARepeatInsideOneBatchIsADuplicateToo) {
  auto recorded = Record({MakeCall("B.1"), MakeCall("B.1"), MakeCall("B.2")});
  EXPECT_EQ(recorded[0].outcome, IntakeOutcome::kCreated);
  EXPECT_EQ(recorded[1].outcome, IntakeOutcome::kDuplicate);
  EXPECT_EQ(recorded[1].id, recorded[0].id);
  EXPECT_EQ(recorded[2].outcome, IntakeOutcome::kCreated);
}

TEST_P(CallStoreTest, FindsByOurIdOrByCallId) {
  auto recorded = Record({MakeCall("C.1")});
  auto by_id = store_->FindCall(std::to_string(recorded[0].id));
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->call.bitrix_call_id, "C.1");
  auto missing = store_->FindCall("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(CallStoreTest, ANumericCallIdIsFoundWhenNoOwnIdMatches) {
  Record({MakeCall("987654321")});
  auto found = store_->FindCall("987654321");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->call.bitrix_call_id, "987654321");
}

TEST_P(CallStoreTest, ListsNewestFirstAcrossPages) {
  std::vector<IncomingCall> calls;
  for (int i = 0; i < 7; ++i) calls.push_back(MakeCall("P." + std::to_string(i), 1000 + i));
  Record(calls);
  std::vector<std::string> seen;
  CallQuery q;
  q.limit = 3;
  for (int page = 0; page < 5; ++page) {
    auto result = store_->ListCalls(q);
    ASSERT_TRUE(result.ok()) << result.error().message;
    for (auto& c : result->calls) seen.push_back(c.bitrix_call_id);
    if (result->next_cursor.empty()) break;
    q.cursor = result->next_cursor;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"P.6", "P.5", "P.4", "P.3", "P.2", "P.1", "P.0"}));
}

TEST_P(CallStoreTest, CallsStartedAtTheSameMomentPageWithoutLossOrRepeat) {
  std::vector<IncomingCall> calls;
  for (int i = 0; i < 5; ++i) calls.push_back(MakeCall("S." + std::to_string(i), 5000));
  Record(calls);
  CallQuery q;
  q.limit = 2;
  std::set<std::string> seen;
  int rows = 0;
  do {
    auto page = store_->ListCalls(q);
    ASSERT_TRUE(page.ok());
    for (auto& c : page->calls) seen.insert(c.bitrix_call_id), ++rows;
    q.cursor = page->next_cursor;
  } while (!q.cursor.empty());
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(seen.size(), 5u);
}

TEST_P(CallStoreTest, FiltersByDateDirectionAndNumber) {
  IncomingCall out = MakeCall("F.out", 2000);
  out.direction = Direction::kOutgoing;
  out.client_number = "+74950001122";
  Record({MakeCall("F.old", 1000), out, MakeCall("F.new", 3000)});

  CallQuery by_date;
  by_date.from_ms = 1500;
  by_date.to_ms = 3000;
  EXPECT_EQ(store_->ListCalls(by_date)->calls.size(), 1u);

  CallQuery by_direction;
  by_direction.direction = Direction::kOutgoing;
  auto outgoing = store_->ListCalls(by_direction);
  ASSERT_EQ(outgoing->calls.size(), 1u);
  EXPECT_EQ(outgoing->calls[0].bitrix_call_id, "F.out");

  CallQuery by_number;
  by_number.number_contains = "4950001";
  EXPECT_EQ(store_->ListCalls(by_number)->calls.size(), 1u);
}

// PostgreSQL searches with LIKE, SQLite with instr(): "%" and "_" must mean themselves on both.
TEST_P(CallStoreTest, NumberSearchTakesWildcardCharactersLiterally) {
  IncomingCall underscore = MakeCall("W.1", 1000);
  underscore.client_number = "12_34";
  IncomingCall digits = MakeCall("W.2", 2000);
  digits.client_number = "12934";
  digits.portal_number = "5550";
  Record({underscore, digits});
  CallQuery q;
  q.number_contains = "2_3";
  auto found = store_->ListCalls(q);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->calls.size(), 1u);
  EXPECT_EQ(found->calls[0].bitrix_call_id, "W.1");
  q.number_contains = "%";
  EXPECT_TRUE(store_->ListCalls(q)->calls.empty());
  q.number_contains = "555";  // The portal's number is searched too.
  ASSERT_EQ(store_->ListCalls(q)->calls.size(), 1u);
}

// Statements name their parameters $1, $2 … on both databases; text that looks like one is data.
TEST_P(CallStoreTest, EventTextThatLooksLikeSqlIsStoredAsItCame) {
  IncomingCall call = MakeCall("Q.1");
  call.event_json = R"({"x":"$1 ?2 ' \" ; DROP TABLE calls; --"})";
  call.remote_addr = "$16";
  Record({call});
  auto found = store_->FindCall("Q.1");
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_EQ((*found)->events.size(), 1u);
  EXPECT_EQ((*found)->events[0].event_json, call.event_json);
  EXPECT_EQ((*found)->events[0].remote_addr, "$16");
}

TEST_P(CallStoreTest, FiltersByStage) {
  Record({MakeCall("G.1")});
  CallQuery received;
  received.stages = {Stage::kReceived};
  EXPECT_EQ(store_->ListCalls(received)->calls.size(), 1u);
  CallQuery failed;
  failed.stages = {Stage::kFailed, Stage::kSkipped};
  EXPECT_TRUE(store_->ListCalls(failed)->calls.empty());
}

TEST_P(CallStoreTest, RejectsAForgedCursor) {
  CallQuery q;
  q.cursor = "12;DROP";
  auto page = store_->ListCalls(q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().kind, core::ErrorKind::kInvalidInput);
}

TEST_P(CallStoreTest, CountsCallsByStage) {
  Record({MakeCall("H.1"), MakeCall("H.2")});
  auto counts = store_->CountByStage();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0], std::make_pair(Stage::kReceived, std::int64_t{2}));
}

TEST_P(CallStoreTest, SettingsAreAbsentUntilPutAndThenOverwritten) {
  auto missing = store_->GetSetting("reconcile.after_id");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->PutSetting("reconcile.after_id", "10").ok());
  ASSERT_TRUE(store_->PutSetting("reconcile.after_id", "42").ok());
  auto found = store_->GetSetting("reconcile.after_id");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->value_or(""), "42");
}

TEST_P(CallStoreTest, PingAnswersOnAHealthyDatabase) { EXPECT_TRUE(store_->Ping().ok()); }

TEST_P(CallStoreTest, DataSurvivesReopening) {
  Record({MakeCall("R.1")});
  store_.reset();
  auto reopened = OpenAgain();
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->FindCall("R.1")->has_value());
}

TEST(SqliteMigrationTest, OpeningWithoutMigrateRefusesAnOldSchemaAndSaysWhatToRun) {
  TempDir dir;
  { SQLite::Database db(dir.File("old.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }
  auto opened = OpenSqliteStore({.path = dir.File("old.db"), .migrate = false});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(opened.error().message.find("callbrief migrate"), std::string::npos);
}

TEST(SqliteMigrationTest, MigrateIsIdempotentAndReportsTheLatestVersion) {
  TempDir dir;
  std::string url = "sqlite://" + dir.File("m.db");
  auto first = MigrateStore(url);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, internal::SqliteDialect().migrations.back().version);
  auto second = MigrateStore(url);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_TRUE(OpenSqliteStore({.path = dir.File("m.db"), .migrate = false}).ok());
}

// Migrations are numbered when they are written, and branches land in any order: a database that
// has a later migration but lacks an earlier one gets the earlier one, and only that.
TEST(SqliteMigrationTest, AMissingEarlierMigrationIsAppliedAfterALaterOne) {
  TempDir dir;
  const std::string url = "sqlite://" + dir.File("gap.db");
  ASSERT_TRUE(MigrateStore(url).ok());
  const auto& migrations = internal::SqliteDialect().migrations;
  {
    // As if the trackers' migration had landed before the one before it.
    SQLite::Database db(dir.File("gap.db"), SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX calls_claim; DELETE FROM schema_migrations WHERE version = 9");
  }
  auto behind = OpenSqliteStore({.path = dir.File("gap.db"), .migrate = false});
  ASSERT_FALSE(behind.ok());
  EXPECT_NE(behind.error().message.find("callbrief migrate"), std::string::npos)
      << behind.error().message;
  auto migrated = MigrateStore(url);
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  EXPECT_EQ(*migrated, migrations.back().version);
  SQLite::Database db(dir.File("gap.db"));
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM schema_migrations").getInt(),
            static_cast<int>(migrations.size()));
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'calls_claim'").getInt(),
            1);
}

TEST(SqliteMigrationTest, ANewerSchemaThanThisBinaryKnowsIsRefused) {
  TempDir dir;
  ASSERT_TRUE(MigrateStore("sqlite://" + dir.File("n.db")).ok());
  {
    SQLite::Database db(dir.File("n.db"), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
  }
  auto opened = OpenSqliteStore({.path = dir.File("n.db")});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("upgrade callbrief"), std::string::npos);
}

TEST(SqliteMigrationTest, CreatesTheWholePipelineSchema) {
  TempDir dir;
  ASSERT_TRUE(MigrateStore("sqlite://" + dir.File("s.db")).ok());
  SQLite::Database db(dir.File("s.db"));
  for (const char* table :
       {"calls", "raw_events", "stage_runs", "audio_chunks", "transcript_segments", "summaries",
        "deliveries", "provider_usage", "settings"}) {
    EXPECT_TRUE(db.tableExists(table)) << table;
  }
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

// The store dates its own records by the clock it is given (a test's, here), not the system's.
TEST(SqliteMigrationTest, MigrationsAndSettingsAreDatedByTheStoresClock) {
  TempDir dir;
  callbrief::testing::ManualClock clock(core::FromUnixMillis(1'234'567'890'000));
  {
    auto store = OpenSqliteStore({.path = dir.File("s.db"), .clock = &clock});
    ASSERT_TRUE(store.ok()) << store.error().message;
    clock.Advance(std::chrono::seconds(5));
    ASSERT_TRUE((*store)->PutSetting("ui.theme", "dark").ok());
  }
  SQLite::Database db(dir.File("s.db"));
  EXPECT_EQ(db.execAndGet("SELECT MIN(applied_at) FROM schema_migrations").getInt64(),
            1'234'567'890'000);
  EXPECT_EQ(db.execAndGet("SELECT updated_at FROM settings WHERE name = 'ui.theme'").getInt64(),
            1'234'567'895'000);
}

// The claim derives its stage list from the enum (internal::ActiveStagesSql); the index it walks
// (migration 9) wrote the list down as text. A stage added to the enum changes the first and not
// the second, and the claim silently stops using its index: this fails until a new migration
// rebuilds the index with the new list.
TEST(ClaimIndexTest, TheClaimIndexOfBothDatabasesCoversExactlyTheStagesAWorkerRuns) {
  const std::string condition = "WHERE stage IN " + internal::ActiveStagesSql();
  for (const internal::Dialect* dialect :
       {&internal::SqliteDialect(), &internal::PostgresDialect()}) {
    std::string_view newest_claim_index;
    for (const internal::Migration& m : dialect->migrations) {
      if (m.sql.find("INDEX calls_claim") != std::string_view::npos) newest_claim_index = m.sql;
    }
    ASSERT_FALSE(newest_claim_index.empty()) << dialect->name;
    EXPECT_NE(newest_claim_index.find(condition), std::string_view::npos)
        << dialect->name << ": the calls_claim index is not over " << condition;
  }
}

TEST(SqliteMigrationTest, MigrateIndexesTheCallsStoredBeforeSearchExisted) {
  TempDir dir;
  const std::string url = "sqlite://" + dir.File("old.db");
  ASSERT_TRUE(MigrateStore(url).ok());
  {
    // The schema as before migration 7 (and every later one undone here), with a
    // call transcribed and summarized then.
    SQLite::Database db(dir.File("old.db"), SQLite::OPEN_READWRITE);
    ASSERT_TRUE(EnableSqliteSearch(db.getHandle()).ok());
    db.exec(
        "DROP TRIGGER call_search_forget; DROP TABLE call_search; DROP VIEW call_search_text; "
        "ALTER TABLE calls DROP COLUMN pii_report; DROP INDEX calls_claim; "
        "DROP TABLE call_scorecards; DROP TABLE checklists; "
        "DROP TABLE tracker_hits; DROP TABLE trackers; DROP TABLE erased_calls; "
        "DROP TABLE call_metrics; ALTER TABLE calls DROP COLUMN metrics_layout; "
        "ALTER TABLE calls DROP COLUMN talk_share_manager_permille; "
        "ALTER TABLE calls DROP COLUMN longest_monologue_manager_ms; "
        "ALTER TABLE calls DROP COLUMN interruptions_by_manager; "
        "DELETE FROM schema_migrations WHERE version >= 7");
    db.exec(
        "INSERT INTO calls (id, bitrix_call_id, source, started_at, stage, received_at, "
        "updated_at) VALUES (5, 'OLD.1', 'webhook', 1, 'done', 1, 1)");
    db.exec(
        "INSERT INTO transcript_segments VALUES (5, 0, 0, 900, 'manager', 'Добрый день'), "
        "(5, 1, 1000, 2000, 'client', 'Где мои договоры?')");
    db.exec(
        "INSERT INTO summaries (call_id, model, body, created_at) VALUES "
        "(5, 'm', '{\"summary\":\"Клиент ждёт счёта\"}', 1)");
  }
  ASSERT_FALSE(OpenSqliteStore({.path = dir.File("old.db"), .migrate = false}).ok());
  ASSERT_TRUE(MigrateStore(url).ok());
  auto store = OpenSqliteStore({.path = dir.File("old.db"), .migrate = false});
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto page = (*store)->ListCalls({.q = "договор счет"});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->calls.size(), 1u);
  EXPECT_EQ(page->calls[0].bitrix_call_id, "OLD.1");
  ASSERT_EQ(page->hits[5].size(), 2u);
  EXPECT_EQ(page->hits[5][0].start_ms, 1000);
  EXPECT_TRUE(page->hits[5][1].in_summary);
}

TEST(OpenStoreTest, AnUnknownSchemeIsAConfigError) {
  auto opened = OpenStore("mysql://u:secretpw@localhost/db", true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, core::ErrorKind::kConfig);
  EXPECT_EQ(opened.error().message.find("secretpw"), std::string::npos);
}

TEST(OpenStoreTest, SqliteUrlPathsAreRelativeOrAbsolute) {
  EXPECT_EQ(SqlitePathFromUrl("sqlite://data/callbrief.db"), "data/callbrief.db");
  EXPECT_EQ(SqlitePathFromUrl("sqlite:///var/lib/callbrief/c.db"), "/var/lib/callbrief/c.db");
}

}  // namespace
}  // namespace callbrief::store
