#include "core/time_map.h"

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

// Two kept stretches: 0–10 s of the original, then (after a cut pause) 40–45 s.
TimeMap TwoSpans() {
  return TimeMap({{.chunk_start_ms = 0, .original_start_ms = 0, .length_ms = 10'000},
                  {.chunk_start_ms = 10'000, .original_start_ms = 40'000, .length_ms = 5'000}});
}

TEST(TimeMap, EmptyMapIsTheIdentity) { EXPECT_EQ(TimeMap().ToOriginal(1234), 1234); }

TEST(TimeMap, TimeInsideASpanMapsExactly) {
  EXPECT_EQ(TwoSpans().ToOriginal(2'500), 2'500);
  EXPECT_EQ(TwoSpans().ToOriginal(10'000), 40'000);
  EXPECT_EQ(TwoSpans().ToOriginal(12'345), 42'345);
}

TEST(TimeMap, TimeBeyondTheLastSpanIsClampedToItsEnd) {
  EXPECT_EQ(TwoSpans().ToOriginal(99'000), 45'000);
}

TEST(TimeMap, TimeBeforeTheFirstSpanIsClampedToItsStart) {
  TimeMap map({{.chunk_start_ms = 500, .original_start_ms = 7'000, .length_ms = 1'000}});
  EXPECT_EQ(map.ToOriginal(0), 7'000);
}

TEST(TimeMap, ChunkLengthIsTheSumOfSpans) { EXPECT_EQ(TwoSpans().ChunkLengthMs(), 15'000); }

}  // namespace
}  // namespace callbrief::core
