#pragma once

#include <cstdint>
#include <span>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "http/calls_api.h"
#include "store/call.h"

namespace callbrief::http {

// The dashboard's window from a query string:
//   tz=180            minutes east of UTC where days start (the browser's offset), -840…840
//   from=2026-11-01   first day (a bare date is local midnight at `tz`); default: 29 days before
//                     the day of `now`
//   to=2026-11-30     last day included (a bare date) or an exact end time; default: end of today
// At most kMaxDays days. Errors are kInvalidInput naming the parameter.
inline constexpr int kMaxStatsDays = 731;
core::Result<store::StatsQuery> ParseStatsQuery(const QueryParams& params, std::int64_t now_ms);

// {"from","to","tz","days":[…every day of the window, days without calls as zeros…],"totals":{…},
//  "managers":[…one per operator with calls in the window…],"benchmark":{…}} (docs/api.md).
nlohmann::json StatsToJson(const store::StatsQuery& query, std::span<const store::DayStats> days,
                           std::span<const store::ManagerStats> managers = {});

// The benchmark the dashboard measures talk share against (Gong: top sellers talk 43 %, listen
// 57 %; above 65 % win rates drop; docs/analytics.md).
inline constexpr double kBenchmarkTalkShare = 0.43;
inline constexpr double kTooHighTalkShare = 0.65;

}  // namespace callbrief::http
