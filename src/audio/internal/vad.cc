#include "audio/internal/vad.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "audio/internal/energy.h"

namespace callbrief::audio::internal {

double NoiseFloorDb(std::span<const float> values, double percentile) {
  if (values.empty()) return kSilenceDb;
  std::vector<float> copy(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::clamp(percentile / 100.0, 0.0, 1.0) *
                                             static_cast<double>(copy.size() - 1));
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(rank), copy.end());
  return copy[rank];
}

VadResult DetectSpeech(std::span<const float> frame_db, const VadOptions& options) {
  VadResult result;
  result.noise_floor_db = options.noise_floor_db.has_value()
                              ? *options.noise_floor_db
                              : NoiseFloorDb(frame_db, options.noise_percentile);
  result.start_db = std::max(result.noise_floor_db + options.threshold_db, options.min_level_db);
  const double stop_db = result.start_db - options.hysteresis_db;

  const auto n = static_cast<std::int64_t>(frame_db.size());
  bool active = false;
  std::int64_t run = 0;  // inactive: frames in a row above start_db
  std::int64_t begin = 0;
  std::int64_t last_loud = 0;  // active: the last frame above stop_db
  auto close = [&](std::int64_t end) {
    if (end - begin >= options.min_region_frames) result.regions.push_back({begin, end});
    active = false;
    run = 0;
  };
  for (std::int64_t i = 0; i < n; ++i) {
    const double db = frame_db[static_cast<std::size_t>(i)];
    if (!active) {
      run = db >= result.start_db ? run + 1 : 0;
      if (run >= options.onset_frames) {
        active = true;
        begin = i - run + 1;
        last_loud = i;
      }
    } else if (db >= stop_db) {
      last_loud = i;
    } else if (i - last_loud >= options.hangover_frames) {
      close(last_loud + 1);
    }
  }
  if (active) close(last_loud + 1);
  return result;
}

std::vector<float> SuppressCrosstalk(std::span<const float> own, std::span<const float> other,
                                     double margin_db, int lookback_frames) {
  std::vector<float> result(own.begin(), own.end());
  const std::size_t n = std::min(own.size(), other.size());
  const auto window = static_cast<std::size_t>(std::max(lookback_frames, 0)) + 1;
  std::deque<std::size_t> loudest;  // indices of `other`, levels decreasing: a sliding maximum
  for (std::size_t i = 0; i < n; ++i) {
    while (!loudest.empty() && other[loudest.back()] <= other[i]) loudest.pop_back();
    loudest.push_back(i);
    if (loudest.front() + window <= i) loudest.pop_front();
    if (other[loudest.front()] - own[i] > margin_db) result[i] = kSilenceDb;
  }
  return result;
}

std::int64_t TotalFrames(const std::vector<Region>& regions) {
  std::int64_t total = 0;
  for (const Region& region : regions) total += region.length();
  return total;
}

std::int64_t OverlapFrames(const std::vector<Region>& a, const std::vector<Region>& b) {
  std::int64_t total = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::int64_t begin = std::max(a[i].begin, b[j].begin);
    const std::int64_t end = std::min(a[i].end, b[j].end);
    if (end > begin) total += end - begin;
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return total;
}

std::vector<Region> Union(const std::vector<Region>& a, const std::vector<Region>& b) {
  std::vector<Region> all(a);
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end(),
            [](const Region& x, const Region& y) { return x.begin < y.begin; });
  std::vector<Region> merged;
  for (const Region& region : all) {
    if (!merged.empty() && region.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, region.end);
    } else {
      merged.push_back(region);
    }
  }
  return merged;
}

}  // namespace callbrief::audio::internal
