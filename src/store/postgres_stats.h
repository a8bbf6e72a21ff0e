#pragma once

// The web UI's read-only queries on the PostgreSQL store, the counterpart of sqlite_stats.h.
// pg::Failure passes through to the caller. Nothing outside src/store includes this.

#include <cstdint>
#include <span>
#include <vector>

#include "store/call.h"
#include "store/pg_connection.h"

namespace callbrief::store::pg {

std::vector<SummaryBrief> ListSummaryBriefs(Connection& c, std::span<const std::int64_t> call_ids);
std::vector<DayStats> StatsByDay(Connection& c, const StatsQuery& query);
std::vector<ManagerRef> ListManagers(Connection& c);

}  // namespace callbrief::store::pg
