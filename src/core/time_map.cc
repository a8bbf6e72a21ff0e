#include "core/time_map.h"

#include <algorithm>

namespace callbrief::core {

std::int64_t TimeMap::ToOriginal(std::int64_t chunk_ms) const {
  if (spans_.empty()) return chunk_ms;
  // The last span that starts at or before chunk_ms; before the first span, the first.
  auto after = std::upper_bound(
      spans_.begin(), spans_.end(), chunk_ms,
      [](std::int64_t t, const TimeSpan& span) { return t < span.chunk_start_ms; });
  if (after == spans_.begin()) return spans_.front().original_start_ms;
  const TimeSpan& span = *std::prev(after);
  const std::int64_t offset =
      std::clamp<std::int64_t>(chunk_ms - span.chunk_start_ms, 0, span.length_ms);
  return span.original_start_ms + offset;
}

std::int64_t TimeMap::ChunkLengthMs() const {
  std::int64_t total = 0;
  for (const TimeSpan& span : spans_) total += span.length_ms;
  return total;
}

}  // namespace callbrief::core
