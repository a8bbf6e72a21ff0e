#include "store/sqlite_store.h"

#include <charconv>
#include <filesystem>
#include <mutex>
#include <type_traits>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "store/postgres_store.h"
#include "store/sqlite_checkpointer.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_stats.h"
#include "store/sqlite_support.h"
#include "store/sqlite_work.h"

namespace callbrief::store {
namespace {

using core::Error;
using core::Result;
using core::Status;
using sqlite::BindOptional;
using sqlite::FromSqlite;
using sqlite::kCallColumns;
using sqlite::OptionalInt64;
using sqlite::ReadCall;

constexpr int kBusyTimeoutMs = 5000;

void ConfigureConnection(SQLite::Database& db) {
  db.exec("PRAGMA journal_mode = WAL");
  // FULL: every commit syncs the WAL, so an acknowledged event survives a power cut, not only a
  // crash. Group commit is what keeps this affordable.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA temp_store = MEMORY");
}

Result<int> ApplyMigrations(SQLite::Database& db, bool apply) {
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    // IMMEDIATE takes the write lock first, so two processes starting together do not both migrate.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    int current = db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
    auto migrations = SqliteMigrations();
    int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return Error::Config(fmt::format(
          "the database schema is version {}, newer than this callbrief knows ({}): upgrade "
          "callbrief",
          current, latest));
    }
    if (current < latest && !apply) {
      return Error::Config(fmt::format(
          "the database schema is version {}, this callbrief needs {}: run `callbrief migrate`",
          current, latest));
    }
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      db.exec(std::string(m.sql));
      SQLite::Statement record(db,
                               "INSERT INTO schema_migrations (version, name, applied_at) "
                               "VALUES (?, ?, ?)");
      record.bind(1, m.version);
      record.bind(2, std::string(m.name));
      record.bind(3, core::ToUnixMillis(core::SystemClock::Instance().Now()));
      record.exec();
      current = m.version;
    }
    tx.commit();
    return current;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "migrating the SQLite schema");
  }
}

// Keyset cursor "<started_at>_<id>" of the last row of a page.
std::string MakeCursor(const CallRecord& last) {
  return fmt::format("{}_{}", last.started_at_ms, last.id);
}

bool ParseCursor(std::string_view cursor, std::int64_t* started_at, std::int64_t* id) {
  size_t sep = cursor.find('_');
  if (sep == std::string_view::npos) return false;
  auto a = std::from_chars(cursor.data(), cursor.data() + sep, *started_at);
  auto b = std::from_chars(cursor.data() + sep + 1, cursor.data() + cursor.size(), *id);
  return a.ec == std::errc() && a.ptr == cursor.data() + sep && b.ec == std::errc() &&
         b.ptr == cursor.data() + cursor.size();
}

// A small pool of read connections; WAL lets them read while the writer commits.
class ReaderPool {
 public:
  ReaderPool(std::string path, int size) : path_(std::move(path)), size_(size) {}

  template <typename Fn>
  auto With(Fn&& fn) {
    std::unique_ptr<SQLite::Database> db = Take();
    struct Return {
      ReaderPool* pool;
      std::unique_ptr<SQLite::Database>* db;
      ~Return() { pool->Give(std::move(*db)); }
    } give_back{this, &db};
    return fn(*db);
  }

 private:
  std::unique_ptr<SQLite::Database> Take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return db;
      }
    }
    auto db = std::make_unique<SQLite::Database>(
        path_, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX, kBusyTimeoutMs);
    return db;
  }

  void Give(std::unique_ptr<SQLite::Database> db) {
    if (!db) return;
    std::lock_guard lock(mutex_);
    if (static_cast<int>(idle_.size()) < size_) idle_.push_back(std::move(db));
  }

  std::string path_;
  int size_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SQLite::Database>> idle_;
};

class SqliteStore final : public CallStore {
 public:
  SqliteStore(std::unique_ptr<SQLite::Database> writer, const SqliteOptions& options)
      : writer_(std::move(writer)),
        insert_call_(*writer_, kInsertCall),
        find_call_id_(*writer_, "SELECT id FROM calls WHERE bitrix_call_id = ?"),
        insert_event_(*writer_, kInsertEvent),
        readers_(options.path, options.read_connections),
        checkpointer_(options.path, std::chrono::milliseconds(250)) {
    // Checkpoints run on checkpointer_'s thread, never inside a commit (see SqliteCheckpointer).
    writer_->exec("PRAGMA wal_autocheckpoint = 0");
    // When the writer starts the WAL over after a complete checkpoint, the file is cut back to
    // this size instead of staying as large as it ever grew.
    writer_->exec("PRAGMA journal_size_limit = 67108864");
  }

  Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) override {
    std::lock_guard lock(writer_mutex_);
    try {
      std::vector<RecordedCall> recorded;
      recorded.reserve(calls.size());
      SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
      for (const IncomingCall& call : calls) recorded.push_back(RecordOne(call));
      tx.commit();
      checkpointer_.NoteCommit();
      return recorded;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, fmt::format("recording {} incoming call(s)", calls.size()));
    }
  }

  Result<CallPage> ListCalls(const CallQuery& query) override {
    std::int64_t cursor_started = 0, cursor_id = 0;
    if (!query.cursor.empty() && !ParseCursor(query.cursor, &cursor_started, &cursor_id)) {
      return Error::InvalidInput("cursor: not a cursor returned by this API");
    }
    std::string sql = fmt::format("SELECT {} FROM calls WHERE 1=1", kCallColumns);
    if (!query.stages.empty()) {
      sql += " AND stage IN (";
      for (size_t i = 0; i < query.stages.size(); ++i) sql += i == 0 ? "?" : ",?";
      sql += ")";
    }
    if (query.direction) sql += " AND direction = :direction";
    if (query.from_ms) sql += " AND started_at >= :from";
    if (query.to_ms) sql += " AND started_at < :to";
    // "+id" keeps the time-ordered index driving the scan (it stops after one page) while the
    // match sets are built once from narrow indexes (migration 4).
    if (!query.number_contains.empty()) {
      sql +=
          " AND +id IN (SELECT id FROM calls INDEXED BY calls_numbers WHERE "
          "instr(client_number, :number) > 0 OR instr(portal_number, :number) > 0)";
    }
    if (query.portal_user_id) sql += " AND portal_user_id = :user";
    if (!query.sentiment.empty()) {
      sql += " AND +id IN (SELECT call_id FROM summaries WHERE sentiment = :sentiment)";
    }
    if (!query.cursor.empty()) {
      sql += " AND (started_at < :cstart OR (started_at = :cstart AND id < :cid))";
    }
    sql += " ORDER BY started_at DESC, id DESC LIMIT :limit";

    try {
      return readers_.With([&](SQLite::Database& db) -> Result<CallPage> {
        SQLite::Statement st(db, sql);
        int index = 1;
        for (Stage s : query.stages) st.bind(index++, std::string(StageName(s)));
        if (query.direction) st.bind(":direction", std::string(DirectionName(*query.direction)));
        if (query.from_ms) st.bind(":from", *query.from_ms);
        if (query.to_ms) st.bind(":to", *query.to_ms);
        if (!query.number_contains.empty()) st.bind(":number", query.number_contains);
        if (query.portal_user_id) st.bind(":user", *query.portal_user_id);
        if (!query.sentiment.empty()) st.bind(":sentiment", query.sentiment);
        if (!query.cursor.empty()) {
          st.bind(":cstart", cursor_started);
          st.bind(":cid", cursor_id);
        }
        st.bind(":limit", query.limit + 1);  // One more tells whether a next page exists.
        CallPage page;
        while (st.executeStep()) page.calls.push_back(ReadCall(st));
        if (static_cast<int>(page.calls.size()) > query.limit) {
          page.calls.pop_back();
          page.next_cursor = MakeCursor(page.calls.back());
        }
        return page;
      });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "listing calls");
    }
  }

  Result<std::optional<CallDetails>> FindCall(std::string_view key) override {
    try {
      return readers_.With([&](SQLite::Database& db) -> Result<std::optional<CallDetails>> {
        auto call = FindCallRow(db, key);
        if (!call) return std::optional<CallDetails>();
        CallDetails details;
        details.call = std::move(*call);
        LoadChildren(db, &details);
        sqlite::LoadPipelineHistory(db, &details);
        return std::optional<CallDetails>(std::move(details));
      });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "reading a call");
    }
  }

  Result<std::vector<std::pair<Stage, std::int64_t>>> CountByStage() override {
    try {
      return readers_.With([&](SQLite::Database& db) {
        std::vector<std::pair<Stage, std::int64_t>> counts;
        SQLite::Statement st(db, "SELECT stage, COUNT(*) FROM calls GROUP BY stage");
        while (st.executeStep()) {
          if (auto stage = StageFromName(st.getColumn(0).getString())) {
            counts.emplace_back(*stage, st.getColumn(1).getInt64());
          }
        }
        return counts;
      });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "counting calls");
    }
  }

  Result<std::optional<std::string>> GetSetting(std::string_view name) override {
    try {
      return readers_.With([&](SQLite::Database& db) -> Result<std::optional<std::string>> {
        SQLite::Statement st(db, "SELECT value FROM settings WHERE name = ?");
        st.bind(1, std::string(name));
        if (!st.executeStep()) return std::optional<std::string>();
        return std::optional<std::string>(st.getColumn(0).getString());
      });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, fmt::format("reading setting {}", name));
    }
  }

  Status PutSetting(std::string_view name, std::string_view value) override {
    std::lock_guard lock(writer_mutex_);
    try {
      SQLite::Statement st(*writer_,
                           "INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) "
                           "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                           "updated_at = excluded.updated_at");
      st.bind(1, std::string(name));
      st.bind(2, std::string(value));
      st.bind(3, core::ToUnixMillis(core::SystemClock::Instance().Now()));
      st.exec();
      checkpointer_.NoteCommit();
      return core::Ok();
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, fmt::format("saving setting {}", name));
    }
  }

  Status Ping() override {
    try {
      return readers_.With([](SQLite::Database& db) -> Status {
        db.execAndGet("SELECT COUNT(*) FROM schema_migrations");
        return core::Ok();
      });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "checking the database");
    }
  }

  Result<std::optional<CallRecord>> ClaimDueCall(std::string_view owner, std::int64_t now_ms,
                                                 std::int64_t lease_ms,
                                                 std::span<const std::int64_t> running) override {
    return Write("claiming a due call", [&](SQLite::Database& db) {
      return sqlite::ClaimDueCall(db, owner, now_ms, lease_ms, running);
    });
  }

  Result<std::vector<std::int64_t>> RenewLeases(std::span<const LeaseToken> claims,
                                                std::int64_t now_ms,
                                                std::int64_t lease_ms) override {
    if (claims.empty()) return std::vector<std::int64_t>{};
    return Write("renewing leases", [&](SQLite::Database& db) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      auto lost = sqlite::RenewLeases(db, claims, now_ms + lease_ms);
      tx.commit();
      return lost;
    });
  }

  Status ReleaseLeases(std::string_view owner) override {
    return WriteStatus("releasing leases",
                       [&](SQLite::Database& db) { sqlite::ReleaseLeases(db, owner); });
  }

  Result<std::optional<std::int64_t>> NextDueAtMs() override {
    try {
      return readers_.With([](SQLite::Database& db) { return sqlite::NextDueAtMs(db); });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "finding the next due call");
    }
  }

  Result<int> WakeParkedCalls(std::int64_t now_ms) override {
    return Write("waking parked calls",
                 [&](SQLite::Database& db) { return sqlite::WakeParkedCalls(db, now_ms); });
  }

  Status FinishStage(const StageOutcome& outcome) override {
    auto written = Write("finishing a stage", [&](SQLite::Database& db) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      if (!sqlite::FinishStage(db, outcome)) return false;
      tx.commit();
      return true;
    });
    if (!written.ok()) return written.error();
    if (!*written) {
      return LeaseLost(fmt::format("finishing stage {}", StageName(outcome.ran)),
                       {outcome.call_id, outcome.lease_owner, outcome.lease_epoch});
    }
    return core::Ok();
  }

  Result<std::vector<AudioChunk>> LoadChunks(std::int64_t call_id) override {
    try {
      return readers_.With([&](SQLite::Database& db) { return sqlite::LoadChunks(db, call_id); });
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, "reading audio chunks");
    }
  }

  Status SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                             std::string_view transcript_json, std::int64_t now_ms) override {
    return WriteStatus("saving a chunk transcript", [&](SQLite::Database& db) {
      sqlite::SaveChunkTranscript(db, call_id, chunk_index, transcript_json, now_ms);
    });
  }

  Status SaveDelivery(const LeaseToken& claim, const Delivery& delivery) override {
    auto written = Write("saving a delivery", [&](SQLite::Database& db) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      if (!sqlite::HoldsClaim(db, claim)) return false;
      sqlite::SaveDelivery(db, claim.call_id, delivery);
      tx.commit();
      return true;
    });
    if (!written.ok()) return written.error();
    if (!*written) return LeaseLost(fmt::format("saving the {} delivery", delivery.channel), claim);
    return core::Ok();
  }

  Status RecordUsage(std::int64_t call_id, const UsageRow& usage) override {
    return WriteStatus("recording provider usage", [&](SQLite::Database& db) {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      sqlite::RecordUsage(db, call_id, usage);
      tx.commit();
    });
  }

  Result<RetryResult> RetryCall(std::string_view key, std::int64_t now_ms) override {
    return Write("retrying a call", [&](SQLite::Database& db) {
      auto call = FindCallRow(db, key);
      if (!call) return RetryResult::kNotFound;
      return sqlite::RetryCall(db, *call, now_ms);
    });
  }

  Result<std::vector<SummaryBrief>> ListSummaryBriefs(
      std::span<const std::int64_t> call_ids) override {
    return Read("reading summaries",
                [&](SQLite::Database& db) { return sqlite::ListSummaryBriefs(db, call_ids); });
  }

  Result<std::vector<DayStats>> StatsByDay(const StatsQuery& query) override {
    return Read("counting calls per day",
                [&](SQLite::Database& db) { return sqlite::StatsByDay(db, query); });
  }

  Result<std::vector<ManagerRef>> ListManagers() override {
    return Read("listing managers", [](SQLite::Database& db) { return sqlite::ListManagers(db); });
  }

 private:
  // Runs `fn` on a reader connection.
  template <typename Fn>
  auto Read(std::string_view doing, Fn&& fn)
      -> Result<std::invoke_result_t<Fn, SQLite::Database&>> {
    try {
      return readers_.With(std::forward<Fn>(fn));
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, doing);
    }
  }

  // Runs `fn` on the writer connection under its lock and notes the commit for checkpoints.
  template <typename Fn>
  auto Write(std::string_view doing, Fn&& fn)
      -> Result<std::invoke_result_t<Fn, SQLite::Database&>> {
    std::lock_guard lock(writer_mutex_);
    try {
      auto value = fn(*writer_);
      checkpointer_.NoteCommit();
      return value;
    } catch (const SQLite::Exception& e) {
      return FromSqlite(e, doing);
    }
  }

  template <typename Fn>
  Status WriteStatus(std::string_view doing, Fn&& fn) {
    auto done = Write(doing, [&](SQLite::Database& db) {
      fn(db);
      return true;
    });
    if (!done.ok()) return done.error();
    return core::Ok();
  }

  static constexpr const char* kInsertCall =
      "INSERT INTO calls (bitrix_call_id, source, call_type, direction, client_number, "
      "portal_number, portal_user_id, duration_seconds, started_at, failed_code, failed_reason, "
      "crm_activity_id, stage, next_attempt_at, received_at, updated_at) VALUES (:call_id, "
      ":source, :call_type, :direction, :client, :portal, :user, :duration, :started, :fcode, "
      ":freason, :activity, 'received', :received, :received, :received) "
      "ON CONFLICT (bitrix_call_id) DO NOTHING RETURNING id";
  static constexpr const char* kInsertEvent =
      "INSERT INTO raw_events (call_id, event_name, received_at, remote_addr, body) "
      "VALUES (?, ?, ?, ?, ?)";

  RecordedCall RecordOne(const IncomingCall& call) {
    auto& st = insert_call_;
    st.reset();
    st.clearBindings();
    st.bind(":call_id", call.bitrix_call_id);
    st.bind(":source", std::string(CallSourceName(call.source)));
    BindOptional(st, ":call_type", call.call_type);
    st.bind(":direction", std::string(DirectionName(call.direction)));
    st.bind(":client", call.client_number);
    st.bind(":portal", call.portal_number);
    BindOptional(st, ":user", call.portal_user_id);
    BindOptional(st, ":duration", call.duration_seconds);
    st.bind(":started", call.started_at_ms.value_or(call.received_at_ms));
    st.bind(":fcode", call.failed_code);
    st.bind(":freason", call.failed_reason);
    BindOptional(st, ":activity", call.crm_activity_id);
    st.bind(":received", call.received_at_ms);
    if (!st.executeStep()) {  // Conflict: the call is known; leave it as it is.
      find_call_id_.reset();
      find_call_id_.bind(1, call.bitrix_call_id);
      find_call_id_.executeStep();
      return {find_call_id_.getColumn(0).getInt64(), IntakeOutcome::kDuplicate};
    }
    std::int64_t id = st.getColumn(0).getInt64();
    st.reset();  // Finish the RETURNING statement before the next one runs.
    insert_event_.reset();
    insert_event_.bind(1, id);
    insert_event_.bind(2, call.event_name);
    insert_event_.bind(3, call.received_at_ms);
    insert_event_.bind(4, call.remote_addr);
    insert_event_.bind(5, call.event_json);
    insert_event_.exec();
    return {id, IntakeOutcome::kCreated};
  }

  static std::optional<CallRecord> FindCallRow(SQLite::Database& db, std::string_view key) {
    bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) {
      SQLite::Statement st(db, fmt::format("SELECT {} FROM calls WHERE id = ?", kCallColumns));
      std::int64_t id = 0;
      auto parsed = std::from_chars(key.data(), key.data() + key.size(), id);
      if (parsed.ec == std::errc()) {
        st.bind(1, id);
        if (st.executeStep()) return ReadCall(st);
      }
    }
    SQLite::Statement st(
        db, fmt::format("SELECT {} FROM calls WHERE bitrix_call_id = ?", kCallColumns));
    st.bind(1, std::string(key));
    if (st.executeStep()) return ReadCall(st);
    return std::nullopt;
  }

  static void LoadChildren(SQLite::Database& db, CallDetails* d) {
    const std::int64_t id = d->call.id;
    SQLite::Statement events(db,
                             "SELECT id, event_name, received_at, remote_addr, body "
                             "FROM raw_events WHERE call_id = ? ORDER BY id");
    events.bind(1, id);
    while (events.executeStep()) {
      d->events.push_back({events.getColumn(0).getInt64(), events.getColumn(1).getString(),
                           events.getColumn(2).getInt64(), events.getColumn(3).getString(),
                           events.getColumn(4).getString()});
    }
    SQLite::Statement segs(db,
                           "SELECT segment_index, start_ms, end_ms, speaker, text FROM "
                           "transcript_segments WHERE call_id = ? ORDER BY segment_index");
    segs.bind(1, id);
    while (segs.executeStep()) {
      d->segments.push_back({segs.getColumn(0).getInt(), segs.getColumn(1).getInt64(),
                             segs.getColumn(2).getInt64(), segs.getColumn(3).getString(),
                             segs.getColumn(4).getString()});
    }
    SQLite::Statement summary(db,
                              "SELECT model, body, call_kind, sentiment, created_at FROM "
                              "summaries WHERE call_id = ?");
    summary.bind(1, id);
    if (summary.executeStep()) {
      d->summary = Summary{summary.getColumn(0).getString(), summary.getColumn(1).getString(),
                           summary.getColumn(2).getString(), summary.getColumn(3).getString(),
                           summary.getColumn(4).getInt64()};
    }
    SQLite::Statement deliveries(
        db,
        "SELECT channel, status, attempts, external_id, last_error, "
        "delivered_at, attempt_started_at FROM deliveries WHERE call_id = ? "
        "ORDER BY channel");
    deliveries.bind(1, id);
    while (deliveries.executeStep()) {
      d->deliveries.push_back(
          {deliveries.getColumn(0).getString(), deliveries.getColumn(1).getString(),
           deliveries.getColumn(2).getInt(), deliveries.getColumn(3).getString(),
           deliveries.getColumn(4).getString(), OptionalInt64(deliveries.getColumn(5)),
           OptionalInt64(deliveries.getColumn(6))});
    }
  }

  std::mutex writer_mutex_;
  std::unique_ptr<SQLite::Database> writer_;
  SQLite::Statement insert_call_;
  SQLite::Statement find_call_id_;
  SQLite::Statement insert_event_;
  ReaderPool readers_;
  SqliteCheckpointer checkpointer_;
};

Result<std::unique_ptr<SQLite::Database>> OpenWriter(const SqliteOptions& options) {
  std::error_code ec;
  auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Error::Config(fmt::format("DATABASE_URL: cannot create the directory {}: {}",
                                     parent.string(), ec.message()));
  }
  try {
    auto db = std::make_unique<SQLite::Database>(
        options.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
        kBusyTimeoutMs);
    ConfigureConnection(*db);
    return db;
  } catch (const SQLite::Exception& e) {
    return Error::Config(fmt::format("DATABASE_URL: cannot open the SQLite database {}: {}",
                                     options.path, e.what()));
  }
}

}  // namespace

std::string SqlitePathFromUrl(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite://";
  return url.starts_with(kScheme) ? url.substr(kScheme.size()) : url;
}

Result<std::unique_ptr<CallStore>> OpenSqliteStore(const SqliteOptions& options) {
  auto writer = OpenWriter(options);
  if (!writer) return writer.error();
  auto version = ApplyMigrations(**writer, options.migrate);
  if (!version) return version.error();
  try {
    return std::unique_ptr<CallStore>(new SqliteStore(std::move(*writer), options));
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "preparing SQLite statements");
  }
}

Result<std::unique_ptr<CallStore>> OpenStore(const std::string& database_url, bool migrate) {
  if (database_url.starts_with("sqlite://")) {
    return OpenSqliteStore({.path = SqlitePathFromUrl(database_url), .migrate = migrate});
  }
  if (IsPostgresUrl(database_url)) {
    return OpenPostgresStore({.url = database_url, .migrate = migrate});
  }
  return Error::Config("DATABASE_URL: must be sqlite://PATH or a postgresql:// URL");
}

Result<int> MigrateStore(const std::string& database_url) {
  if (IsPostgresUrl(database_url)) return MigratePostgres(database_url);
  if (!database_url.starts_with("sqlite://")) {
    return Error::Config("DATABASE_URL: must be sqlite://PATH or a postgresql:// URL");
  }
  auto writer = OpenWriter({.path = SqlitePathFromUrl(database_url)});
  if (!writer) return writer.error();
  return ApplyMigrations(**writer, true);
}

}  // namespace callbrief::store
