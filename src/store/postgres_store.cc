#include "store/postgres_store.h"

#include <charconv>
#include <type_traits>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "core/clock.h"
#include "core/redact.h"
#include "store/pg_connection.h"
#include "store/postgres_schema.h"
#include "store/postgres_stats.h"
#include "store/postgres_work.h"

namespace callbrief::store {
namespace {

using core::Error;
using core::Result;
using core::Status;
using pg::Connection;
using pg::Params;
using pg::Rows;

// Keyset cursor "<started_at>_<id>" of the last row of a page (the same form as on SQLite).
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

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// One call of a batch. The call and its event go in one statement; a call already known (also
// earlier in the same batch) inserts nothing, and its id is read back.
RecordedCall RecordOne(Connection& c, const IncomingCall& call) {
  Rows inserted = c.Exec(
      "WITH inserted AS (INSERT INTO calls (bitrix_call_id, source, call_type, direction, "
      "client_number, portal_number, portal_user_id, duration_seconds, started_at, failed_code, "
      "failed_reason, crm_activity_id, stage, next_attempt_at, received_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $13, $13) "
      "ON CONFLICT (bitrix_call_id) DO NOTHING RETURNING id), "
      "event AS (INSERT INTO raw_events (call_id, event_name, received_at, remote_addr, body) "
      "SELECT id, $14::text, $13::bigint, $15::text, $16::text FROM inserted) "
      "SELECT id FROM inserted",
      Params(call.bitrix_call_id, CallSourceName(call.source), call.call_type,
             DirectionName(call.direction), call.client_number, call.portal_number,
             call.portal_user_id, call.duration_seconds,
             call.started_at_ms.value_or(call.received_at_ms), call.failed_code, call.failed_reason,
             call.crm_activity_id, call.received_at_ms, call.event_name, call.remote_addr,
             call.event_json));
  if (!inserted.empty()) return {inserted.Int64(0, 0), IntakeOutcome::kCreated};
  // The conflicting row is committed (ON CONFLICT waited for it), so this statement sees it.
  Rows known =
      c.Exec("SELECT id FROM calls WHERE bitrix_call_id = $1", Params(call.bitrix_call_id));
  if (known.empty()) {
    throw pg::Failure(core::ErrorKind::kTransient,
                      "call " + call.bitrix_call_id + " was neither inserted nor found");
  }
  return {known.Int64(0, 0), IntakeOutcome::kDuplicate};
}

class PostgresStore final : public CallStore {
 public:
  explicit PostgresStore(const PostgresOptions& options)
      : pool_(options.url, std::max(1, options.connections)) {}

  pg::Pool& pool() { return pool_; }

  Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) override {
    return Run(fmt::format("recording {} incoming call(s)", calls.size()), [&](Connection& c) {
      std::vector<RecordedCall> recorded;
      recorded.reserve(calls.size());
      pg::Transaction tx(c);
      for (const IncomingCall& call : calls) recorded.push_back(RecordOne(c, call));
      tx.Commit();
      return recorded;
    });
  }

  Result<CallPage> ListCalls(const CallQuery& query) override {
    std::int64_t cursor_started = 0, cursor_id = 0;
    if (!query.cursor.empty() && !ParseCursor(query.cursor, &cursor_started, &cursor_id)) {
      return Error::InvalidInput("cursor: not a cursor returned by this API");
    }
    Params p;
    std::string sql = fmt::format("SELECT {} FROM calls WHERE TRUE", pg::kCallColumns);
    if (!query.stages.empty()) {
      sql += " AND stage IN (";
      for (size_t i = 0; i < query.stages.size(); ++i) {
        sql += (i == 0 ? "" : ",") + p.Next(StageName(query.stages[i]));
      }
      sql += ")";
    }
    if (query.direction) sql += " AND direction = " + p.Next(DirectionName(*query.direction));
    if (query.from_ms) sql += " AND started_at >= " + p.Next(*query.from_ms);
    if (query.to_ms) sql += " AND started_at < " + p.Next(*query.to_ms);
    if (!query.number_contains.empty()) {
      std::string n = p.Next("%" + EscapeLike(query.number_contains) + "%");
      sql += fmt::format(
          " AND (client_number LIKE {0} ESCAPE '\\' OR portal_number LIKE {0} "
          "ESCAPE '\\')",
          n);
    }
    if (query.portal_user_id) sql += " AND portal_user_id = " + p.Next(*query.portal_user_id);
    if (!query.sentiment.empty()) {
      sql +=
          " AND id IN (SELECT call_id FROM summaries WHERE sentiment = " + p.Next(query.sentiment) +
          ")";
    }
    if (!query.cursor.empty()) {
      std::string started = p.Next(cursor_started);
      sql += fmt::format(" AND (started_at < {0} OR (started_at = {0} AND id < {1}))", started,
                         p.Next(cursor_id));
    }
    // One more row than asked tells whether a next page exists.
    sql += " ORDER BY started_at DESC, id DESC LIMIT " + p.Next(query.limit + 1);

    return Run("listing calls", [&](Connection& c) {
      Rows rows = c.Exec(sql, p);
      CallPage page;
      for (int i = 0; i < rows.size(); ++i) page.calls.push_back(pg::ReadCall(rows, i));
      if (static_cast<int>(page.calls.size()) > query.limit) {
        page.calls.pop_back();
        page.next_cursor = MakeCursor(page.calls.back());
      }
      return page;
    });
  }

  Result<std::optional<CallDetails>> FindCall(std::string_view key) override {
    return Run("reading a call", [&](Connection& c) -> std::optional<CallDetails> {
      // One snapshot for the call and everything stored about it.
      pg::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      auto call = pg::FindCallRow(c, key);
      if (!call) return std::nullopt;
      CallDetails details;
      details.call = std::move(*call);
      pg::LoadChildren(c, &details);
      tx.Commit();
      return details;
    });
  }

  Result<std::vector<std::pair<Stage, std::int64_t>>> CountByStage() override {
    return Run("counting calls", [](Connection& c) {
      std::vector<std::pair<Stage, std::int64_t>> counts;
      Rows rows = c.Exec("SELECT stage, COUNT(*) FROM calls GROUP BY stage");
      for (int i = 0; i < rows.size(); ++i) {
        if (auto stage = StageFromName(rows.Text(i, 0)))
          counts.emplace_back(*stage, rows.Int64(i, 1));
      }
      return counts;
    });
  }

  Result<std::optional<std::string>> GetSetting(std::string_view name) override {
    return Run(fmt::format("reading setting {}", name),
               [&](Connection& c) -> std::optional<std::string> {
                 Rows rows = c.Exec("SELECT value FROM settings WHERE name = $1", Params(name));
                 if (rows.empty()) return std::nullopt;
                 return rows.Text(0, 0);
               });
  }

  Status PutSetting(std::string_view name, std::string_view value) override {
    return RunStatus(fmt::format("saving setting {}", name), [&](Connection& c) {
      c.Exec(
          "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
          "updated_at = excluded.updated_at",
          Params(name, value, core::ToUnixMillis(core::SystemClock::Instance().Now())));
    });
  }

  Status Ping() override {
    return RunStatus("checking the database",
                     [](Connection& c) { c.Exec("SELECT COUNT(*) FROM schema_migrations"); });
  }

  Result<std::optional<CallRecord>> ClaimDueCall(std::string_view owner, std::int64_t now_ms,
                                                 std::int64_t lease_ms,
                                                 std::span<const std::int64_t> running) override {
    return Run("claiming a due call", [&](Connection& c) {
      return pg::ClaimDueCall(c, owner, now_ms, lease_ms, running);
    });
  }

  Result<std::vector<std::int64_t>> RenewLeases(std::span<const LeaseToken> claims,
                                                std::int64_t /*now_ms: the database's clock*/,
                                                std::int64_t lease_ms) override {
    if (claims.empty()) return std::vector<std::int64_t>{};
    return Run("renewing leases", [&](Connection& c) {
      pg::Transaction tx(c);
      auto lost = pg::RenewLeases(c, claims, lease_ms);
      tx.Commit();
      return lost;
    });
  }

  Status ReleaseLeases(std::string_view owner) override {
    return RunStatus("releasing leases", [&](Connection& c) { pg::ReleaseLeases(c, owner); });
  }

  Result<std::optional<std::int64_t>> NextDueAtMs() override {
    return Run("finding the next due call", [](Connection& c) { return pg::NextDueAtMs(c); });
  }

  Result<int> WakeParkedCalls(std::int64_t now_ms) override {
    return Run("waking parked calls",
               [&](Connection& c) { return pg::WakeParkedCalls(c, now_ms); });
  }

  Status FinishStage(const StageOutcome& outcome) override {
    auto written = Run("finishing a stage", [&](Connection& c) {
      pg::Transaction tx(c);
      if (!pg::FinishStage(c, outcome)) return false;  // Rolled back by tx.
      tx.Commit();
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
    return Run("reading audio chunks", [&](Connection& c) { return pg::LoadChunks(c, call_id); });
  }

  Status SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                             std::string_view transcript_json, std::int64_t now_ms) override {
    return RunStatus("saving a chunk transcript", [&](Connection& c) {
      pg::SaveChunkTranscript(c, call_id, chunk_index, transcript_json, now_ms);
    });
  }

  Status SaveDelivery(const LeaseToken& claim, const Delivery& delivery) override {
    auto written = Run("saving a delivery", [&](Connection& c) {
      pg::Transaction tx(c);
      if (!pg::HoldsClaim(c, claim)) return false;  // Rolled back by tx.
      pg::SaveDelivery(c, claim.call_id, delivery);
      tx.Commit();
      return true;
    });
    if (!written.ok()) return written.error();
    if (!*written) return LeaseLost(fmt::format("saving the {} delivery", delivery.channel), claim);
    return core::Ok();
  }

  Status RecordUsage(std::int64_t call_id, const UsageRow& usage) override {
    return RunStatus("recording provider usage", [&](Connection& c) {
      pg::Transaction tx(c);
      pg::RecordUsage(c, call_id, usage);
      tx.Commit();
    });
  }

  Result<RetryResult> RetryCall(std::string_view key, std::int64_t now_ms) override {
    return Run("retrying a call", [&](Connection& c) {
      auto call = pg::FindCallRow(c, key);
      if (!call) return RetryResult::kNotFound;
      return pg::RetryCall(c, *call, now_ms);  // Guarded by the stage it read.
    });
  }

  Result<std::vector<SummaryBrief>> ListSummaryBriefs(
      std::span<const std::int64_t> call_ids) override {
    return Run("reading summaries",
               [&](Connection& c) { return pg::ListSummaryBriefs(c, call_ids); });
  }

  Result<std::vector<DayStats>> StatsByDay(const StatsQuery& query) override {
    return Run("counting calls per day", [&](Connection& c) { return pg::StatsByDay(c, query); });
  }

  Result<std::vector<ManagerRef>> ListManagers() override {
    return Run("listing managers", [](Connection& c) { return pg::ListManagers(c); });
  }

 private:
  // Runs `fn` on a pooled connection; failures become errors saying what was being done.
  template <typename Fn>
  auto Run(std::string_view doing, Fn&& fn) -> Result<std::invoke_result_t<Fn, Connection&>> {
    try {
      return pool_.With(std::forward<Fn>(fn));
    } catch (const pg::Failure& f) {
      return pg::ToError(f, doing);
    }
  }

  template <typename Fn>
  Status RunStatus(std::string_view doing, Fn&& fn) {
    auto done = Run(doing, [&](Connection& c) {
      fn(c);
      return true;
    });
    if (!done.ok()) return done.error();
    return core::Ok();
  }

  pg::Pool pool_;
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
      fmt::format("DATABASE_URL: not a valid PostgreSQL URL ({}): {}", pg::RedactUrl(url), why)));
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<std::unique_ptr<CallStore>> OpenPostgresStore(const PostgresOptions& options) {
  if (auto valid = CheckUrl(options.url); !valid) return valid.error();
  auto store = std::make_unique<PostgresStore>(options);
  // The first connection proves the server answers and brings the schema up to date.
  try {
    store->pool().With([&](Connection& c) { return pg::ApplyMigrations(c, options.migrate); });
  } catch (const pg::Failure& f) {
    return pg::ToError(f, "DATABASE_URL: opening the PostgreSQL database");
  }
  return std::unique_ptr<CallStore>(std::move(store));
}

Result<int> MigratePostgres(const std::string& url) {
  if (auto valid = CheckUrl(url); !valid) return valid.error();
  try {
    auto c = Connection::Open(url);
    return pg::ApplyMigrations(*c, /*apply=*/true);
  } catch (const pg::Failure& f) {
    return pg::ToError(f, "DATABASE_URL: migrating the PostgreSQL schema");
  }
}

}  // namespace callbrief::store
