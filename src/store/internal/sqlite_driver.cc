#include "store/internal/sqlite_driver.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/internal/search_text.h"
#include "store/internal/sqlite_checkpointer.h"
#include "store/internal/write_group.h"
#include "store/sqlite_store.h"

namespace callbrief::store::internal {
namespace {

using core::Error;
using core::Result;
using core::Status;

constexpr int kBusyTimeoutMs = 5000;
// Prepared statements kept per connection; the few statements built per call (a list filter,
// a claim naming the calls in flight) push the cache over this now and then, and it starts over.
constexpr size_t kCachedStatements = 64;

// The FTS5 tokenizer "callbrief" of the search index (migration 7): SearchWords, the words both
// databases index. It keeps no state (the stemmers are per thread), so every instance is one.
int CreateSearchTokenizer(void*, const char**, int, Fts5Tokenizer** out) {
  static int instance = 0;
  *out = reinterpret_cast<Fts5Tokenizer*>(&instance);
  return SQLITE_OK;
}

void DeleteSearchTokenizer(Fts5Tokenizer*) {}

int SearchTokenize(Fts5Tokenizer*, void* context, int, const char* text, int size,
                   int (*token)(void*, int, const char*, int, int, int)) {
  if (size <= 0) return SQLITE_OK;
  for (const SearchWord& word : SearchWords(std::string_view(text, static_cast<size_t>(size)))) {
    int rc = token(context, 0, word.term.data(), static_cast<int>(word.term.size()),
                   static_cast<int>(word.begin), static_cast<int>(word.end));
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

// Every connection needs the tokenizer before it reads or writes the index.
int RegisterSearchTokenizer(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  rc = sqlite3_finalize(st);
  if (rc != SQLITE_OK) return rc;
  if (api == nullptr) return SQLITE_ERROR;  // SQLite built without FTS5.
  static fts5_tokenizer tokenizer{CreateSearchTokenizer, DeleteSearchTokenizer, SearchTokenize};
  return api->xCreateTokenizer(api, "callbrief", nullptr, &tokenizer, nullptr);
}

class SqliteConnection final : public Connection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      Error error = SqliteError(rc, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
      sqlite3_close_v2(db);
      return error;
    }
    sqlite3_extended_result_codes(db, 0);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    if (rc = RegisterSearchTokenizer(db); rc != SQLITE_OK) {
      Error error = SqliteError(rc, "registering the search tokenizer (is FTS5 built in?)");
      sqlite3_close_v2(db);
      return error;
    }
    return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
  }

  ~SqliteConnection() override {
    Forget();
    sqlite3_close_v2(db_);
  }

  Result<Rows> Exec(std::string_view sql, const Params& params) override {
    auto prepared = Prepare(sql);
    if (!prepared) return prepared.error();
    sqlite3_stmt* st = *prepared;
    struct Reset {
      sqlite3_stmt* st;
      // A finished statement must not keep its read snapshot open.
      ~Reset() {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
      }
    } reset{st};
    const int wanted = sqlite3_bind_parameter_count(st);
    if (wanted > params.size()) {
      return Error::Permanent(
          fmt::format("the statement needs {} parameters, {} given", wanted, params.size()));
    }
    for (int i = 1; i <= wanted; ++i) {
      if (int rc = Bind(st, i, params.values()[static_cast<size_t>(i - 1)]); rc != SQLITE_OK) {
        return Failure(rc);
      }
    }
    const int columns = sqlite3_column_count(st);
    std::vector<Value> cells;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Failure(rc);
      for (int col = 0; col < columns; ++col) cells.push_back(Read(st, col));
    }
    std::int64_t affected = sqlite3_stmt_readonly(st) ? 0 : sqlite3_changes64(db_);
    return Rows(columns, std::move(cells), affected);
  }

  Status Script(std::string_view sql) override {
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Failure(rc);
    return core::Ok();
  }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  Error Failure(int rc) const { return SqliteError(rc, sqlite3_errmsg(db_)); }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= kCachedStatements) Forget();
    std::string text = SqlitePlaceholders(sql);
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return Failure(rc);
    cache_.emplace(std::move(key), st);
    return st;
  }

  void Forget() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    cache_.clear();
  }

  static int Bind(sqlite3_stmt* st, int index, const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return sqlite3_bind_int64(st, index, *i);
    if (const auto* d = std::get_if<double>(&value)) return sqlite3_bind_double(st, index, *d);
    if (const auto* text = std::get_if<std::string>(&value)) {
      return sqlite3_bind_text64(st, index, text->data(), text->size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
    }
    return sqlite3_bind_null(st, index);
  }

  static Value Read(sqlite3_stmt* st, int col) {
    switch (sqlite3_column_type(st, col)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(st, col));
      case SQLITE_FLOAT:
        return sqlite3_column_double(st, col);
      case SQLITE_NULL:
        return std::monostate{};
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
        return std::string(text, static_cast<size_t>(sqlite3_column_bytes(st, col)));
      }
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, std::unique_ptr<SqliteConnection> writer, int readers)
      : path_(std::move(path)),
        writer_(std::move(writer)),
        readers_size_(readers),
        // Checkpoints run on the checkpointer's thread, never inside a commit (see
        // SqliteCheckpointer).
        checkpointer_(path_, std::chrono::milliseconds(250)),
        // Every write joins the group commit: the workers' claims and stage results share
        // intake's transactions and syncs instead of queueing for the lock one by one.
        // IMMEDIATE takes the write lock first: two processes on one file never both start a
        // write and deadlock.
        writes_([this](std::span<WriteUnit* const> batch) { Commit(batch); }) {}

 protected:
  Status Use(Access access, const std::function<Status(Connection&)>& work) override {
    if (access == Access::kRead || access == Access::kSnapshot) {
      auto reader = TakeReader();
      if (!reader) return reader.error();
      struct GiveBack {
        SqliteDatabase* db;
        std::unique_ptr<SqliteConnection>* reader;
        ~GiveBack() { db->GiveReader(std::move(*reader)); }
      } give_back{this, &*reader};
      return access == Access::kRead ? work(**reader) : InTransaction(**reader, "BEGIN", work);
    }
    return writes_.Submit(access, work);
  }

 private:
  void Commit(std::span<WriteUnit* const> batch) {
    // A batch of Access::kUnsynced writes only is committed without syncing the WAL: the next
    // synced commit (or checkpoint) syncs it too.
    const bool sync = std::any_of(batch.begin(), batch.end(), [](const WriteUnit* unit) {
      return unit->access != Access::kUnsynced;
    });
    if (!sync) (void)writer_->Exec("PRAGMA synchronous = NORMAL", Params());
    RunInOneTransaction(*writer_, "BEGIN IMMEDIATE", batch);
    if (!sync) (void)writer_->Exec("PRAGMA synchronous = FULL", Params());
    checkpointer_.NoteCommit();
  }

  static Status InTransaction(SqliteConnection& c, std::string_view begin,
                              const std::function<Status(Connection&)>& work) {
    STORE_RETURN_IF_ERROR(c.Exec(begin, Params()));
    Status done = work(c);
    if (done.ok()) done = Done(c.Exec("COMMIT", Params()));
    if (!done.ok()) (void)c.Exec("ROLLBACK", Params());  // Fails only when nothing is left to undo.
    return done;
  }

  Result<std::unique_ptr<SqliteConnection>> TakeReader() {
    {
      std::lock_guard lock(readers_mutex_);
      if (!idle_readers_.empty()) {
        auto reader = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return reader;
      }
    }
    return SqliteConnection::Open(path_, SQLITE_OPEN_READONLY);
  }

  void GiveReader(std::unique_ptr<SqliteConnection> reader) {
    std::lock_guard lock(readers_mutex_);
    if (static_cast<int>(idle_readers_.size()) < readers_size_) {
      idle_readers_.push_back(std::move(reader));
    }
  }

  const std::string path_;
  std::unique_ptr<SqliteConnection> writer_;  // Used by the leader of the write group only.
  const int readers_size_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
  SqliteCheckpointer checkpointer_;
  WriteGroup writes_;
};

}  // namespace

std::string SqlitePlaceholders(std::string_view sql) {
  std::string out(sql);
  char quote = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < out.size() && out[i + 1] >= '0' && out[i + 1] <= '9') {
      out[i] = '?';
    }
  }
  return out;
}

Error SqliteError(int code, std::string_view message) {
  code &= 0xff;
  std::string text = fmt::format("SQLite error {} ({})", code, message);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR || code == SQLITE_FULL) {
    return Error::Transient(std::move(text));
  }
  return Error::Permanent(std::move(text));
}

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                     int read_connections) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Error::Config(fmt::format("DATABASE_URL: cannot create the directory {}: {}",
                                     parent.string(), ec.message()));
  }
  auto writer = SqliteConnection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  Status configured = writer.ok() ? (*writer)->Script(
                                        // FULL: every commit syncs the WAL, so an acknowledged
                                        // event survives a power cut, not only a crash. Group
                                        // commit is what keeps this affordable.
                                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                                        "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                                        // Checkpoints are the checkpointer's (see above).
                                        "PRAGMA wal_autocheckpoint = 0; "
                                        // The WAL is cut back to this size when it starts over
                                        // after a complete checkpoint.
                                        "PRAGMA journal_size_limit = 67108864")
                                  : Status(writer.error());
  if (!configured.ok()) {
    return Error::Config(fmt::format("DATABASE_URL: cannot open the SQLite database {}: {}", path,
                                     configured.error().message));
  }
  try {
    return std::unique_ptr<Database>(
        std::make_unique<SqliteDatabase>(path, std::move(*writer), read_connections));
  } catch (const std::exception& e) {  // The checkpointer's connection (SQLiteCpp) throws.
    return Error::Config(
        fmt::format("DATABASE_URL: cannot open the SQLite database {}: {}", path, e.what()));
  }
}

}  // namespace callbrief::store::internal

namespace callbrief::store {

core::Status EnableSqliteSearch(sqlite3* db) {
  if (int rc = internal::RegisterSearchTokenizer(db); rc != SQLITE_OK) {
    return core::Error::Config(fmt::format(
        "registering the search tokenizer: {} (is FTS5 built in?)", sqlite3_errstr(rc)));
  }
  return core::Ok();
}

}  // namespace callbrief::store
