#pragma once

// The web UI's read-only queries on the SQLite store (summary briefs for the Calls list, the
// dashboard's days, the manager filter). Run on a reader connection by SqliteStore; SQLite
// exceptions pass through to the caller. Nothing outside src/store includes this.

#include <cstdint>
#include <span>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/call.h"

namespace callbrief::store::sqlite {

std::vector<SummaryBrief> ListSummaryBriefs(SQLite::Database& db,
                                            std::span<const std::int64_t> call_ids);
std::vector<DayStats> StatsByDay(SQLite::Database& db, const StatsQuery& query);
std::vector<ManagerRef> ListManagers(SQLite::Database& db);

// "YYYY-MM-DD" of a day number (days since 1970-01-01).
std::string DayName(std::int64_t day_number);

}  // namespace callbrief::store::sqlite
