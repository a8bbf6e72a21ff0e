#pragma once

// What really differs between the SQL of the two databases; everything else the one CallStore
// implementation (sql_store.h) writes once. Nothing outside src/store includes this.

#include <span>
#include <string>
#include <string_view>

#include "store/internal/driver.h"

namespace callbrief::store::internal {

struct SearchQuery;  // search_text.h

// A numbered schema change. Versions start at 1 and never change once released: a new change is
// a new migration. Both databases have the same versions under the same names (a test holds them
// together), each in its own dialect.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
  // Runs after `sql`, in the same transaction, for what SQL alone cannot compute from the rows
  // already stored (migration 11: the talk metrics of calls transcribed before it), `now_ms` the
  // store's clock. Null: none.
  core::Status (*fill)(Connection& c, std::int64_t now_ms) = nullptr;
};

struct Dialect {
  std::string_view name;  // "SQLite", "PostgreSQL": for messages.

  // ---- Leases ----
  // The expression of "now" (ms since the epoch) in lease times; empty: the caller's now_ms.
  std::string_view lease_clock;
  // Ends the claim's subquery, so concurrent claimers each take a different row.
  std::string_view claim_lock;
  // Follows "FROM calls" in the claim's subquery: the index it walks (migration 9), where the
  // planner would otherwise take the stage index and sort every due call.
  std::string_view claim_index;
  // Ends the check that a claim is current, so a takeover waits until the write it guards ends.
  std::string_view guard_lock;

  // ---- Shared budgets (UpdatePacing) ----
  // Ends the read of a budget's row so the transaction holds it until it commits (empty where the
  // transaction already holds the database's one write lock).
  std::string_view row_lock;
  // "Now" (ms since the epoch) read once the row is held; empty: the caller's now_ms.
  std::string_view pacing_clock;

  // ---- Reading ----
  // Appended to ORDER BY on text, so names sort byte by byte whatever the database's locale.
  std::string_view byte_order;
  // The condition "client or portal number contains `number`" (a parameter added to `params`).
  std::string (*number_contains)(Params& params, std::string_view number);
  // The left side of "… IN (subquery)" on calls.id in a list filter (SQLite: "+id", so the
  // time-ordered index keeps driving the scan).
  std::string_view id_in;
  // The text of one field of a summary's JSON body (`s.body`), NULL when the body is damaged;
  // `summary_json_from` is added after "FROM summaries s".
  std::string (*summary_field)(std::string_view field);
  std::string_view summary_json_from;
  // The condition "the call's scorecard answers custom question `question` with `value`" ("*":
  // with any answer) on calls.id; parameters added to `params`.
  std::string (*answer_is)(Params& params, std::string_view question, std::string_view value);

  // ---- Full-text search (migration 7) ----
  // SELECT of the ids of the calls whose document has every term of `query` (parameters added to
  // `params`).
  std::string (*search_ids)(Params& params, const SearchQuery& query);
  // After a change of a call's segments or summary ($1 the call id), in its transaction: indexes
  // the call's document as it is now, in place of the one indexed before.
  std::string_view search_index;

  // ---- Schema ----
  std::span<const Migration> migrations;
  // The first statement of the migration transaction, so instances starting together migrate one
  // after the other (empty where the transaction itself takes the database's one write lock).
  std::string_view migration_lock;
  std::string_view migrations_table;  // CREATE TABLE IF NOT EXISTS schema_migrations …
};

const Dialect& SqliteDialect();
const Dialect& PostgresDialect();

}  // namespace callbrief::store::internal
