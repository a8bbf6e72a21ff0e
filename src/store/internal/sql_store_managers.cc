// The manager dashboard's figures (issue 16, item 4): per operator over a window, from the talk
// metrics stored with each call's transcript (migration 11) and the calls' scorecards (migration
// 10).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/json_bounded.h"
#include "store/internal/sql_store.h"

namespace callbrief::store::internal {
namespace {

constexpr std::int64_t kWeekMs = 7 * 86'400'000LL;

// AVG over integers is numeric on PostgreSQL and real on SQLite: cast, so both answer a double.
// The name is the one on the operator's latest call, as in ListManagers. A call has at most one
// scorecard (call_id is its key), so the join counts each call once.
constexpr std::string_view kTotals =
    "SELECT c.portal_user_id, "
    "(SELECT manager_name FROM calls l WHERE l.portal_user_id = c.portal_user_id "
    "ORDER BY l.started_at DESC, l.id DESC LIMIT 1), COUNT(*), "
    "COUNT(c.talk_share_manager_permille), "
    "AVG(CAST(c.talk_share_manager_permille AS DOUBLE PRECISION)), "
    "AVG(CAST(c.longest_monologue_manager_ms AS DOUBLE PRECISION)), "
    "AVG(CAST(c.interruptions_by_manager AS DOUBLE PRECISION)), "
    "MAX(c.longest_monologue_manager_ms), COUNT(s.score), "
    "AVG(CAST(s.score AS DOUBLE PRECISION)) "
    "FROM calls c LEFT JOIN call_scorecards s ON s.call_id = c.id "
    "WHERE c.started_at >= $1 AND c.started_at < $2 AND c.portal_user_id IS NOT NULL "
    "GROUP BY c.portal_user_id ORDER BY c.portal_user_id";

// Each operator's mean score per week of the window, weeks counted from its start.
constexpr std::string_view kWeeks =
    "SELECT c.portal_user_id, (c.started_at - $1) / $3, AVG(CAST(s.score AS DOUBLE PRECISION)) "
    "FROM calls c JOIN call_scorecards s ON s.call_id = c.id "
    "WHERE c.started_at >= $1 AND c.started_at < $2 AND c.portal_user_id IS NOT NULL "
    "AND s.score IS NOT NULL GROUP BY 1, 2";

// The scorecards with a criterion answered "no" (the body is analytics::ScorecardToJson, dumped
// compact: the LIKE skips the others without parsing them), newest first.
constexpr std::string_view kFailures =
    "SELECT c.portal_user_id, c.id, s.body FROM calls c JOIN call_scorecards s "
    "ON s.call_id = c.id WHERE c.started_at >= $1 AND c.started_at < $2 "
    "AND c.portal_user_id IS NOT NULL AND s.body LIKE '%\"verdict\":\"no\"%' "
    "ORDER BY c.portal_user_id, c.started_at DESC, c.id DESC";

// Per operator, the criteria answered "no" in the scorecards of `rows` (kFailures).
std::map<std::int64_t, std::vector<FailedCriterion>> FailedCriteria(const Rows& rows) {
  std::map<std::int64_t, std::map<std::string, FailedCriterion>> by_manager;
  for (int i = 0; i < rows.size(); ++i) {
    const nlohmann::json body = core::ParseBoundedJson(rows.Text(i, 2));
    if (!body.is_object() || !body.contains("criteria") || !body["criteria"].is_array()) continue;
    auto& failed = by_manager[rows.Int64(i, 0)];
    for (const nlohmann::json& c : body["criteria"]) {
      if (!c.is_object() || c.value("verdict", "") != "no") continue;
      FailedCriterion& f = failed[c.value("id", "")];
      if (f.calls == 0) {  // Rows come newest first: the question as last asked.
        f.id = c.value("id", "");
        f.question = c.value("question", "");
        f.critical = c.value("critical", false);
      }
      ++f.calls;
      if (f.call_ids.size() < FailedCriterion::kCallsShown) f.call_ids.push_back(rows.Int64(i, 1));
    }
  }
  std::map<std::int64_t, std::vector<FailedCriterion>> out;
  for (auto& [manager, failed] : by_manager) {
    std::vector<FailedCriterion> list;
    for (auto& [id, f] : failed) list.push_back(std::move(f));
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.calls != b.calls ? a.calls > b.calls : a.critical > b.critical;
    });
    if (list.size() > ManagerStats::kFailedShown) list.resize(ManagerStats::kFailedShown);
    out[manager] = std::move(list);
  }
  return out;
}

}  // namespace

core::Result<std::vector<ManagerStats>> SqlStore::StatsByManager(const StatsQuery& q) {
  const auto weeks = static_cast<size_t>((q.to_ms - q.from_ms + kWeekMs - 1) / kWeekMs);
  using Managers = std::vector<ManagerStats>;
  return db_->Run(
      Access::kSnapshot, "summing up the managers' calls",
      [&](Connection& c) -> core::Result<Managers> {
        STORE_ASSIGN_OR_RETURN(Rows totals, c.Exec(kTotals, Params(q.from_ms, q.to_ms)));
        Managers managers;
        std::map<std::int64_t, size_t> at;
        for (int i = 0; i < totals.size(); ++i) {
          ManagerStats m{.portal_user_id = totals.Int64(i, 0),
                         .name = totals.Text(i, 1),
                         .calls = totals.Int64(i, 2),
                         .measured_calls = totals.Int64(i, 3)};
          if (m.measured_calls > 0) {
            m.talk_share_manager = totals.Double(i, 4) / 1000.0;
            m.longest_monologue_seconds = totals.Double(i, 5) / 1000.0;
            m.interruptions_per_call = totals.Double(i, 6);
            m.max_monologue_seconds = static_cast<double>(totals.Int64(i, 7)) / 1000.0;
          }
          m.scored_calls = totals.Int64(i, 8);
          if (m.scored_calls > 0) m.average_score = totals.Double(i, 9);
          m.score_by_week.assign(weeks, std::nullopt);
          at[m.portal_user_id] = managers.size();
          managers.push_back(std::move(m));
        }
        STORE_ASSIGN_OR_RETURN(Rows by_week, c.Exec(kWeeks, Params(q.from_ms, q.to_ms, kWeekMs)));
        for (int i = 0; i < by_week.size(); ++i) {
          auto m = at.find(by_week.Int64(i, 0));
          const auto week = static_cast<size_t>(by_week.Int64(i, 1));
          if (m != at.end() && week < weeks) {
            managers[m->second].score_by_week[week] = by_week.Double(i, 2);
          }
        }
        STORE_ASSIGN_OR_RETURN(Rows failures, c.Exec(kFailures, Params(q.from_ms, q.to_ms)));
        for (auto& [manager, failed] : FailedCriteria(failures)) {
          if (auto m = at.find(manager); m != at.end()) {
            managers[m->second].failed_criteria = std::move(failed);
          }
        }
        return managers;
      });
}

}  // namespace callbrief::store::internal
