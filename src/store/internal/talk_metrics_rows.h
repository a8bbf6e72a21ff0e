#pragma once

// The talk metrics of a call as the store keeps them (issue 16, item 1; migration 11): computed
// by analytics/talk_metrics.h from the transcript's segments in the transaction that saves them,
// the whole set as JSON in call_metrics, the figures the Calls list sorts by as columns of calls.
// Nothing outside src/store includes this.

#include <cstdint>
#include <span>

#include "core/result.h"
#include "store/call.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

// Computes the metrics of call `call_id` from `segments` and stores them in place of any stored
// before; without segments the call has none (its columns are cleared).
core::Status SaveTalkMetrics(Connection& c, std::int64_t call_id,
                             std::span<const TranscriptSegment> segments, std::int64_t now_ms);

// Migration 11's fill: the metrics of every call transcribed before they were stored, a few
// hundred calls per statement so a large database is not read into memory at once.
core::Status FillTalkMetrics(Connection& c, std::int64_t now_ms);

}  // namespace callbrief::store::internal
