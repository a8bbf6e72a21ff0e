#include "store/pg_connection.h"

#include <charconv>
#include <cstdlib>

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

core::Error ToError(const Failure& failure, std::string_view doing) {
  return {failure.kind(), fmt::format("{}: {}", doing, failure.what()), {}, {}};
}

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

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& v : values_) pointers.push_back(v ? v->c_str() : nullptr);
  return pointers;
}

Rows::Rows(pg_result* result) : result_(result) {}
Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}
Rows::Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }

int Rows::size() const { return PQntuples(result_); }

std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(result_);
  std::int64_t value = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), value);
  return value;
}

bool Rows::IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(result_, row, col),
                     static_cast<size_t>(PQgetlength(result_, row, col)));
}

std::int64_t Rows::Int64(int row, int col) const {
  const char* text = PQgetvalue(result_, row, col);
  std::int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_, row, col), value);
  return value;
}

double Rows::Double(int row, int col) const {
  return IsNull(row, col) ? 0 : std::strtod(PQgetvalue(result_, row, col), nullptr);
}

std::optional<std::int64_t> Rows::OptionalInt64(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int64(row, col);
}
std::optional<int> Rows::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}
std::optional<double> Rows::OptionalDouble(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Double(row, col);
}

std::unique_ptr<Connection> Connection::Open(const std::string& url) {
  const std::string password = PasswordOf(url);
  // The password may surface in messages quoted by others (libraries, logs): mask it everywhere.
  if (!password.empty()) core::GlobalRedactor().AddSecret(password);
  // Defaults first: whatever the URL itself says wins (expand_dbname).
  const char* keywords[] = {"fallback_application_name", "connect_timeout", "dbname", nullptr};
  const char* values[] = {"callbrief", "10", url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) throw Failure(ErrorKind::kTransient, "libpq could not allocate");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Masked(OneLine(PQerrorMessage(conn)), password);
    PQfinish(conn);
    throw Failure(KindOfConnectFailure(message),
                  fmt::format("cannot connect to PostgreSQL at {}: {}", RedactUrl(url), message));
  }
  // NOTICEs ("relation already exists, skipping") would go to stderr; they say nothing useful.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

void Connection::ThrowFailure(pg_result* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = OneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = OneLine(PQerrorMessage(conn_));
  ErrorKind kind = KindOfSqlState(state ? state : "", PQstatus(conn_) == CONNECTION_BAD);
  if (result) PQclear(result);
  throw Failure(kind, fmt::format("PostgreSQL error {}: {}", state ? state : "(no SQLSTATE)",
                                  core::Redact(message)));
}

Rows Connection::Check(pg_result* result) {
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) ThrowFailure(result);
  return Rows(result);
}

Rows Connection::Exec(std::string_view sql, const Params& params) {
  std::vector<const char*> values = params.Pointers();
  return Check(PQexecParams(conn_, std::string(sql).c_str(), params.size(), nullptr, values.data(),
                            nullptr, nullptr, /*resultFormat=*/0));
}

void Connection::Run(std::string_view sql) { Check(PQexec(conn_, std::string(sql).c_str())); }

bool Connection::Reusable() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Transaction::Transaction(Connection& c, std::string_view begin) : connection_(c) {
  connection_.Run(begin);
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.Run("ROLLBACK");
  } catch (const Failure&) {
    // The connection is broken; the pool drops it (Reusable() is false).
  }
}

void Transaction::Commit() {
  open_ = false;
  connection_.Run("COMMIT");
}

std::unique_ptr<Connection> Pool::Take() {
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
  try {
    return Connection::Open(url_);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::Give(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  if (c && c->Reusable()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace callbrief::store::pg
