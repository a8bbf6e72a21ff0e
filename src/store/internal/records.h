#pragma once

// Rows → records, once for both databases. Nothing outside src/store includes this.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/call.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

// The stages a worker may still run — every non-terminal stage of the enum (store/call.h) — as an
// SQL list "('received',…)". Derived, so a new stage is claimed without editing any query; the
// calls_claim index (migration 9) lists them as text, and a store test fails when a new stage
// needs a migration that rebuilds it.
const std::string& ActiveStagesSql();

// The columns ReadCall expects, in its order.
extern const std::string_view kCallColumns;
CallRecord ReadCall(const Rows& rows, int row);

// By our numeric id, else by Bitrix24's CALL_ID; nullopt when neither matches.
core::Result<std::optional<CallRecord>> FindCallRow(Connection& c, std::string_view key);

// raw_events, transcript, summary, deliveries (by channel, ordered with `byte_order`: see
// Dialect), stage_runs and provider_usage of a call.
core::Status LoadChildren(Connection& c, std::string_view byte_order, CallDetails* details);

// The call's row of call_scorecards; nullopt without one.
core::Result<std::optional<ScorecardRecord>> LoadScorecard(Connection& c, std::int64_t call_id);
// Inserts or replaces the call's row of call_scorecards (the summarize stage and re-scoring).
core::Status UpsertScorecard(Connection& c, std::int64_t call_id, const ScorecardRecord& scorecard);

// "YYYY-MM-DD" of a day number (days since 1970-01-01).
std::string DayName(std::int64_t day_number);

}  // namespace callbrief::store::internal
