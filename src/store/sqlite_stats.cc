#include "store/sqlite_stats.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include <fmt/format.h>

namespace callbrief::store::sqlite {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// Summaries are JSON written by the llm component; a damaged body must not break the list.
std::string JsonField(std::string_view field) {
  return fmt::format("CASE WHEN json_valid(body) THEN json_extract(body, '$.{}') END", field);
}

std::string TextOrEmpty(const SQLite::Column& c) {
  return c.isNull() ? std::string() : c.getString();
}

std::int64_t Median(std::vector<std::int64_t>& values) {
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (values.size() % 2 == 1) return *mid;
  std::int64_t upper = *mid;
  std::int64_t lower = *std::max_element(values.begin(), mid);
  return lower + (upper - lower) / 2;
}

}  // namespace

std::string DayName(std::int64_t day_number) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{days{day_number}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::vector<SummaryBrief> ListSummaryBriefs(SQLite::Database& db,
                                            std::span<const std::int64_t> call_ids) {
  std::vector<SummaryBrief> briefs;
  if (call_ids.empty()) return briefs;
  std::string sql = fmt::format(
      "SELECT call_id, sentiment, call_kind, substr({}, 1, {}), {}, {} FROM summaries "
      "WHERE call_id IN (",
      JsonField("summary"), SummaryBrief::kHeadlineChars, JsonField("client_name"),
      JsonField("company"));
  for (size_t i = 0; i < call_ids.size(); ++i) sql += i == 0 ? "?" : ",?";
  sql += ")";
  SQLite::Statement st(db, sql);
  int index = 1;
  for (std::int64_t id : call_ids) st.bind(index++, id);
  while (st.executeStep()) {
    briefs.push_back({.call_id = st.getColumn(0).getInt64(),
                      .sentiment = st.getColumn(1).getString(),
                      .call_kind = st.getColumn(2).getString(),
                      .headline = TextOrEmpty(st.getColumn(3)),
                      .client_name = TextOrEmpty(st.getColumn(4)),
                      .company = TextOrEmpty(st.getColumn(5))});
  }
  return briefs;
}

std::vector<DayStats> StatsByDay(SQLite::Database& db, const StatsQuery& q) {
  const std::int64_t offset_ms = std::int64_t{q.utc_offset_minutes} * 60'000;
  // Day numbers at the offset; floor division, since a negative offset can cross the epoch.
  const std::string day_expr =
      fmt::format("((c.started_at + {0}) - (((c.started_at + {0}) % {1}) + {1}) % {1}) / {1}",
                  offset_ms, kDayMs);
  SQLite::Statement totals(
      db,
      fmt::format("SELECT {0} AS day, COUNT(*), "
                  "SUM(c.stage = 'done'), SUM(c.stage = 'skipped'), SUM(c.stage = 'failed'), "
                  "SUM(s.sentiment = 'positive'), SUM(s.sentiment = 'neutral'), "
                  "SUM(s.sentiment = 'negative'), COALESCE(SUM(c.duration_seconds), 0), "
                  "COALESCE(SUM(c.cost_usd), 0) "
                  "FROM calls c LEFT JOIN summaries s ON s.call_id = c.id "
                  "WHERE c.started_at >= :from AND c.started_at < :to GROUP BY day ORDER BY day",
                  day_expr));
  totals.bind(":from", q.from_ms);
  totals.bind(":to", q.to_ms);
  std::map<std::int64_t, DayStats> days;
  while (totals.executeStep()) {
    DayStats d;
    d.day = DayName(totals.getColumn(0).getInt64());
    d.calls = totals.getColumn(1).getInt64();
    d.done = totals.getColumn(2).getInt64();
    d.skipped = totals.getColumn(3).getInt64();
    d.failed = totals.getColumn(4).getInt64();
    d.in_progress = d.calls - d.done - d.skipped - d.failed;
    d.positive = totals.getColumn(5).getInt64();
    d.neutral = totals.getColumn(6).getInt64();
    d.negative = totals.getColumn(7).getInt64();
    d.talk_seconds = totals.getColumn(8).getInt64();
    d.cost_usd = totals.getColumn(9).getDouble();
    days.emplace(totals.getColumn(0).getInt64(), std::move(d));
  }

  SQLite::Statement latencies(
      db, fmt::format("SELECT {} AS day, c.finished_at - c.received_at FROM calls c "
                      "WHERE c.started_at >= :from AND c.started_at < :to AND c.stage = 'done' "
                      "AND c.finished_at IS NOT NULL",
                      day_expr));
  latencies.bind(":from", q.from_ms);
  latencies.bind(":to", q.to_ms);
  std::map<std::int64_t, std::vector<std::int64_t>> by_day;
  while (latencies.executeStep()) {
    by_day[latencies.getColumn(0).getInt64()].push_back(latencies.getColumn(1).getInt64());
  }
  for (auto& [day, values] : by_day) {
    auto it = days.find(day);
    if (it != days.end() && !values.empty()) it->second.median_latency_ms = Median(values);
  }

  std::vector<DayStats> out;
  out.reserve(days.size());
  for (auto& [day, stats] : days) out.push_back(std::move(stats));
  return out;
}

std::vector<ManagerRef> ListManagers(SQLite::Database& db) {
  // Counted on calls_by_user; the name is the one on the operator's latest call.
  SQLite::Statement st(
      db,
      "SELECT portal_user_id, name, n FROM (SELECT c.portal_user_id, COUNT(*) AS n, "
      "(SELECT manager_name FROM calls l WHERE l.portal_user_id = c.portal_user_id "
      "ORDER BY l.started_at DESC, l.id DESC LIMIT 1) AS name FROM calls c "
      "WHERE c.portal_user_id IS NOT NULL GROUP BY c.portal_user_id) "
      "ORDER BY name = '', name, portal_user_id");
  std::vector<ManagerRef> managers;
  while (st.executeStep()) {
    managers.push_back({.portal_user_id = st.getColumn(0).getInt64(),
                        .name = TextOrEmpty(st.getColumn(1)),
                        .calls = st.getColumn(2).getInt64()});
  }
  return managers;
}

}  // namespace callbrief::store::sqlite
