#include "store/internal/talk_metrics_rows.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "analytics/talk_metrics.h"

namespace callbrief::store::internal {
namespace {

// Calls whose segments one statement of the fill reads.
constexpr size_t kCallsPerRead = 200;

std::optional<std::int64_t> Millis(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1000));
}

}  // namespace

core::Status SaveTalkMetrics(Connection& c, std::int64_t call_id,
                             std::span<const TranscriptSegment> segments, std::int64_t now_ms) {
  std::vector<analytics::Segment> timeline;
  timeline.reserve(segments.size());
  for (const TranscriptSegment& s : segments) {
    timeline.push_back(
        {.start_ms = s.start_ms, .end_ms = s.end_ms, .speaker = s.speaker, .text = s.text});
  }
  const std::optional<analytics::TalkMetrics> metrics = analytics::ComputeTalkMetrics(timeline);
  STORE_RETURN_IF_ERROR(c.Exec("DELETE FROM call_metrics WHERE call_id = $1", Params(call_id)));
  if (!metrics) {
    return Done(
        c.Exec("UPDATE calls SET metrics_layout = '', talk_share_manager_permille = NULL, "
               "longest_monologue_manager_ms = NULL, interruptions_by_manager = NULL WHERE id = $1",
               Params(call_id)));
  }
  // Per mille and milliseconds: integers compare exactly in a keyset cursor on both databases.
  std::optional<std::int64_t> share, monologue;
  std::optional<int> interruptions;
  if (metrics->manager) {
    share = Millis(metrics->manager->talk_share);  // The share is rounded to 0.001 already.
    monologue = Millis(metrics->manager->longest_monologue_seconds);
    interruptions = metrics->manager->interruptions;
  }
  STORE_RETURN_IF_ERROR(
      c.Exec("INSERT INTO call_metrics (call_id, body, computed_at) VALUES ($1, $2, $3)",
             Params(call_id, analytics::TalkMetricsToJson(*metrics).dump(), now_ms)));
  return Done(
      c.Exec("UPDATE calls SET metrics_layout = $1, talk_share_manager_permille = $2, "
             "longest_monologue_manager_ms = $3, interruptions_by_manager = $4 WHERE id = $5",
             Params(metrics->layout, share, monologue, interruptions, call_id)));
}

core::Status FillTalkMetrics(Connection& c, std::int64_t now_ms) {
  STORE_ASSIGN_OR_RETURN(
      Rows ids, c.Exec("SELECT DISTINCT call_id FROM transcript_segments ORDER BY call_id"));
  for (int from = 0; from < ids.size(); from += static_cast<int>(kCallsPerRead)) {
    const int to = std::min(ids.size(), from + static_cast<int>(kCallsPerRead));
    STORE_ASSIGN_OR_RETURN(Rows rows,
                           c.Exec("SELECT call_id, segment_index, start_ms, end_ms, speaker, text "
                                  "FROM transcript_segments WHERE call_id >= $1 AND call_id <= $2 "
                                  "ORDER BY call_id, segment_index",
                                  Params(ids.Int64(from, 0), ids.Int64(to - 1, 0))));
    std::vector<TranscriptSegment> segments;
    for (int i = 0; i < rows.size(); ++i) {
      segments.push_back(
          {rows.Int(i, 1), rows.Int64(i, 2), rows.Int64(i, 3), rows.Text(i, 4), rows.Text(i, 5)});
      if (i + 1 == rows.size() || rows.Int64(i + 1, 0) != rows.Int64(i, 0)) {
        STORE_RETURN_IF_ERROR(SaveTalkMetrics(c, rows.Int64(i, 0), segments, now_ms));
        segments.clear();
      }
    }
  }
  return core::Ok();
}

}  // namespace callbrief::store::internal
