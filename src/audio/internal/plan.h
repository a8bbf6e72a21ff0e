#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audio/internal/vad.h"
#include "core/time_map.h"

namespace callbrief::audio::internal {

struct CutOptions {
  std::int64_t pad_before_frames = 20;
  std::int64_t pad_after_frames = 30;
  std::int64_t min_cut_pause_frames = 100;  // shorter pauses (after padding) are kept
};

// What of a channel is sent for transcription: each speech region widened by the pads (clamped
// to [0, total_frames)), and neighbours whose pause is shorter than min_cut_pause joined, so only
// long pauses are cut. Ordered and disjoint.
std::vector<Region> KeptSpans(const std::vector<Region>& speech, std::int64_t total_frames,
                              const CutOptions& options);

struct ChunkLimits {
  std::int64_t max_frames = 120'000;   // a chunk's audio, from the seconds and bytes limits
  std::int64_t overlap_frames = 100;   // shared by the two pieces of a forced split
  std::int64_t search_frames = 3'000;  // how far back from the limit a forced split may go
};

// One chunk: the stretches of the original it holds, in order.
struct ChunkPlan {
  std::vector<Region> spans = {};
  std::int64_t frames() const { return TotalFrames(spans); }
};

// Packs kept spans into chunks of at most max_frames, cutting only between spans (at pauses).
// A span longer than the limit is split at its quietest 200 ms inside the last search_frames
// before the limit (by `frame_db`), the two pieces sharing overlap_frames around that point.
std::vector<ChunkPlan> PlanChunks(const std::vector<Region>& kept, std::span<const float> frame_db,
                                  const ChunkLimits& limits);

// The chunk's time map in milliseconds (chunk time → original time).
core::TimeMap ToTimeMap(const ChunkPlan& chunk);

}  // namespace callbrief::audio::internal
