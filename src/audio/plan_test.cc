#include "audio/internal/plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace callbrief::audio::internal {
namespace {

struct KeptCase {
  const char* name;
  std::vector<Region> speech;
  std::vector<Region> expected;
};

TEST(KeptSpans, PadsSpeechAndCutsOnlyLongPauses) {
  const CutOptions cut{
      .pad_before_frames = 20, .pad_after_frames = 30, .min_cut_pause_frames = 100};
  const std::vector<KeptCase> cases = {
      {"nothing", {}, {}},
      {"padded on both sides", {{100, 200}}, {{80, 230}}},
      {"clamped to the recording", {{5, 990}}, {{0, 1000}}},
      {"a short pause is kept whole", {{100, 200}, {300, 400}}, {{80, 430}}},
      {"a long pause is cut", {{100, 200}, {400, 500}}, {{80, 230}, {380, 530}}},
      {"pads that touch merge", {{100, 200}, {230, 300}}, {{80, 330}}},
  };
  for (const KeptCase& c : cases) EXPECT_EQ(KeptSpans(c.speech, 1000, cut), c.expected) << c.name;
}

TEST(PlanChunks, PacksWholeSpansUpToTheLimit) {
  const std::vector<Region> kept = {{0, 40}, {100, 150}, {200, 230}, {300, 390}};
  const auto chunks = PlanChunks(kept, {}, {.max_frames = 100, .overlap_frames = 0});
  ASSERT_EQ(chunks.size(), 3U);
  EXPECT_EQ(chunks[0].spans, (std::vector<Region>{{0, 40}, {100, 150}}));
  EXPECT_EQ(chunks[1].spans, (std::vector<Region>{{200, 230}}));
  EXPECT_EQ(chunks[2].spans, (std::vector<Region>{{300, 390}}));
}

TEST(PlanChunks, SplitsContinuousSpeechAtItsQuietestPointWithOverlap) {
  std::vector<float> levels(1000, -20.0F);
  for (int i = 700; i < 720; ++i) levels[i] = -50.0F;  // the only breath in 10 s
  const auto chunks = PlanChunks({{0, 1000}}, levels,
                                 {.max_frames = 800, .overlap_frames = 10, .search_frames = 300});
  ASSERT_EQ(chunks.size(), 2U);
  EXPECT_EQ(chunks[0].spans, (std::vector<Region>{{0, 715}}));
  EXPECT_EQ(chunks[1].spans, (std::vector<Region>{{705, 1000}}));
}

TEST(PlanChunks, NoChunkIsLongerThanTheLimitWhateverTheInput) {
  const std::vector<Region> kept = {{0, 50}, {60, 5000}, {5100, 5150}, {5200, 12000}};
  std::vector<float> levels(12000, -20.0F);
  for (const int max : {64, 100, 777, 4000}) {
    const auto chunks = PlanChunks(kept, levels, {.max_frames = max, .overlap_frames = 10});
    std::vector<bool> covered(12000, false);
    for (const ChunkPlan& chunk : chunks) {
      EXPECT_LE(chunk.frames(), max) << "limit " << max;
      for (const Region& span : chunk.spans) {
        for (std::int64_t f = span.begin; f < span.end; ++f) covered[f] = true;
      }
    }
    for (const Region& span : kept) {
      for (std::int64_t f = span.begin; f < span.end; ++f) {
        ASSERT_TRUE(covered[f]) << "frame " << f << " not sent, limit " << max;
      }
    }
  }
}

TEST(ToTimeMap, MapsChunkTimeBackInMilliseconds) {
  const core::TimeMap map = ToTimeMap({.spans = {{100, 200}, {500, 550}}});
  EXPECT_EQ(map.ChunkLengthMs(), 1500);
  EXPECT_EQ(map.ToOriginal(0), 1000);
  EXPECT_EQ(map.ToOriginal(999), 1999);
  EXPECT_EQ(map.ToOriginal(1000), 5000);
  EXPECT_EQ(map.ToOriginal(1250), 5250);
}

}  // namespace
}  // namespace callbrief::audio::internal
