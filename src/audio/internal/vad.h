#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace callbrief::audio::internal {

// A stretch of frames [begin, end).
struct Region {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t length() const { return end - begin; }
  bool operator==(const Region&) const = default;
};

struct VadOptions {
  double threshold_db = 10;      // speech starts this far above the noise floor
  double min_level_db = -55;     // and never below this level (dBFS)
  double hysteresis_db = 4;      // once started, speech lasts while above start level minus this
  int onset_frames = 3;          // frames in a row above the start level to start speech
  int hangover_frames = 30;      // frames below the stop level that end speech
  int min_region_frames = 8;     // shorter bursts (clicks) are not speech
  double noise_percentile = 10;  // the noise floor is this percentile of the frame levels
  // When set, used instead of estimating the floor (e.g. after crosstalk suppression has
  // silenced frames, which would drag the percentile down).
  std::optional<double> noise_floor_db = std::nullopt;
};

struct VadResult {
  std::vector<Region> regions = {};  // in order, disjoint
  double noise_floor_db = 0;
  double start_db = 0;  // the level speech must exceed to start
};

// Energy speech detection with hysteresis and hangover over per-frame levels (dBFS). The noise
// floor is estimated over the whole channel, which the two-pass design affords. Steady noise
// (hum, hiss, a silent line) never starts speech: it sits at the floor, below floor + threshold.
VadResult DetectSpeech(std::span<const float> frame_db, const VadOptions& options);

// The noise floor DetectSpeech estimates: the `percentile` of the frame levels.
double NoiseFloorDb(std::span<const float> frame_db, double percentile);

// `own` with the frames where `other` was louder by more than `margin_db` at some moment of the
// last `lookback_frames` (an echo arrives late) set to silence: in a two-party recording that is
// the other party leaking into this channel (echo, crosstalk).
std::vector<float> SuppressCrosstalk(std::span<const float> own, std::span<const float> other,
                                     double margin_db, int lookback_frames);

std::int64_t TotalFrames(const std::vector<Region>& regions);
// Frames covered by both (a and b each in order and disjoint).
std::int64_t OverlapFrames(const std::vector<Region>& a, const std::vector<Region>& b);
// The union of two ordered disjoint lists, ordered and disjoint (touching regions merged).
std::vector<Region> Union(const std::vector<Region>& a, const std::vector<Region>& b);

}  // namespace callbrief::audio::internal
