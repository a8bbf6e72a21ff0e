#include "store/internal/sql_store.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

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

// The column of calls a metric sort orders by (migration 11); empty for the default order.
std::string_view SortColumn(CallSort sort) {
  switch (sort) {
    case CallSort::kTalkShareManager:
      return "talk_share_manager_permille";
    case CallSort::kLongestMonologueManager:
      return "longest_monologue_manager_ms";
    case CallSort::kInterruptionsByManager:
      return "interruptions_by_manager";
    case CallSort::kStartedAt:
      break;
  }
  return "";
}

std::optional<std::int64_t> SortValue(CallSort sort, const CallRecord& call) {
  switch (sort) {
    case CallSort::kTalkShareManager:
      return call.talk_share_manager_permille;
    case CallSort::kLongestMonologueManager:
      return call.longest_monologue_manager_ms;
    case CallSort::kInterruptionsByManager:
      return call.interruptions_by_manager;
    case CallSort::kStartedAt:
      break;
  }
  return std::nullopt;
}

// Where the previous page ended: its last call's metric (null for calls without it, which come
// last), start time and id.
struct Cursor {
  std::optional<std::int64_t> value;
  std::int64_t started_at = 0;
  std::int64_t id = 0;
};

// The order a metric cursor belongs to, so a cursor of another order is refused rather than
// silently skipping calls: "talk_share_manager.desc.".
std::string CursorPrefix(const CallQuery& query) {
  return fmt::format("{}.{}.", CallSortName(query.sort), query.ascending ? "asc" : "desc");
}

// Keyset cursor of the last row of a page: "<started_at>_<id>" in the default order,
// "<sort>.<asc|desc>.<value|null>.<started_at>.<id>" in a metric's.
std::string MakeCursor(const CallQuery& query, const CallRecord& last) {
  if (query.sort == CallSort::kStartedAt) return fmt::format("{}_{}", last.started_at_ms, last.id);
  const std::optional<std::int64_t> value = SortValue(query.sort, last);
  return fmt::format("{}{}.{}.{}", CursorPrefix(query),
                     value ? std::to_string(*value) : std::string("null"), last.started_at_ms,
                     last.id);
}

bool ParseInt(std::string_view text, std::int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::optional<Cursor> ParseCursor(const CallQuery& query) {
  std::string_view rest = query.cursor;
  Cursor cursor;
  char separator = '_';
  if (query.sort != CallSort::kStartedAt) {
    const std::string prefix = CursorPrefix(query);
    if (!rest.starts_with(prefix)) return std::nullopt;
    rest.remove_prefix(prefix.size());
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    if (rest.substr(0, dot) != "null") {
      std::int64_t value = 0;
      if (!ParseInt(rest.substr(0, dot), &value)) return std::nullopt;
      cursor.value = value;
    }
    rest.remove_prefix(dot + 1);
    separator = '.';
  }
  const size_t sep = rest.find(separator);
  if (sep == std::string_view::npos || !ParseInt(rest.substr(0, sep), &cursor.started_at) ||
      !ParseInt(rest.substr(sep + 1), &cursor.id)) {
    return std::nullopt;
  }
  return cursor;
}

// The rows after `cursor` in the list's order: by the metric (calls without it last), then newest
// first. Parameters are added to `p`.
std::string AfterCursor(const CallQuery& query, const Cursor& cursor, Params& p) {
  const std::string started = p.Next(cursor.started_at);
  const std::string older = fmt::format("(started_at < {0} OR (started_at = {0} AND id < {1}))",
                                        started, p.Next(cursor.id));
  if (query.sort == CallSort::kStartedAt) return older;
  const std::string_view column = SortColumn(query.sort);
  if (!cursor.value) return fmt::format("({} IS NULL AND {})", column, older);
  const std::string value = p.Next(*cursor.value);
  return fmt::format("({0} {1} {2} OR {0} IS NULL OR ({0} = {2} AND {3}))", column,
                     query.ascending ? ">" : "<", value, older);
}

std::string OrderBy(const CallQuery& query) {
  if (query.sort == CallSort::kStartedAt) return "started_at DESC, id DESC";
  return fmt::format("{} {} NULLS LAST, started_at DESC, id DESC", SortColumn(query.sort),
                     query.ascending ? "ASC" : "DESC");
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

// Calls per multi-row statement of intake: 13 parameters a call, far below either database's
// limit, and a batch of the group committer (256) in two statements.
constexpr size_t kCallsPerInsert = 200;

// The rows a statement of `n` items is written for: the next power of two (at most
// kCallsPerInsert), so intake uses a few statement texts — each prepared once and cached — not
// one per batch size. The rows past `n` repeat the last item and change nothing.
size_t Slots(size_t n) {
  size_t slots = 1;
  while (slots < n) slots *= 2;
  return std::min(slots, std::max(n, kCallsPerInsert));
}

// " ($1, $2, …)" rows for `n` items of `columns` parameters each, numbered from `first`.
std::string ValuesRows(size_t n, int columns, int first) {
  std::string sql;
  for (size_t i = 0; i < n; ++i) {
    sql += i == 0 ? "(" : ",(";
    for (int col = 0; col < columns; ++col) {
      sql += fmt::format("{}${}", col == 0 ? "" : ",", first + static_cast<int>(i) * columns + col);
    }
    sql += ")";
  }
  return sql;
}

// Inserts the calls not stored yet, `calls` distinct by bitrix_call_id, and their events: two
// statements for up to kCallsPerInsert calls, whatever their number. Adds the new ids to `ids`.
Status InsertNew(Connection& c, std::span<const IncomingCall* const> calls,
                 std::map<std::string, std::int64_t, std::less<>>& ids) {
  Params p;
  const size_t slots = Slots(calls.size());
  for (size_t slot = 0; slot < slots; ++slot) {
    const IncomingCall* call = calls[std::min(slot, calls.size() - 1)];  // A repeat: no conflict.
    p.Add(call->bitrix_call_id).Add(CallSourceName(call->source)).Add(call->call_type);
    p.Add(DirectionName(call->direction)).Add(call->client_number).Add(call->portal_number);
    p.Add(call->portal_user_id).Add(call->duration_seconds);
    p.Add(call->started_at_ms.value_or(call->received_at_ms)).Add(call->failed_code);
    p.Add(call->failed_reason).Add(call->crm_activity_id).Add(call->received_at_ms);
  }
  // A new call is due at once: next_attempt_at is its receive time ($13 of its row).
  std::string rows;
  for (size_t i = 0; i < slots; ++i) {
    const int at = static_cast<int>(i) * 13;
    rows +=
        fmt::format("{}(${},${},${},${},${},${},${},${},${},${},${},${},'received',${},${},${})",
                    i == 0 ? "" : ",", at + 1, at + 2, at + 3, at + 4, at + 5, at + 6, at + 7,
                    at + 8, at + 9, at + 10, at + 11, at + 12, at + 13, at + 13, at + 13);
  }
  STORE_ASSIGN_OR_RETURN(
      Rows inserted,
      c.Exec("INSERT INTO calls (bitrix_call_id, source, call_type, direction, client_number, "
             "portal_number, portal_user_id, duration_seconds, started_at, failed_code, "
             "failed_reason, crm_activity_id, stage, next_attempt_at, received_at, updated_at) "
             "VALUES " +
                 rows + " ON CONFLICT (bitrix_call_id) DO NOTHING RETURNING id, bitrix_call_id",
             p));
  if (inserted.empty()) return core::Ok();
  std::map<std::string, std::int64_t, std::less<>> created;
  for (int i = 0; i < inserted.size(); ++i) created[inserted.Text(i, 1)] = inserted.Int64(i, 0);
  // The events of the calls created, in rows padded with NULL ids that the filter drops.
  Params events;
  size_t n = 0;
  for (const IncomingCall* call : calls) {
    auto id = created.find(call->bitrix_call_id);
    if (id == created.end()) continue;
    events.Add(id->second).Add(call->event_name).Add(call->received_at_ms);
    events.Add(call->remote_addr).Add(call->event_json);
    ++n;
  }
  const size_t event_slots = Slots(n);
  for (size_t i = n; i < event_slots; ++i) {
    events.Add(std::optional<std::int64_t>()).Add("").Add(0).Add("").Add("");
  }
  std::string values;
  for (size_t i = 0; i < event_slots; ++i) {
    const int at = static_cast<int>(i) * 5;
    values += fmt::format("{}(CAST(${} AS BIGINT),${},CAST(${} AS BIGINT),${},${})",
                          i == 0 ? "" : ",", at + 1, at + 2, at + 3, at + 4, at + 5);
  }
  STORE_RETURN_IF_ERROR(
      c.Exec("INSERT INTO raw_events (call_id, event_name, received_at, remote_addr, body) "
             "SELECT column1, column2, column3, column4, column5 FROM (VALUES " +
                 values + ") AS v WHERE column1 IS NOT NULL",
             events));
  ids.merge(created);
  return core::Ok();
}

// Runs `select` + " WHERE bitrix_call_id IN (…)" over `keys`, kCallsPerInsert at a time with the
// list padded to a size Slots allows (few distinct statements to prepare), and hands each
// answer to `each`.
Status SelectByCallIds(Connection& c, std::string_view select, std::span<const std::string> keys,
                       const std::function<void(const Rows&)>& each) {
  for (size_t from = 0; from < keys.size(); from += kCallsPerInsert) {
    const size_t to = std::min(keys.size(), from + kCallsPerInsert);
    const size_t slots = Slots(to - from);
    Params p;
    for (size_t i = 0; i < slots; ++i) p.Add(keys[std::min(from + i, to - 1)]);
    std::string in = ValuesRows(1, static_cast<int>(slots), 1);
    STORE_ASSIGN_OR_RETURN(Rows rows,
                           c.Exec(std::string(select) + " WHERE bitrix_call_id IN " + in, p));
    each(rows);
  }
  return core::Ok();
}

// The ids of calls stored before (`keys` not inserted just now). The rows that conflicted are
// committed (PostgreSQL's ON CONFLICT waited for them; SQLite has one writer), so this sees them.
Status FindKnown(Connection& c, std::span<const std::string> keys,
                 std::map<std::string, std::int64_t, std::less<>>& ids) {
  return SelectByCallIds(c, "SELECT id, bitrix_call_id FROM calls", keys, [&](const Rows& known) {
    for (int i = 0; i < known.size(); ++i) ids[known.Text(i, 1)] = known.Int64(i, 0);
  });
}

// Which of `keys` were erased on request (migration 13): they are never stored again.
Status FindErased(Connection& c, std::span<const std::string> keys,
                  std::set<std::string, std::less<>>& erased) {
  return SelectByCallIds(c, "SELECT bitrix_call_id FROM erased_calls", keys, [&](const Rows& rows) {
    for (int i = 0; i < rows.size(); ++i) erased.insert(rows.Text(i, 0));
  });
}

}  // namespace

Result<std::vector<RecordedCall>> SqlStore::RecordIncomingCalls(
    std::span<const IncomingCall> calls) {
  // The first of each CALL_ID in the batch is the one that may be new; a repeat is a duplicate.
  std::vector<const IncomingCall*> first;
  std::vector<std::string> first_ids;
  std::map<std::string_view, bool, std::less<>> seen;
  for (const IncomingCall& call : calls) {
    if (seen.emplace(call.bitrix_call_id, true).second) {
      first.push_back(&call);
      first_ids.push_back(call.bitrix_call_id);
    }
  }
  using Recorded = std::vector<RecordedCall>;
  return db_->Run(
      Access::kTransaction, fmt::format("recording {} incoming call(s)", calls.size()),
      [&](Connection& c) -> Result<Recorded> {
        std::set<std::string, std::less<>> erased;
        STORE_RETURN_IF_ERROR(FindErased(c, first_ids, erased));
        std::vector<const IncomingCall*> fresh;
        for (const IncomingCall* call : first) {
          if (!erased.contains(call->bitrix_call_id)) fresh.push_back(call);
        }
        std::map<std::string, std::int64_t, std::less<>> created, known;
        for (size_t from = 0; from < fresh.size(); from += kCallsPerInsert) {
          const size_t n = std::min(fresh.size() - from, kCallsPerInsert);
          STORE_RETURN_IF_ERROR(InsertNew(c, std::span(fresh).subspan(from, n), created));
        }
        std::vector<std::string> rest;
        for (const IncomingCall* call : fresh) {
          if (!created.contains(call->bitrix_call_id)) rest.push_back(call->bitrix_call_id);
        }
        STORE_RETURN_IF_ERROR(FindKnown(c, rest, known));
        Recorded recorded;
        recorded.reserve(calls.size());
        std::map<std::string_view, bool, std::less<>> answered;
        for (const IncomingCall& call : calls) {
          const bool first_time = answered.emplace(call.bitrix_call_id, true).second;
          if (erased.contains(call.bitrix_call_id)) {
            recorded.push_back({0, IntakeOutcome::kErased});
          } else if (auto id = created.find(call.bitrix_call_id); id != created.end()) {
            recorded.push_back(
                {id->second, first_time ? IntakeOutcome::kCreated : IntakeOutcome::kDuplicate});
          } else if (auto old = known.find(call.bitrix_call_id); old != known.end()) {
            recorded.push_back({old->second, IntakeOutcome::kDuplicate});
          } else {
            return Error::Transient("call " + call.bitrix_call_id +
                                    " was neither inserted nor found");
          }
        }
        return recorded;
      });
}

Result<CallPage> SqlStore::ListCalls(const CallQuery& query) {
  std::optional<Cursor> cursor;
  if (!query.cursor.empty()) {
    cursor = ParseCursor(query);
    if (!cursor) {
      return Error::InvalidInput(
          "cursor: not a next_cursor this API returned for this order; start again from the "
          "first page");
    }
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
  if (!query.answer_question.empty()) {
    sql += " AND " + dialect_.answer_is(p, query.answer_question, query.answer_value);
  }
  if (query.tracker_id) {
    sql += fmt::format(" AND {} IN (SELECT call_id FROM tracker_hits WHERE tracker_id = {})",
                       dialect_.id_in, p.Next(*query.tracker_id));
  }
  if (cursor) sql += " AND " + AfterCursor(query, *cursor, p);
  // One more row than asked tells whether a next page exists.
  sql += " ORDER BY " + OrderBy(query) + " LIMIT " + p.Next(query.limit + 1);

  return db_->Run(Access::kRead, "listing calls", [&](Connection& c) -> Result<CallPage> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, p));
    CallPage page;
    for (int i = 0; i < rows.size(); ++i) page.calls.push_back(ReadCall(rows, i));
    if (static_cast<int>(page.calls.size()) > query.limit) {
      page.calls.pop_back();
      page.next_cursor = MakeCursor(query, page.calls.back());
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
                    STORE_RETURN_IF_ERROR(LoadTrackerHits(c, &details));
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
  return db_->Run(Access::kWrite, fmt::format("saving setting {}", name),
                  [&](Connection& c) -> Status {
                    STORE_RETURN_IF_ERROR(
                        c.Exec("INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) "
                               "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                               "updated_at = excluded.updated_at",
                               Params(name, value, core::ToUnixMillis(clock_.Now()))));
                    return core::Ok();
                  });
}

Result<std::int64_t> SqlStore::UpdatePacing(std::string_view key, std::int64_t now_ms,
                                            const PacingUpdate& update) {
  return db_->Run(
      Access::kUnsynced, fmt::format("pacing Telegram chat {}", key),
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
                            std::string_view doing, const core::Clock& clock) {
  return db.Run(Access::kTransaction, doing, [&](Connection& c) -> Result<int> {
    if (!dialect.migration_lock.empty()) STORE_RETURN_IF_ERROR(c.Exec(dialect.migration_lock));
    STORE_RETURN_IF_ERROR(c.Script(dialect.migrations_table));
    // The versions applied, not only the highest: migrations are numbered when they are written
    // and may land in another order, so a database can have 12 and lack 10. Each missing one is
    // applied, in version order.
    STORE_ASSIGN_OR_RETURN(Rows versions, c.Exec("SELECT version FROM schema_migrations"));
    std::set<int> applied;
    for (int i = 0; i < versions.size(); ++i) applied.insert(versions.Int(i, 0));
    int current = applied.empty() ? 0 : *applied.rbegin();
    int latest = dialect.migrations.empty() ? 0 : dialect.migrations.back().version;
    if (current > latest) {
      return Error::Config(fmt::format(
          "the database schema is version {}, newer than this callbrief knows ({}): upgrade "
          "callbrief",
          current, latest));
    }
    std::vector<const Migration*> missing;
    for (const Migration& m : dialect.migrations) {
      if (!applied.contains(m.version)) missing.push_back(&m);
    }
    if (!missing.empty() && !apply) {
      return Error::Config(fmt::format(
          "the database schema is version {}, this callbrief needs {}{}: run `callbrief migrate`",
          current, latest,
          current >= missing.front()->version
              ? fmt::format(" (migration {} is missing)", missing.front()->version)
              : ""));
    }
    for (const Migration* m : missing) {
      STORE_RETURN_IF_ERROR(c.Script(m->sql));
      if (m->fill != nullptr) STORE_RETURN_IF_ERROR(m->fill(c, core::ToUnixMillis(clock.Now())));
      STORE_RETURN_IF_ERROR(
          c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 Params(m->version, m->name, core::ToUnixMillis(clock.Now()))));
      current = std::max(current, m->version);
    }
    return current;
  });
}

}  // namespace callbrief::store::internal
