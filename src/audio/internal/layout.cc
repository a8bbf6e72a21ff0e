#include "audio/internal/layout.h"

namespace callbrief::audio::internal {

Layout DecideStereoLayout(double correlation, const std::vector<Region>& left_speech,
                          const std::vector<Region>& right_speech) {
  if (correlation > kCopiedCorrelation) return Layout::kMonoMixStereo;
  const std::int64_t shared = OverlapFrames(left_speech, right_speech);
  const std::int64_t either = TotalFrames(left_speech) + TotalFrames(right_speech) - shared;
  if (either > 0 && static_cast<double>(shared) > kMaxPartyOverlap * static_cast<double>(either)) {
    return Layout::kMonoMixStereo;
  }
  return Layout::kTwoPartyStereo;
}

}  // namespace callbrief::audio::internal
