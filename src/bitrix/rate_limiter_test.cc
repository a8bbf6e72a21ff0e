#include "bitrix/rate_limiter.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

using namespace std::chrono_literals;

// Time moves only when the limiter sleeps, so the tests see exactly the waits it asks for.
class SteppingClock final : public core::Clock {
 public:
  core::TimePoint Now() const override { return now_; }
  void Advance(std::chrono::nanoseconds d) {
    now_ += std::chrono::duration_cast<core::TimePoint::duration>(d);
  }

 private:
  core::TimePoint now_ = core::FromUnixMillis(1'000'000);
};

struct Fixture {
  SteppingClock clock;
  std::vector<std::chrono::nanoseconds> sleeps;
  RateLimiter limiter{2.0, 3, clock, [this](std::chrono::nanoseconds d) {
                        sleeps.push_back(d);
                        clock.Advance(d);
                      }};
};

TEST(RateLimiterTest, ABurstUpToTheLimitGoesOutAtOnce) {
  Fixture f;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.limiter.Acquire(), 0ns);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(RateLimiterTest, BeyondTheBurstRequestsAreSpacedAtTheRate) {
  Fixture f;
  for (int i = 0; i < 3; ++i) (void)f.limiter.Acquire();
  EXPECT_EQ(f.limiter.Acquire(), 500ms);
  EXPECT_EQ(f.limiter.Acquire(), 500ms);
}

TEST(RateLimiterTest, IdleTimeRefillsTheBurst) {
  Fixture f;
  for (int i = 0; i < 5; ++i) (void)f.limiter.Acquire();
  f.clock.Advance(10s);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.limiter.Acquire(), 0ns);
  EXPECT_EQ(f.limiter.Acquire(), 500ms);
}

}  // namespace
}  // namespace callbrief::bitrix
