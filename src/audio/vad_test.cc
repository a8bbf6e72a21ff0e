#include "audio/internal/vad.h"

#include <gtest/gtest.h>

#include <vector>

namespace callbrief::audio::internal {
namespace {

// A level sequence made of runs: {frames, dB}.
std::vector<float> Levels(std::initializer_list<std::pair<int, float>> runs) {
  std::vector<float> levels;
  for (auto [frames, db] : runs) levels.insert(levels.end(), frames, db);
  return levels;
}

struct VadCase {
  const char* name;
  std::vector<float> levels;
  std::vector<Region> expected;
};

TEST(DetectSpeech, FindsWhatATableOfLevelSequencesSays) {
  const std::vector<VadCase> cases = {
      {"digital silence", Levels({{500, -100}}), {}},
      {"steady noise is the floor, not speech", Levels({{500, -30}}), {}},
      {"one burst over line noise", Levels({{200, -60}, {50, -20}, {200, -60}}), {{200, 250}}},
      {"a dip shorter than the hangover does not split",
       Levels({{200, -60}, {50, -20}, {20, -60}, {50, -20}, {200, -60}}),
       {{200, 320}}},
      {"a pause longer than the hangover splits",
       Levels({{200, -60}, {50, -20}, {40, -60}, {50, -20}, {200, -60}}),
       {{200, 250}, {290, 340}}},
      {"two loud frames do not start speech", Levels({{200, -60}, {2, -20}, {200, -60}}), {}},
      {"a click shorter than a region is dropped", Levels({{200, -60}, {5, -20}, {200, -60}}), {}},
      {"nothing quieter than the minimum level is speech",
       Levels({{200, -100}, {50, -60}, {200, -100}}),
       {}},
      {"speech continues between the stop and start levels (hysteresis)",
       Levels({{200, -60}, {20, -45}, {60, -52}, {200, -60}}),
       {{200, 280}}},
      {"speech running to the end is closed there", Levels({{200, -60}, {50, -20}}), {{200, 250}}},
  };
  for (const VadCase& c : cases) {
    EXPECT_EQ(DetectSpeech(c.levels, VadOptions{}).regions, c.expected) << c.name;
  }
}

TEST(DetectSpeech, ReportsTheNoiseFloorAndStartLevel) {
  const auto result = DetectSpeech(Levels({{300, -60}, {50, -20}}), VadOptions{});
  EXPECT_FLOAT_EQ(result.noise_floor_db, -60);
  EXPECT_FLOAT_EQ(result.start_db, -50);
}

TEST(DetectSpeech, AGivenNoiseFloorReplacesTheEstimate) {
  // Half the frames silenced (as crosstalk suppression does) would pull the estimate to -100.
  const auto levels = Levels({{300, -100}, {300, -52}, {50, -20}});
  EXPECT_EQ(DetectSpeech(levels, VadOptions{}).regions.size(), 1U);  // -52 counts at floor -100
  VadOptions fixed;
  fixed.noise_floor_db = -52;
  const auto result = DetectSpeech(levels, fixed);
  ASSERT_EQ(result.regions.size(), 1U);
  EXPECT_EQ(result.regions[0], (Region{600, 650}));
}

TEST(SuppressCrosstalk, SilencesFramesWhereTheOtherSideIsMuchLouder) {
  const std::vector<float> own = {-30, -45, -20, -60};
  const std::vector<float> other = {-60, -20, -25, -39};
  EXPECT_EQ(SuppressCrosstalk(own, other, 20, 0), (std::vector<float>{-30, -100, -20, -100}));
}

TEST(SuppressCrosstalk, LooksBackForALateEcho) {
  // The other side spoke at -20 in frame 1; its echo reaches this side at -45 in frame 3.
  const std::vector<float> own = {-60, -60, -60, -45, -60, -30};
  const std::vector<float> other = {-60, -20, -60, -60, -60, -60};
  EXPECT_EQ(SuppressCrosstalk(own, other, 20, 0)[3], -45);
  EXPECT_EQ(SuppressCrosstalk(own, other, 20, 2),
            (std::vector<float>{-60, -100, -100, -100, -60, -30}));
}

TEST(Regions, TotalOverlapAndUnion) {
  const std::vector<Region> a = {{0, 10}, {20, 30}, {40, 50}};
  const std::vector<Region> b = {{5, 25}, {50, 60}};
  EXPECT_EQ(TotalFrames(a), 30);
  EXPECT_EQ(OverlapFrames(a, b), 10);
  EXPECT_EQ(OverlapFrames(a, {}), 0);
  EXPECT_EQ(Union(a, b), (std::vector<Region>{{0, 30}, {40, 60}}));
}

}  // namespace
}  // namespace callbrief::audio::internal
