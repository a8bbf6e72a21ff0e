#include "core/clock.h"

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

std::int64_t Millis(std::string_view text) {
  TimePoint t;
  EXPECT_TRUE(ParseIso8601(text, &t)) << text;
  return ToUnixMillis(t);
}

TEST(ParseIso8601Test, ReadsDatesTimesFractionsAndOffsets) {
  EXPECT_EQ(Millis("2026-03-11"), 1'773'187'200'000);
  EXPECT_EQ(Millis("2026-03-11T17:28:46+03:00"), 1'773'239'326'000);
  EXPECT_EQ(Millis("2026-03-11T14:28:46.5Z"), 1'773'239'326'500);
  EXPECT_EQ(Millis("2026-03-11T14:28:46"), 1'773'239'326'000);
}

TEST(ParseIso8601Test, RefusesMalformedAndImpossibleTimes) {
  TimePoint t;
  for (const char* text : {"", "2026-3-11", "2026-02-30", "2026-03-11T25:00:00Z",
                           "2026-03-11T14:28:46+24:00", "2026-03-11T14:28:46.Z", "2026-03-11x"}) {
    EXPECT_FALSE(ParseIso8601(text, &t)) << text;
  }
}

TEST(ParseIso8601Test, YearsTheClockCannotHoldAreRefusedNotOverflowed) {
  // Found by fuzz/time_fuzz: 9999 overflowed the nanosecond TimePoint (undefined behaviour).
  TimePoint t;
  for (const char* text : {"9999-12-31T23:59:59Z", "2262-04-12", "0000-01-01", "1677-09-21",
                           "1899-12-31T23:59:59Z", "2199-12-31T23:59:59-01:00"}) {
    EXPECT_FALSE(ParseIso8601(text, &t)) << text;
  }
  EXPECT_TRUE(ParseIso8601("1900-01-01T00:00:00Z", &t));
  EXPECT_TRUE(ParseIso8601("2199-12-31T23:59:59Z", &t));
}

TEST(ParseIso8601Test, WhatIsFormattedParsesBackToTheSameMillisecond) {
  TimePoint t;
  ASSERT_TRUE(ParseIso8601("2199-12-31T23:59:59.999+00:00", &t));
  TimePoint again;
  ASSERT_TRUE(ParseIso8601(FormatIso8601(t), &again));
  EXPECT_EQ(ToUnixMillis(again), ToUnixMillis(t));
}

}  // namespace
}  // namespace callbrief::core
