#include "core/result.h"

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::InvalidInput("odd number");
  return n / 2;
}

TEST(ResultTest, HoldsAValueOnSuccess) {
  auto r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
}

TEST(ResultTest, HoldsAnErrorWithItsKindOnFailure) {
  auto r = Half(3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().message, "odd number");
}

TEST(ResultTest, VoidResultDefaultsToSuccess) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status failed = Error::Config("X: missing");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kConfig);
}

TEST(ErrorTest, ContextIsPutInFront) {
  Error e = Error::Transient("HTTP 503").WithContext("fetching recording for call X");
  EXPECT_EQ(e.message, "fetching recording for call X: HTTP 503");
  EXPECT_EQ(e.kind, ErrorKind::kTransient);
}

TEST(ErrorTest, OnlyTransientAndRateLimitedAreRetryable) {
  EXPECT_TRUE(Error::Transient("t").IsRetryable());
  EXPECT_TRUE(Error::RateLimited("r", std::chrono::seconds(5)).IsRetryable());
  EXPECT_FALSE(Error::Permanent("p").IsRetryable());
  EXPECT_FALSE(Error::Config("c").IsRetryable());
  EXPECT_FALSE(Error::InvalidInput("i").IsRetryable());
}

}  // namespace
}  // namespace callbrief::core
