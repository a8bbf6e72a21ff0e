#include "audio/internal/layout.h"

#include <gtest/gtest.h>

namespace callbrief::audio::internal {
namespace {

struct LayoutCase {
  const char* name;
  double correlation;
  std::vector<Region> left;
  std::vector<Region> right;
  Layout expected;
};

TEST(DecideStereoLayout, FollowsCorrelationAndSpeechOverlap) {
  const std::vector<LayoutCase> cases = {
      {"turns taking, channels independent",
       0.02,
       {{0, 100}, {300, 400}},
       {{120, 280}},
       Layout::kTwoPartyStereo},
      {"a short interjection over the other party",
       0.05,
       {{0, 300}},
       {{100, 130}, {320, 500}},
       Layout::kTwoPartyStereo},
      {"one side silent throughout (voicemail)", 0.0, {}, {{0, 500}}, Layout::kTwoPartyStereo},
      {"the same signal in both channels", 0.98, {{0, 100}}, {{0, 100}}, Layout::kMonoMixStereo},
      {"different signals speaking at the same times (panned mix)",
       0.3,
       {{0, 100}, {200, 300}},
       {{5, 100}, {210, 300}},
       Layout::kMonoMixStereo},
      {"both silent", 1.0, {}, {}, Layout::kMonoMixStereo},
  };
  for (const LayoutCase& c : cases) {
    EXPECT_EQ(DecideStereoLayout(c.correlation, c.left, c.right), c.expected) << c.name;
  }
}

}  // namespace
}  // namespace callbrief::audio::internal
