#include "store/internal/postgres_driver.h"

#include <charconv>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "core/redact.h"

namespace callbrief::store::pg {
namespace {

using core::ErrorKind;

// libpq messages end with a line break and sometimes carry a DETAIL line; one line reads better.
std::string OneLine(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' ')) ++i;
    out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The password of a connection string, for masking it in whatever libpq answers.
std::string PasswordOf(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return "";
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

std::string Masked(std::string text, const std::string& password) {
  if (!password.empty()) {
    for (size_t at = text.find(password); at != std::string::npos;
         at = text.find(password, at + 3)) {
      text.replace(at, password.size(), "***");
    }
  }
  return core::Redact(text);
}

}  // namespace

ErrorKind KindOfSqlState(std::string_view sqlstate, bool connection_lost) {
  if (connection_lost || sqlstate.empty()) return ErrorKind::kTransient;
  if (sqlstate == "40001" || sqlstate == "40P01") return ErrorKind::kTransient;  // Retry the tx.
  std::string_view cls = sqlstate.substr(0, 2);
  // Connection trouble, too many connections / out of resources, server shutting down or
  // starting, a lock wait that timed out, a query cancelled by the server.
  if (cls == "08" || cls == "53" || cls == "57" || sqlstate == "55P03") {
    return ErrorKind::kTransient;
  }
  // Wrong password or role, missing database, missing privileges: the operator must act.
  if (cls == "28" || sqlstate == "3D000" || sqlstate == "42501") return ErrorKind::kConfig;
  return ErrorKind::kPermanent;
}

ErrorKind KindOfConnectFailure(std::string_view message) {
  static constexpr std::string_view kConfigSigns[] = {
      "password authentication failed",
      "no password supplied",
      "does not exist",
      "pg_hba.conf",
      "invalid connection option",
      "invalid URI",
      "invalid sslmode",
      "SSL was required",
      "authentication method",
      "Name or service not known",
      "invalid integer value",
      "permission denied",
  };
  for (std::string_view sign : kConfigSigns) {
    if (Contains(message, sign)) return ErrorKind::kConfig;
  }
  return ErrorKind::kTransient;  // Refused, timed out, reset, the server starting up, …
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?", start);
    size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    size_t value = at + 9;
    size_t end = out.find_first_of("& ", value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

namespace {

using core::Error;
using core::Result;
using core::Status;
using internal::Access;
using internal::Params;
using internal::Rows;
using internal::Value;

// One connection; libpq's text format both ways (the database converts parameters to the
// column's type, and the driver's Rows convert text cells when they are read as numbers).
class PgConnection final : public internal::Connection {
 public:
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url) {
    const std::string password = PasswordOf(url);
    // The password may surface in messages quoted by others (libraries, logs): mask it everywhere.
    if (!password.empty()) core::GlobalRedactor().AddSecret(password);
    // Defaults first: whatever the URL itself says wins (expand_dbname).
    const char* keywords[] = {"fallback_application_name", "connect_timeout", "dbname", nullptr};
    const char* values[] = {"callbrief", "10", url.c_str(), nullptr};
    pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (conn == nullptr) return Error::Transient("libpq could not allocate");
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = Masked(OneLine(PQerrorMessage(conn)), password);
      PQfinish(conn);
      return Error{KindOfConnectFailure(message),
                   fmt::format("cannot connect to PostgreSQL at {}: {}", RedactUrl(url), message),
                   {},
                   {}};
    }
    // NOTICEs ("relation already exists, skipping") would go to stderr; they say nothing useful.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(conn));
  }

  ~PgConnection() override { PQfinish(conn_); }

  Result<Rows> Exec(std::string_view sql, const Params& params) override {
    std::vector<std::string> texts;
    std::vector<const char*> pointers;
    texts.reserve(static_cast<size_t>(params.size()));
    for (const Value& v : params.values()) {
      if (std::holds_alternative<std::monostate>(v)) {
        texts.emplace_back();
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        texts.push_back(std::to_string(*i));
      } else if (const auto* d = std::get_if<double>(&v)) {
        texts.push_back(fmt::format("{}", *d));  // Shortest text that reads back exactly.
      } else {
        texts.push_back(std::get<std::string>(v));
      }
    }
    for (size_t i = 0; i < texts.size(); ++i) {
      bool null = std::holds_alternative<std::monostate>(params.values()[i]);
      pointers.push_back(null ? nullptr : texts[i].c_str());
    }
    return Check(PQexecParams(conn_, std::string(sql).c_str(), params.size(), nullptr,
                              pointers.data(), nullptr, nullptr, /*resultFormat=*/0));
  }

  Status Script(std::string_view sql) override {
    auto done = Check(PQexec(conn_, std::string(sql).c_str()));
    if (!done) return done.error();
    return core::Ok();
  }

  // Connected and outside any transaction: fit to go back to the pool.
  bool Reusable() const {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}

  Result<Rows> Check(pg_result* result) {
    ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
      std::string message = OneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
      if (message.empty()) message = OneLine(PQerrorMessage(conn_));
      ErrorKind kind = KindOfSqlState(state ? state : "", PQstatus(conn_) == CONNECTION_BAD);
      std::string text = fmt::format("PostgreSQL error {}: {}", state ? state : "(no SQLSTATE)",
                                     core::Redact(message));
      if (result) PQclear(result);
      return Error{kind, std::move(text), {}, {}};
    }
    const int rows = PQntuples(result);
    const int columns = PQnfields(result);
    std::vector<Value> cells;
    cells.reserve(static_cast<size_t>(rows) * static_cast<size_t>(columns));
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result, r, c)) {
          cells.emplace_back(std::monostate{});
        } else {
          cells.emplace_back(std::string(PQgetvalue(result, r, c),
                                         static_cast<size_t>(PQgetlength(result, r, c))));
        }
      }
    }
    const char* tuples = PQcmdTuples(result);
    std::int64_t affected = 0;
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), affected);
    PQclear(result);
    return Rows(columns, std::move(cells), affected);
  }

  pg_conn* conn_;
};

// Up to `size` connections shared by threads; a caller waits while all are in use.
class PostgresDatabase final : public internal::Database {
 public:
  PostgresDatabase(std::string url, int size) : url_(std::move(url)), size_(size) {}

 protected:
  Status Use(Access access, const std::function<Status(internal::Connection&)>& work) override {
    auto taken = Take();
    if (!taken) return taken.error();
    std::unique_ptr<PgConnection> c = std::move(*taken);
    Status done = Run(*c, access, work);
    Give(std::move(c));
    return done;
  }

 private:
  static Status Run(PgConnection& c, Access access,
                    const std::function<Status(internal::Connection&)>& work) {
    if (access == Access::kRead || access == Access::kWrite) return work(c);
    std::string_view begin = "BEGIN";
    if (access == Access::kSnapshot) begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    // The commit returns once its WAL is written, before it is flushed (Access::kUnsynced).
    if (access == Access::kUnsynced) begin = "BEGIN; SET LOCAL synchronous_commit TO OFF";
    STORE_RETURN_IF_ERROR(c.Script(begin));
    Status done = work(c);
    if (done.ok()) done = c.Script("COMMIT");
    // A broken connection cannot roll back; the pool drops it (Reusable() is false).
    if (!done.ok()) (void)c.Script("ROLLBACK");
    return done;
  }

  Result<std::unique_ptr<PgConnection>> Take() {
    {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      ++open_;  // A slot for the connection made below, outside the lock.
    }
    auto c = PgConnection::Open(url_);
    if (!c) Give(nullptr);
    return c;
  }

  void Give(std::unique_ptr<PgConnection> c) {
    std::lock_guard lock(mutex_);
    if (c && c->Reusable()) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    available_.notify_one();
  }

  const std::string url_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // Idle plus in use.
};

// A malformed URL is a configuration error found before any connection is tried.
Status CheckUrl(const std::string& url) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &message);
  if (options != nullptr) {
    PQconninfoFree(options);
    return core::Ok();
  }
  std::string why = message != nullptr ? message : "cannot be parsed";
  if (message != nullptr) PQfreemem(message);
  while (!why.empty() && why.back() == '\n') why.pop_back();
  return Error::Config(core::Redact(
      fmt::format("DATABASE_URL: not a valid PostgreSQL URL ({}): {}", RedactUrl(url), why)));
}

}  // namespace
}  // namespace callbrief::store::pg

namespace callbrief::store::internal {

core::Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                             int connections) {
  STORE_RETURN_IF_ERROR(pg::CheckUrl(url));
  return std::unique_ptr<Database>(
      std::make_unique<pg::PostgresDatabase>(url, std::max(1, connections)));
}

core::Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& url) {
  STORE_RETURN_IF_ERROR(pg::CheckUrl(url));
  auto c = pg::PgConnection::Open(url);
  if (!c) return c.error();
  return std::unique_ptr<Connection>(std::move(*c));
}

}  // namespace callbrief::store::internal
