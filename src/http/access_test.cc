#include "http/access.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

// "Basic " + base64("admin:hunter22")
constexpr std::string_view kGoodCredentials = "Basic YWRtaW46aHVudGVyMjI=";
// "Basic " + base64("admin:wrong")
constexpr std::string_view kBadCredentials = "Basic YWRtaW46d3Jvbmc=";

TEST(ApiAccessTest, WithoutPasswordOnlyLocalClientsAreServed) {
  EXPECT_EQ(CheckApiAccess("127.0.0.1", false, "", ""), Access::kAllow);
  EXPECT_EQ(CheckApiAccess("::1", false, "", ""), Access::kAllow);
  EXPECT_EQ(CheckApiAccess("203.0.113.5", false, "", ""), Access::kLoopbackOnly);
  EXPECT_EQ(CheckApiAccess("10.0.0.2", false, "", ""), Access::kLoopbackOnly);
}

TEST(ApiAccessTest, RequestsRelayedByALocalProxyAreNotLocal) {
  EXPECT_EQ(CheckApiAccess("127.0.0.1", true, "", ""), Access::kLoopbackOnly);
}

TEST(ApiAccessTest, WithPasswordEveryoneMustPresentIt) {
  EXPECT_EQ(CheckApiAccess("203.0.113.5", false, kGoodCredentials, "hunter22"), Access::kAllow);
  EXPECT_EQ(CheckApiAccess("127.0.0.1", false, "", "hunter22"), Access::kNeedsPassword);
  EXPECT_EQ(CheckApiAccess("127.0.0.1", false, kBadCredentials, "hunter22"),
            Access::kNeedsPassword);
  EXPECT_EQ(CheckApiAccess("127.0.0.1", false, "Bearer hunter22", "hunter22"),
            Access::kNeedsPassword);
  EXPECT_EQ(CheckApiAccess("127.0.0.1", false, "Basic !!!", "hunter22"), Access::kNeedsPassword);
}

TEST(AccessTest, ASessionCountsOnlyWhenAPasswordIsSet) {
  EXPECT_EQ(CheckAccess("203.0.113.5", true, "", true, "hunter22"), Access::kAllow);
  EXPECT_EQ(CheckAccess("203.0.113.5", true, "", false, "hunter22"), Access::kNeedsPassword);
  EXPECT_EQ(CheckAccess("203.0.113.5", false, kGoodCredentials, false, "hunter22"), Access::kAllow);
  // Without a password there are no sessions: a cookie cannot open the API to remote clients.
  EXPECT_EQ(CheckAccess("203.0.113.5", false, "", true, ""), Access::kLoopbackOnly);
  EXPECT_EQ(CheckAccess("127.0.0.1", false, "", false, ""), Access::kAllow);
}

TEST(LoopbackTest, RecognisesLoopbackForms) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.5.6.7"));
  EXPECT_TRUE(IsLoopbackAddress("::ffff:127.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("::2"));
}

}  // namespace
}  // namespace callbrief::http
