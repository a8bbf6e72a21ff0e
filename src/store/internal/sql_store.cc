#include "store/internal/sql_store.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/clock.h"
#include "store/internal/records.h"
#include "store/internal/search_text.h"

namespace callbrief::store::internal {
namespace {

using core::Error;
using core::Result;
using core::Status;

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

// PacingSlots::recent_ms as kept in telegram_pacing.recent_ms: "1700000000000,1700000001000".
std::string JoinTimes(const std::vector<std::int64_t>& times) {
  return fmt::format("{}", fmt::join(times, ","));
}
std::vector<std::int64_t> SplitTimes(std::string_view text) {
  std::vector<std::int64_t> times;
  while (!text.empty()) {
    const size_t comma = std::min(text.find(','), text.size());
    std::int64_t time = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + comma, time);
    if (ec == std::errc() && end == text.data() + comma) times.push_back(time);
    text.remove_prefix(std::min(comma + 1, text.size()));
  }
  return times;
}

Result<RecordedCall> RecordOne(Connection& c, const Dialect& dialect, const IncomingCall& call) {
  STORE_ASSIGN_OR_RETURN(
      Rows inserted,
      c.Exec(dialect.insert_call,
             Params(call.bitrix_call_id, CallSourceName(call.source), call.call_type,
                    DirectionName(call.direction), call.client_number, call.portal_number,
                    call.portal_user_id, call.duration_seconds,
                    call.started_at_ms.value_or(call.received_at_ms), call.failed_code,
                    call.failed_reason, call.crm_activity_id, call.received_at_ms, call.event_name,
                    call.remote_addr, call.event_json)));
  if (!inserted.empty()) {
    const std::int64_t id = inserted.Int64(0, 0);
    if (!dialect.insert_event.empty()) {
      STORE_RETURN_IF_ERROR(c.Exec(
          dialect.insert_event,
          Params(id, call.event_name, call.received_at_ms, call.remote_addr, call.event_json)));
    }
    return RecordedCall{id, IntakeOutcome::kCreated};
  }
  // The conflicting row is committed (PostgreSQL's ON CONFLICT waited for it; SQLite has one
  // writer), so this statement sees it.
  STORE_ASSIGN_OR_RETURN(Rows known, c.Exec("SELECT id FROM calls WHERE bitrix_call_id = $1",
                                            Params(call.bitrix_call_id)));
  if (known.empty()) {
    return Error::Transient("call " + call.bitrix_call_id + " was neither inserted nor found");
  }
  return RecordedCall{known.Int64(0, 0), IntakeOutcome::kDuplicate};
}

}  // namespace

Result<std::vector<RecordedCall>> SqlStore::RecordIncomingCalls(
    std::span<const IncomingCall> calls) {
  return db_->Run(Access::kTransaction, fmt::format("recording {} incoming call(s)", calls.size()),
                  [&](Connection& c) -> Result<std::vector<RecordedCall>> {
                    std::vector<RecordedCall> recorded;
                    recorded.reserve(calls.size());
                    for (const IncomingCall& call : calls) {
                      STORE_ASSIGN_OR_RETURN(RecordedCall one, RecordOne(c, dialect_, call));
                      recorded.push_back(one);
                    }
                    return recorded;
                  });
}

Result<CallPage> SqlStore::ListCalls(const CallQuery& query) {
  std::int64_t cursor_started = 0, cursor_id = 0;
  if (!query.cursor.empty() && !ParseCursor(query.cursor, &cursor_started, &cursor_id)) {
    return Error::InvalidInput("cursor: not a cursor returned by this API");
  }
  std::optional<SearchQuery> search;
  Params p;
  std::string sql = fmt::format("SELECT {} FROM calls WHERE 1 = 1", kCallColumns);
  if (!query.q.empty()) {
    STORE_ASSIGN_OR_RETURN(SearchQuery parsed, ParseSearchQuery(query.q));
    search = std::move(parsed);
    STORE_ASSIGN_OR_RETURN(std::optional<std::string> found, SearchCondition(*search, p));
    if (!found) return CallPage{};  // No call has every word.
    sql += " AND " + *found;
  }
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
    sql += " AND " + dialect_.number_contains(p, query.number_contains);
  }
  if (query.portal_user_id) sql += " AND portal_user_id = " + p.Next(*query.portal_user_id);
  if (!query.sentiment.empty()) {
    sql += fmt::format(" AND {} IN (SELECT call_id FROM summaries WHERE sentiment = {})",
                       dialect_.id_in, p.Next(query.sentiment));
  }
  if (!query.cursor.empty()) {
    std::string started = p.Next(cursor_started);
    sql += fmt::format(" AND (started_at < {0} OR (started_at = {0} AND id < {1}))", started,
                       p.Next(cursor_id));
  }
  // One more row than asked tells whether a next page exists.
  sql += " ORDER BY started_at DESC, id DESC LIMIT " + p.Next(query.limit + 1);

  return db_->Run(Access::kRead, "listing calls", [&](Connection& c) -> Result<CallPage> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, p));
    CallPage page;
    for (int i = 0; i < rows.size(); ++i) page.calls.push_back(ReadCall(rows, i));
    if (static_cast<int>(page.calls.size()) > query.limit) {
      page.calls.pop_back();
      page.next_cursor = MakeCursor(page.calls.back());
    }
    if (search) {
      STORE_ASSIGN_OR_RETURN(page.hits, LoadSearchHits(c, page.calls, *search));
    }
    return page;
  });
}

Result<std::optional<std::string>> SqlStore::SearchCondition(const SearchQuery& search,
                                                             Params& params) {
  // A query found in few calls: those calls by id (the page is sorted from them). In many: the
  // time-ordered walk, which meets a page of them early, checking each call against the index's
  // set. So a page costs little whether a word is rare or everywhere.
  constexpr int kFewCalls = 2000;
  using Condition = std::optional<std::string>;
  return db_->Run(Access::kRead, "searching calls", [&](Connection& c) -> Result<Condition> {
    Params own;
    const std::string ids = dialect_.search_ids(own, search);
    STORE_ASSIGN_OR_RETURN(Rows found, c.Exec(fmt::format("{} LIMIT {}", ids, kFewCalls + 1), own));
    if (found.empty()) return Condition();
    if (found.size() > kFewCalls) {
      return Condition(
          fmt::format("{} IN ({})", dialect_.id_in, dialect_.search_ids(params, search)));
    }
    std::string in;
    for (int i = 0; i < found.size(); ++i) {
      in += fmt::format("{}{}", i == 0 ? "" : ",", found.Int64(i, 0));  // Integers, not text.
    }
    return Condition(fmt::format("id IN ({})", in));
  });
}

Result<std::optional<CallDetails>> SqlStore::FindCall(std::string_view key) {
  // One snapshot for the call and everything stored about it.
  return db_->Run(Access::kSnapshot, "reading a call",
                  [&](Connection& c) -> Result<std::optional<CallDetails>> {
                    STORE_ASSIGN_OR_RETURN(std::optional<CallRecord> call, FindCallRow(c, key));
                    if (!call) return std::optional<CallDetails>();
                    CallDetails details;
                    details.call = std::move(*call);
                    STORE_RETURN_IF_ERROR(LoadChildren(c, dialect_.byte_order, &details));
                    return std::optional<CallDetails>(std::move(details));
                  });
}

Result<std::vector<std::pair<Stage, std::int64_t>>> SqlStore::CountByStage() {
  using Counts = std::vector<std::pair<Stage, std::int64_t>>;
  return db_->Run(Access::kRead, "counting calls", [](Connection& c) -> Result<Counts> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT stage, COUNT(*) FROM calls GROUP BY stage"));
    Counts counts;
    for (int i = 0; i < rows.size(); ++i) {
      if (auto stage = StageFromName(rows.Text(i, 0)))
        counts.emplace_back(*stage, rows.Int64(i, 1));
    }
    return counts;
  });
}

Result<std::optional<std::string>> SqlStore::GetSetting(std::string_view name) {
  return db_->Run(Access::kRead, fmt::format("reading setting {}", name),
                  [&](Connection& c) -> Result<std::optional<std::string>> {
                    STORE_ASSIGN_OR_RETURN(
                        Rows rows,
                        c.Exec("SELECT value FROM settings WHERE name = $1", Params(name)));
                    if (rows.empty()) return std::optional<std::string>();
                    return std::optional<std::string>(rows.Text(0, 0));
                  });
}

Status SqlStore::PutSetting(std::string_view name, std::string_view value) {
  return db_->Run(
      Access::kWrite, fmt::format("saving setting {}", name), [&](Connection& c) -> Status {
        STORE_RETURN_IF_ERROR(
            c.Exec("INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                   "updated_at = excluded.updated_at",
                   Params(name, value, core::ToUnixMillis(core::SystemClock::Instance().Now()))));
        return core::Ok();
      });
}

Result<std::int64_t> SqlStore::UpdatePacing(std::string_view key, std::int64_t now_ms,
                                            const PacingUpdate& update) {
  return db_->Run(
      Access::kTransaction, fmt::format("pacing Telegram chat {}", key),
      [&](Connection& c) -> Result<std::int64_t> {
        // The row exists before it is locked, so the first two instances to pace a chat also
        // take turns (a row that does not exist yet cannot be locked).
        STORE_RETURN_IF_ERROR(c.Exec(
            "INSERT INTO telegram_pacing (chat_key) VALUES ($1) ON CONFLICT (chat_key) DO NOTHING",
            Params(key)));
        STORE_ASSIGN_OR_RETURN(
            Rows row, c.Exec(fmt::format("SELECT next_free_ms, recent_ms FROM telegram_pacing "
                                         "WHERE chat_key = $1{}",
                                         dialect_.row_lock),
                             Params(key)));
        if (row.empty()) return Error::Permanent("the chat's row vanished while it was held");
        std::int64_t now = now_ms;
        if (!dialect_.pacing_clock.empty()) {
          STORE_ASSIGN_OR_RETURN(Rows clock,
                                 c.Exec(fmt::format("SELECT {}", dialect_.pacing_clock)));
          now = clock.Int64(0, 0);
        }
        PacingSlots slots{.next_free_ms = row.Int64(0, 0), .recent_ms = SplitTimes(row.Text(0, 1))};
        STORE_ASSIGN_OR_RETURN(std::int64_t answer, update(slots, now));
        STORE_RETURN_IF_ERROR(
            c.Exec("UPDATE telegram_pacing SET next_free_ms = $1, recent_ms = $2, updated_at = $3 "
                   "WHERE chat_key = $4",
                   Params(slots.next_free_ms, JoinTimes(slots.recent_ms), now, key)));
        return answer;
      });
}

Status SqlStore::Ping() {
  return db_->Run(Access::kRead, "checking the database", [](Connection& c) -> Status {
    STORE_RETURN_IF_ERROR(c.Exec("SELECT COUNT(*) FROM schema_migrations"));
    return core::Ok();
  });
}

Result<int> ApplyMigrations(Database& db, const Dialect& dialect, bool apply,
                            std::string_view doing) {
  return db.Run(Access::kTransaction, doing, [&](Connection& c) -> Result<int> {
    if (!dialect.migration_lock.empty()) STORE_RETURN_IF_ERROR(c.Exec(dialect.migration_lock));
    STORE_RETURN_IF_ERROR(c.Script(dialect.migrations_table));
    STORE_ASSIGN_OR_RETURN(Rows version,
                           c.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    int current = version.Int(0, 0);
    int latest = dialect.migrations.empty() ? 0 : dialect.migrations.back().version;
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
    for (const Migration& m : dialect.migrations) {
      if (m.version <= current) continue;
      STORE_RETURN_IF_ERROR(c.Script(m.sql));
      STORE_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          Params(m.version, m.name, core::ToUnixMillis(core::SystemClock::Instance().Now()))));
      current = m.version;
    }
    return current;
  });
}

}  // namespace callbrief::store::internal
