#pragma once

#include <vector>

#include "audio/internal/vad.h"
#include "audio/prepare.h"

namespace callbrief::audio::internal {

// Above this sample correlation the two channels carry one signal (copied or panned mono).
inline constexpr double kCopiedCorrelation = 0.7;
// Above this share of shared speech (intersection over union of the two channels' speech) the
// channels are not one party each: a two-party call overlaps only in short interjections.
inline constexpr double kMaxPartyOverlap = 0.4;

// How to treat a stereo recording, from the correlation of its channels and each channel's
// speech: one party per channel when the channels differ and their speech is largely disjoint in
// time (one side may be silent throughout, as in a voicemail); otherwise one mix.
Layout DecideStereoLayout(double correlation, const std::vector<Region>& left_speech,
                          const std::vector<Region>& right_speech);

}  // namespace callbrief::audio::internal
