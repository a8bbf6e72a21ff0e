#include "fakes/leaky_bucket.h"

#include <gtest/gtest.h>

namespace callbrief::fakes {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(LeakyBucket, PassesAFullBurstAtOnce) {
  LeakyBucket bucket(50, 2);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(bucket.TryAdd(seconds(0))) << i;
}

TEST(LeakyBucket, RefusesTheRequestBeyondTheBurst) {
  LeakyBucket bucket(50, 2);
  for (int i = 0; i < 50; ++i) bucket.TryAdd(seconds(0));
  EXPECT_FALSE(bucket.TryAdd(seconds(0)));
}

TEST(LeakyBucket, DrainsAtItsRate) {
  LeakyBucket bucket(50, 2);
  for (int i = 0; i < 50; ++i) bucket.TryAdd(seconds(0));
  EXPECT_FALSE(bucket.TryAdd(milliseconds(499)));
  EXPECT_TRUE(bucket.TryAdd(milliseconds(500)));
  EXPECT_FALSE(bucket.TryAdd(milliseconds(500)));
  EXPECT_TRUE(bucket.TryAdd(milliseconds(1000)));
}

TEST(LeakyBucket, RefusedRequestsDoNotFillTheBucket) {
  LeakyBucket bucket(2, 1);
  bucket.TryAdd(seconds(0));
  bucket.TryAdd(seconds(0));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(bucket.TryAdd(seconds(0)));
  EXPECT_TRUE(bucket.TryAdd(seconds(1)));
}

TEST(LeakyBucket, IdleTimeDoesNotBankMoreThanTheBurst) {
  LeakyBucket bucket(3, 2);
  bucket.TryAdd(seconds(0));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.TryAdd(seconds(3600))) << i;
  EXPECT_FALSE(bucket.TryAdd(seconds(3600)));
}

TEST(LeakyBucket, SustainedTwoPerSecondIsAlwaysSafe) {
  LeakyBucket bucket(50, 2);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.TryAdd(milliseconds(500 * i))) << i;
}

}  // namespace
}  // namespace callbrief::fakes
