// The web UI's figures: summary briefs for the Calls list, the dashboard's days, the managers.
#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>

#include "store/internal/records.h"
#include "store/internal/sql_store.h"

namespace callbrief::store::internal {
namespace {

using core::Result;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr size_t kIdsPerStatement = 500;

// The lower and the upper middle of an even count are averaged in integers.
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

Result<std::vector<SummaryBrief>> SqlStore::ListSummaryBriefs(
    std::span<const std::int64_t> call_ids) {
  using Briefs = std::vector<SummaryBrief>;
  return db_->Run(Access::kSnapshot, "reading summaries", [&](Connection& c) -> Result<Briefs> {
    Briefs briefs;
    // A few hundred ids per statement: far below either database's limit on parameters.
    for (size_t from = 0; from < call_ids.size(); from += kIdsPerStatement) {
      Params p;
      std::string ids;
      for (std::int64_t id :
           call_ids.subspan(from, std::min(kIdsPerStatement, call_ids.size() - from))) {
        ids += (ids.empty() ? "" : ",") + p.Next(id);
      }
      // substr() counts characters on both databases.
      STORE_ASSIGN_OR_RETURN(
          Rows rows,
          c.Exec(fmt::format("SELECT s.call_id, s.sentiment, s.call_kind, substr({}, 1, {}), {}, "
                             "{} FROM summaries s{} WHERE s.call_id IN ({})",
                             dialect_.summary_field("summary"), SummaryBrief::kHeadlineChars,
                             dialect_.summary_field("client_name"),
                             dialect_.summary_field("company"), dialect_.summary_json_from, ids),
                 p));
      for (int i = 0; i < rows.size(); ++i) {
        briefs.push_back({.call_id = rows.Int64(i, 0),
                          .sentiment = rows.Text(i, 1),
                          .call_kind = rows.Text(i, 2),
                          .headline = rows.Text(i, 3),
                          .client_name = rows.Text(i, 4),
                          .company = rows.Text(i, 5)});
      }
    }
    return briefs;
  });
}

Result<std::vector<DayStats>> SqlStore::StatsByDay(const StatsQuery& q) {
  const std::int64_t offset_ms = std::int64_t{q.utc_offset_minutes} * 60'000;
  // Day numbers at the offset; floor division, since a negative offset can cross the epoch.
  const std::string day_expr =
      fmt::format("(((c.started_at + {0}) - ((((c.started_at + {0}) % {1}) + {1}) % {1})) / {1})",
                  offset_ms, kDayMs);
  // COUNT(*) FILTER: both databases have it (SQLite since 3.30), and it counts 0, never NULL.
  const std::string totals_sql = fmt::format(
      "SELECT {0} AS day, COUNT(*), COUNT(*) FILTER (WHERE c.stage = 'done'), "
      "COUNT(*) FILTER (WHERE c.stage = 'skipped'), COUNT(*) FILTER (WHERE c.stage = 'failed'), "
      "COUNT(*) FILTER (WHERE s.sentiment = 'positive'), "
      "COUNT(*) FILTER (WHERE s.sentiment = 'neutral'), "
      "COUNT(*) FILTER (WHERE s.sentiment = 'negative'), COALESCE(SUM(c.duration_seconds), 0), "
      "COALESCE(SUM(c.cost_usd), 0) FROM calls c LEFT JOIN summaries s ON s.call_id = c.id "
      "WHERE c.started_at >= $1 AND c.started_at < $2 GROUP BY day ORDER BY day",
      day_expr);
  const std::string latencies_sql = fmt::format(
      "SELECT {} AS day, c.finished_at - c.received_at FROM calls c "
      "WHERE c.started_at >= $1 AND c.started_at < $2 AND c.stage = 'done' "
      "AND c.finished_at IS NOT NULL",
      day_expr);
  using Days = std::vector<DayStats>;
  return db_->Run(Access::kSnapshot, "counting calls per day", [&](Connection& c) -> Result<Days> {
    STORE_ASSIGN_OR_RETURN(Rows totals, c.Exec(totals_sql, Params(q.from_ms, q.to_ms)));
    std::map<std::int64_t, DayStats> days;
    for (int i = 0; i < totals.size(); ++i) {
      DayStats d;
      d.day = DayName(totals.Int64(i, 0));
      d.calls = totals.Int64(i, 1);
      d.done = totals.Int64(i, 2);
      d.skipped = totals.Int64(i, 3);
      d.failed = totals.Int64(i, 4);
      d.in_progress = d.calls - d.done - d.skipped - d.failed;
      d.positive = totals.Int64(i, 5);
      d.neutral = totals.Int64(i, 6);
      d.negative = totals.Int64(i, 7);
      d.talk_seconds = totals.Int64(i, 8);
      d.cost_usd = totals.Double(i, 9);
      days.emplace(totals.Int64(i, 0), std::move(d));
    }
    STORE_ASSIGN_OR_RETURN(Rows latencies, c.Exec(latencies_sql, Params(q.from_ms, q.to_ms)));
    std::map<std::int64_t, std::vector<std::int64_t>> by_day;
    for (int i = 0; i < latencies.size(); ++i) {
      by_day[latencies.Int64(i, 0)].push_back(latencies.Int64(i, 1));
    }
    for (auto& [day, values] : by_day) {
      auto it = days.find(day);
      if (it != days.end() && !values.empty()) it->second.median_latency_ms = Median(values);
    }
    Days out;
    out.reserve(days.size());
    for (auto& [day, stats] : days) out.push_back(std::move(stats));
    return out;
  });
}

Result<std::vector<ManagerRef>> SqlStore::ListManagers() {
  // Counted on calls_by_user; the name is the one on the operator's latest call (an operator
  // renamed in Bitrix24 shows the new name), names sorted byte by byte on both databases.
  const std::string sql = fmt::format(
      "SELECT portal_user_id, name, n FROM (SELECT c.portal_user_id, COUNT(*) AS n, "
      "(SELECT manager_name FROM calls l WHERE l.portal_user_id = c.portal_user_id "
      "ORDER BY l.started_at DESC, l.id DESC LIMIT 1) AS name FROM calls c "
      "WHERE c.portal_user_id IS NOT NULL GROUP BY c.portal_user_id) AS m "
      "ORDER BY name = '', name{}, portal_user_id",
      dialect_.byte_order);
  using Managers = std::vector<ManagerRef>;
  return db_->Run(Access::kRead, "listing managers", [&](Connection& c) -> Result<Managers> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql));
    Managers managers;
    for (int i = 0; i < rows.size(); ++i) {
      managers.push_back(
          {.portal_user_id = rows.Int64(i, 0), .name = rows.Text(i, 1), .calls = rows.Int64(i, 2)});
    }
    return managers;
  });
}

}  // namespace callbrief::store::internal
