#include "audio/internal/plan.h"

#include <algorithm>
#include <limits>

#include "audio/internal/energy.h"

namespace callbrief::audio::internal {
namespace {

constexpr std::int64_t kQuietWindowFrames = 20;  // 200 ms: the length of a "quiet point"

// The frame in [from, to) that starts the quietest kQuietWindowFrames (by mean level), i.e.
// the best place to cut continuous audio. `to` > `from`.
std::int64_t QuietestPoint(std::span<const float> frame_db, std::int64_t from, std::int64_t to) {
  const auto n = static_cast<std::int64_t>(frame_db.size());
  auto level = [&](std::int64_t i) {
    return i >= 0 && i < n ? static_cast<double>(frame_db[static_cast<std::size_t>(i)]) : 0.0;
  };
  double window = 0;
  for (std::int64_t i = from; i < from + kQuietWindowFrames; ++i) window += level(i);
  std::int64_t best = from;
  double best_sum = window;
  for (std::int64_t i = from + 1; i < to; ++i) {
    window += level(i + kQuietWindowFrames - 1) - level(i - 1);
    if (window < best_sum) {
      best_sum = window;
      best = i;
    }
  }
  return std::min(best + kQuietWindowFrames / 2, to - 1);
}

}  // namespace

std::vector<Region> KeptSpans(const std::vector<Region>& speech, std::int64_t total_frames,
                              const CutOptions& options) {
  std::vector<Region> kept;
  for (const Region& region : speech) {
    Region padded{std::max<std::int64_t>(0, region.begin - options.pad_before_frames),
                  std::min(total_frames, region.end + options.pad_after_frames)};
    if (padded.length() <= 0) continue;
    if (!kept.empty() && padded.begin - kept.back().end < options.min_cut_pause_frames) {
      kept.back().end = std::max(kept.back().end, padded.end);
    } else {
      kept.push_back(padded);
    }
  }
  return kept;
}

std::vector<ChunkPlan> PlanChunks(const std::vector<Region>& kept, std::span<const float> frame_db,
                                  const ChunkLimits& limits) {
  const std::int64_t max = std::max<std::int64_t>(limits.max_frames, 1);
  const std::int64_t overlap = std::clamp<std::int64_t>(limits.overlap_frames, 0, max / 4);
  const std::int64_t search = std::clamp<std::int64_t>(limits.search_frames, 1, max / 2);
  std::vector<ChunkPlan> chunks;
  ChunkPlan current;
  auto flush = [&] {
    if (!current.spans.empty()) chunks.push_back(std::move(current));
    current = ChunkPlan{};
  };
  for (const Region& span : kept) {
    if (current.frames() + span.length() > max) flush();
    Region rest = span;
    while (rest.length() > max) {  // continuous audio longer than a chunk: force a split
      const std::int64_t limit = rest.begin + max - overlap / 2;
      const std::int64_t cut =
          QuietestPoint(frame_db, std::max(rest.begin + 1, limit - search), limit);
      current.spans.push_back({rest.begin, cut + overlap / 2});
      flush();
      rest.begin = std::max(rest.begin + 1, cut - overlap / 2);
    }
    current.spans.push_back(rest);
  }
  flush();
  return chunks;
}

core::TimeMap ToTimeMap(const ChunkPlan& chunk) {
  std::vector<core::TimeSpan> spans;
  std::int64_t chunk_ms = 0;
  for (const Region& region : chunk.spans) {
    spans.push_back({.chunk_start_ms = chunk_ms,
                     .original_start_ms = region.begin * kFrameMs,
                     .length_ms = region.length() * kFrameMs});
    chunk_ms += region.length() * kFrameMs;
  }
  return core::TimeMap(std::move(spans));
}

}  // namespace callbrief::audio::internal
