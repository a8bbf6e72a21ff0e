#pragma once

// The thin layer each database provides to the one CallStore implementation (sql_store.h):
// statements with bound parameters that answer rows, run on a connection chosen for what the
// caller means to do (read, read one snapshot, write, write all-or-nothing). Errors are values
// whose kind follows CallStore's contract (busy, unreachable → kTransient; cannot open, wrong
// password → kConfig; anything else → kPermanent). Nothing outside src/store includes this.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace callbrief::store::internal {

// One parameter or one cell: SQL NULL, an integer, a real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// A statement's parameters, $1, $2, … in its text (PostgreSQL's form, rewritten for SQLite by
// its driver). std::nullopt is NULL, a bool is 0 or 1.
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
      values_.emplace_back(std::monostate{});
    } else if constexpr (std::is_integral_v<T>) {
      values_.emplace_back(static_cast<std::int64_t>(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      values_.emplace_back(static_cast<double>(value));
    } else {
      values_.emplace_back(std::string(std::string_view(value)));
    }
    return *this;
  }

  // Adds `value` and answers its placeholder ("$3"), for statements built piece by piece.
  template <typename T>
  std::string Next(const T& value) {
    Add(value);
    return "$" + std::to_string(values_.size());
  }

  std::span<const Value> values() const { return values_; }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  std::vector<Value> values_;
};

// The rows a statement answered, read into memory. A cell may hold text where a number is read
// (PostgreSQL answers text): it is converted. Reading NULL gives "", 0 or std::nullopt.
class Rows {
 public:
  Rows() = default;
  Rows(int columns, std::vector<Value> cells, std::int64_t affected)
      : columns_(columns), cells_(std::move(cells)), affected_(affected) {}

  int size() const { return columns_ == 0 ? 0 : static_cast<int>(cells_.size()) / columns_; }
  bool empty() const { return size() == 0; }
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const { return affected_; }

  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  std::int64_t Int64(int row, int col) const;
  int Int(int row, int col) const { return static_cast<int>(Int64(row, col)); }
  double Double(int row, int col) const;
  std::optional<std::int64_t> OptionalInt64(int row, int col) const;
  std::optional<int> OptionalInt(int row, int col) const;
  std::optional<double> OptionalDouble(int row, int col) const;

 private:
  const Value& At(int row, int col) const {
    return cells_[static_cast<size_t>(row * columns_ + col)];
  }

  int columns_ = 0;
  std::vector<Value> cells_;
  std::int64_t affected_ = 0;
};

// The outcome of a statement whose rows nobody reads.
inline core::Status Done(const core::Result<Rows>& rows) {
  if (!rows.ok()) return rows.error();
  return core::Ok();
}

// One connection, used by one thread at a time (Database hands it out).
class Connection {
 public:
  virtual ~Connection() = default;
  // One statement. Errors say what the database said, without what the caller was doing.
  virtual core::Result<Rows> Exec(std::string_view sql, const Params& params = Params()) = 0;
  // Several statements without parameters (a migration's script).
  virtual core::Status Script(std::string_view sql) = 0;
};

// What a unit of work needs from its connection.
enum class Access {
  kRead,         // Any connection; every statement on its own.
  kSnapshot,     // One read-only transaction: every statement sees the same data.
  kWrite,        // Every statement committed on its own, durable when it returns.
  kTransaction,  // All or nothing: committed when the work succeeds, rolled back otherwise.
  // All or nothing like kTransaction, and committed without waiting for the disk (unless it
  // shares a transaction with writes that wait): it survives a crash of this process at once, a
  // power cut (or a crash of the database server) only once a later synced commit or checkpoint
  // has passed — the log is written in order, so that commit makes this one durable too. For
  // writes whose loss in a power cut is harmless or cheap, each followed by a synced write that
  // relies on it: the pipeline's leases (a stage result or a delivery under the claim is synced;
  // a lost claim only lets the call be claimed again), a chunk's transcript and a provider's
  // usage (the stage's result follows; lost, a chunk is sent again), Telegram's send slots.
  kUnsynced,
};

// A database: connections and transactions. Thread-safe.
class Database {
 public:
  virtual ~Database() = default;

  // Runs `work` on a connection fit for `access` (in a transaction where `access` asks for one)
  // and answers its value; any error, the work's or the database's, comes back as
  // "<doing>: <what went wrong>".
  template <typename Fn>
  auto Run(Access access, std::string_view doing, Fn&& work)
      -> std::invoke_result_t<Fn, Connection&> {
    using Answer = std::invoke_result_t<Fn, Connection&>;
    std::optional<Answer> answer;
    core::Status done = Use(access, [&](Connection& c) -> core::Status {
      answer.emplace(work(c));
      if (answer->ok()) return core::Ok();
      return answer->error();
    });
    if (!done.ok()) {
      core::Error error = done.error();
      error.message = std::string(doing) + ": " + error.message;
      return error;
    }
    return std::move(*answer);
  }

 protected:
  virtual core::Status Use(Access access, const std::function<core::Status(Connection&)>& work) = 0;
};

}  // namespace callbrief::store::internal

// Propagates a failed Result or Status out of a function returning Result or Status;
// STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(…)) also names its value. (After absl's
// ASSIGN_OR_RETURN: every statement of the shared store can fail, and the one way out reads the
// same everywhere.)
#define STORE_CONCAT_INNER_(a, b) a##b
#define STORE_CONCAT_(a, b) STORE_CONCAT_INNER_(a, b)
#define STORE_RETURN_IF_ERROR(expr)                                                     \
  do {                                                                                  \
    if (auto store_status_ = (expr); !store_status_.ok()) return store_status_.error(); \
  } while (false)
#define STORE_ASSIGN_OR_RETURN(lhs, expr) \
  STORE_ASSIGN_OR_RETURN_IMPL_(STORE_CONCAT_(store_result_, __LINE__), lhs, expr)
#define STORE_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                 \
  if (!result.ok()) return result.error();              \
  lhs = std::move(*result)
