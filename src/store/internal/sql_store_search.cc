// Full-text search's hits: where in each found call the query occurs (search_text.h).
#include <fmt/format.h>

#include "store/internal/search_text.h"
#include "store/internal/sql_store.h"

namespace callbrief::store::internal {

using core::Result;

Result<SearchHits> LoadSearchHits(Connection& c, std::span<const CallRecord> calls,
                                  const SearchQuery& query) {
  SearchHits hits;
  if (calls.empty()) return hits;
  std::vector<std::int64_t> ids;
  for (const CallRecord& call : calls) ids.push_back(call.id);
  // The ids are integers formatted here, not text from outside.
  const std::string in = fmt::format("({})", fmt::join(ids, ","));
  STORE_ASSIGN_OR_RETURN(
      Rows segments,
      c.Exec("SELECT call_id, start_ms, speaker, text FROM transcript_segments WHERE call_id IN " +
             in + " ORDER BY call_id, segment_index"));
  for (int i = 0; i < segments.size(); ++i) {
    std::vector<SearchHit>& found = hits[segments.Int64(i, 0)];
    if (static_cast<int>(found.size()) >= CallPage::kMaxHitSegments) continue;
    std::vector<SearchFragment> snippet = SearchSnippet(segments.Text(i, 3), query);
    if (snippet.empty()) continue;
    found.push_back({.in_summary = false,
                     .start_ms = segments.Int64(i, 1),
                     .speaker = segments.Text(i, 2),
                     .snippet = std::move(snippet)});
  }
  STORE_ASSIGN_OR_RETURN(
      Rows summaries,
      c.Exec("SELECT call_id, summary FROM call_search_text WHERE call_id IN " + in));
  for (int i = 0; i < summaries.size(); ++i) {
    std::vector<SearchFragment> snippet = SearchSnippet(summaries.Text(i, 1), query);
    if (snippet.empty()) continue;
    hits[summaries.Int64(i, 0)].push_back({.in_summary = true, .snippet = std::move(snippet)});
  }
  std::erase_if(hits, [](const auto& entry) { return entry.second.empty(); });
  return hits;
}

}  // namespace callbrief::store::internal
