#pragma once

// A thin layer over libpq for the PostgreSQL store; nothing outside src/store includes this.
//
// Failures inside this layer are thrown as pg::Failure (the one exception type of the PostgreSQL
// code, playing the part SQLite::Exception plays for the SQLite store) and become core::Error
// values at the CallStore boundary (ToError). Every failure already carries the kind the caller
// must act on: lost connections, serialization failures and deadlocks are kTransient; a wrong
// password, a missing database or a malformed URL is kConfig. Messages never contain the password.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "core/error.h"

struct pg_conn;
struct pg_result;

namespace callbrief::store::pg {

class Failure : public std::runtime_error {
 public:
  Failure(core::ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  core::ErrorKind kind() const { return kind_; }

 private:
  core::ErrorKind kind_;
};

// "doing: message" with the failure's kind.
core::Error ToError(const Failure& failure, std::string_view doing);

// The kind of a statement's failure from its SQLSTATE (empty when libpq gave none) and whether the
// connection is gone. Pure, for tests.
core::ErrorKind KindOfSqlState(std::string_view sqlstate, bool connection_lost);
// The kind of a failure to connect, from libpq's message. Pure, for tests.
core::ErrorKind KindOfConnectFailure(std::string_view message);

// The URL with its password replaced by "***" (`postgresql://user:***@host/db`, also
// `?password=…`), for messages and logs.
std::string RedactUrl(std::string_view url);

// Query parameters in libpq's text format; std::nullopt is SQL NULL.
class Params {
 public:
  Params() = default;
  template <typename... Ts>
  explicit Params(const Ts&... values) {
    (Add(values), ...);
  }

  template <typename T>
  Params& Add(const T& value) {
    if constexpr (requires {
                    value.has_value();
                    *value;
                  }) {
      if (value.has_value()) return Add(*value);
      values_.emplace_back(std::nullopt);
    } else if constexpr (std::is_same_v<T, bool>) {
      values_.emplace_back(value ? "true" : "false");
    } else if constexpr (std::is_integral_v<T>) {
      values_.emplace_back(std::to_string(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      values_.emplace_back(fmt::format("{}", value));  // Shortest text that reads back exactly.
    } else {
      values_.emplace_back(std::string(std::string_view(value)));
    }
    return *this;
  }

  // Adds `value` and returns its placeholder ("$3"), for statements built piece by piece.
  template <typename T>
  std::string Next(const T& value) {
    Add(value);
    return "$" + std::to_string(values_.size());
  }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// The rows of one statement (text format). Reading a NULL gives "", 0 or std::nullopt.
class Rows {
 public:
  explicit Rows(pg_result* result);
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&&) = delete;
  Rows(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  // Rows changed by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  std::int64_t Int64(int row, int col) const;
  int Int(int row, int col) const { return static_cast<int>(Int64(row, col)); }
  double Double(int row, int col) const;
  std::optional<std::int64_t> OptionalInt64(int row, int col) const;
  std::optional<int> OptionalInt(int row, int col) const;
  std::optional<double> OptionalDouble(int row, int col) const;

 private:
  pg_result* result_;
};

// One connection. Not thread-safe: a connection belongs to one thread at a time (see Pool).
class Connection {
 public:
  // Connects to `url` (postgresql:// or postgres://, or a libpq key=value string).
  static std::unique_ptr<Connection> Open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with parameters.
  Rows Exec(std::string_view sql, const Params& params = Params());
  // One or more statements without parameters (BEGIN, COMMIT, a migration's script).
  void Run(std::string_view sql);
  // Connected and outside any transaction: fit to go back to the pool.
  bool Reusable() const;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  [[noreturn]] void ThrowFailure(pg_result* result);
  Rows Check(pg_result* result);

  pg_conn* conn_;
};

// BEGIN … COMMIT; rolled back when destroyed uncommitted (an exception on the way out).
class Transaction {
 public:
  explicit Transaction(Connection& c, std::string_view begin = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

// Up to `size` connections shared by threads; a caller waits while all are in use. Connections
// are made when first needed; one that broke or was left inside a transaction is dropped rather
// than reused. Thread-safe.
class Pool {
 public:
  Pool(std::string url, int size) : url_(std::move(url)), size_(size) {}

  template <typename Fn>
  auto With(Fn&& fn) -> std::invoke_result_t<Fn, Connection&> {
    std::unique_ptr<Connection> c = Take();
    struct GiveBack {
      Pool* pool;
      std::unique_ptr<Connection>* c;
      ~GiveBack() { pool->Give(std::move(*c)); }
    } give_back{this, &c};
    return fn(*c);
  }

 private:
  std::unique_ptr<Connection> Take();
  void Give(std::unique_ptr<Connection> c);

  const std::string url_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // Idle plus in use.
};

}  // namespace callbrief::store::pg
