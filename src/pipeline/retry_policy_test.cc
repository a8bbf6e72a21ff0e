#include "pipeline/retry_policy.h"

#include <gtest/gtest.h>

namespace callbrief::pipeline {
namespace {

using core::Error;
using std::chrono::milliseconds;
using std::chrono::seconds;

const RetryPolicy kPolicy{};

TEST(RetryPolicy, TransientErrorsBackOffExponentially) {
  struct Case {
    int attempt;
    milliseconds at_no_jitter;
    milliseconds at_full_jitter;
  } cases[] = {
      {1, milliseconds(1000), milliseconds(2000)},
      {2, milliseconds(2000), milliseconds(4000)},
      {5, milliseconds(16000), milliseconds(32000)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DecideRetry(Error::Transient("timeout"), c.attempt, kPolicy, 0).delay, c.at_no_jitter)
        << c.attempt;
    EXPECT_EQ(DecideRetry(Error::Transient("timeout"), c.attempt, kPolicy, 1).delay,
              c.at_full_jitter)
        << c.attempt;
  }
}

TEST(RetryPolicy, DelayNeverExceedsTheCap) {
  auto decision = DecideRetry(Error::Transient("503"), 7, kPolicy, 0.999);
  EXPECT_EQ(decision.action, RetryAction::kRetry);
  EXPECT_LE(decision.delay, kPolicy.max_delay);
}

TEST(RetryPolicy, TransientErrorsGiveUpAfterMaxAttempts) {
  EXPECT_EQ(DecideRetry(Error::Transient("503"), kPolicy.max_attempts, kPolicy, 0.5).action,
            RetryAction::kFail);
}

TEST(RetryPolicy, RateLimitsWaitAtLeastWhatTheServerAsked) {
  auto decision = DecideRetry(Error::RateLimited("429", seconds(30)), 1, kPolicy, 0);
  EXPECT_EQ(decision.action, RetryAction::kRetry);
  EXPECT_EQ(decision.delay, seconds(30));
}

TEST(RetryPolicy, RateLimitsAreTriedLongerThanOtherFaults) {
  EXPECT_EQ(DecideRetry(Error::RateLimited("429", {}), kPolicy.max_attempts, kPolicy, 0).action,
            RetryAction::kRetry);
}

TEST(RetryPolicy, ConfigurationErrorsParkTheCall) {
  auto decision = DecideRetry(Error::Config("OPENAI_API_KEY is not set"), 50, kPolicy, 0);
  EXPECT_EQ(decision.action, RetryAction::kPark);
  EXPECT_EQ(decision.delay, kPolicy.park_delay);
}

TEST(RetryPolicy, PermanentErrorsFailAtOnce) {
  EXPECT_EQ(DecideRetry(Error::Permanent("damaged audio"), 1, kPolicy, 0).action,
            RetryAction::kFail);
  EXPECT_EQ(DecideRetry(Error::InvalidInput("bad"), 1, kPolicy, 0).action, RetryAction::kFail);
}

}  // namespace
}  // namespace callbrief::pipeline
