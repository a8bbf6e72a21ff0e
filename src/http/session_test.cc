#include "http/session.h"
#include "testing/manual_clock.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

using std::chrono::seconds;

using testing::ManualClock;

const core::TimePoint kNow = core::FromUnixMillis(1'795'536'000'000);

TEST(HmacTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SessionSignerTest, AcceptsItsOwnTokenUntilItExpires) {
  SessionSigner signer("secret", "hunter22");
  std::string token = signer.Issue(kNow);
  EXPECT_TRUE(signer.Verify(token, kNow));
  EXPECT_TRUE(signer.Verify(token, kNow + seconds(SessionSigner::kLifetimeSeconds - 1)));
  EXPECT_FALSE(signer.Verify(token, kNow + seconds(SessionSigner::kLifetimeSeconds)));
}

TEST(SessionSignerTest, TokensDifferEachTime) {
  SessionSigner signer("secret", "hunter22");
  EXPECT_NE(signer.Issue(kNow), signer.Issue(kNow));
}

TEST(SessionSignerTest, ChangingThePasswordOrTheSecretEndsSessions) {
  std::string token = SessionSigner("secret", "hunter22").Issue(kNow);
  EXPECT_FALSE(SessionSigner("secret", "hunter23").Verify(token, kNow));
  EXPECT_FALSE(SessionSigner("other", "hunter22").Verify(token, kNow));
  EXPECT_TRUE(SessionSigner("secret", "hunter22").Verify(token, kNow));
}

TEST(SessionSignerTest, RefusesForgedAndMalformedTokens) {
  SessionSigner signer("secret", "hunter22");
  std::string token = signer.Issue(kNow);
  // Pushing the expiry forward breaks the signature.
  std::string extended = token;
  extended[3] = extended[3] == '9' ? '8' : '9';
  EXPECT_FALSE(signer.Verify(extended, kNow));
  std::string flipped = token;
  flipped.back() = flipped.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(signer.Verify(flipped, kNow));
  for (std::string_view bad : {"", "v1", "v1...", "v2.1.2.3", "garbage", "v1.x.y.z"}) {
    EXPECT_FALSE(signer.Verify(bad, kNow)) << bad;
  }
  EXPECT_EQ(token.find("hunter22"), std::string::npos);
}

TEST(CookieTest, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; callbrief_session=abc.def; b=2", "callbrief_session"), "abc.def");
  EXPECT_EQ(CookieValue("callbrief_session=\"q\"", "callbrief_session"), "q");
  EXPECT_EQ(CookieValue("xcallbrief_session=1", "callbrief_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "callbrief_session"), std::nullopt);
}

TEST(CookieTest, SessionCookieIsHttpOnlyLaxAndSecureOverHttps) {
  EXPECT_EQ(SessionCookieHeader("tok", false),
            "callbrief_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800");
  EXPECT_EQ(SessionCookieHeader("tok", true),
            "callbrief_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800; Secure");
  EXPECT_EQ(SessionCookieHeader("", false),
            "callbrief_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

TEST(LoginThrottleTest, AClientIsStoppedAfterFiveFailuresUntilTheWindowEnds) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  LoginThrottle throttle(clock);
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) {
    EXPECT_EQ(throttle.RetryAfterSeconds("a"), 0) << i;
    throttle.RecordFailure("a");
  }
  EXPECT_EQ(throttle.RetryAfterSeconds("a"), 60);
  EXPECT_EQ(throttle.RetryAfterSeconds("b"), 0);  // Others are not affected.
  clock.Advance(seconds(45));
  EXPECT_EQ(throttle.RetryAfterSeconds("a"), 15);
  clock.Advance(seconds(15));
  EXPECT_EQ(throttle.RetryAfterSeconds("a"), 0);
}

TEST(LoginThrottleTest, SuccessForgetsEarlierFailures) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  LoginThrottle throttle(clock);
  for (int i = 0; i < LoginThrottle::kMaxFailures - 1; ++i) throttle.RecordFailure("a");
  throttle.RecordSuccess("a");
  throttle.RecordFailure("a");
  EXPECT_EQ(throttle.RetryAfterSeconds("a"), 0);
}

TEST(LoginThrottleTest, PastTheGlobalLimitEveryClientThatFailedIsStopped) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  LoginThrottle throttle(clock);
  for (int i = 0; i < LoginThrottle::kMaxGlobalFailures; ++i) {
    throttle.RecordFailure("client" + std::to_string(i));
  }
  EXPECT_GT(throttle.RetryAfterSeconds("client0"), 0);  // One failure is enough now.
  clock.Advance(LoginThrottle::kWindow);
  EXPECT_EQ(throttle.RetryAfterSeconds("client0"), 0);
}

TEST(LoginThrottleTest, AFloodOfFreshAddressesIsNotRememberedWithoutBound) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  LoginThrottle throttle(clock);
  for (std::size_t i = 0; i < 3 * LoginThrottle::kMaxTrackedClients; ++i) {
    throttle.RecordFailure("flood" + std::to_string(i));
    ASSERT_LE(throttle.tracked_clients(), LoginThrottle::kMaxTrackedClients) << i;
  }
  // The latest guessers are still held back: the global limit is long reached.
  throttle.RecordFailure("latest");
  EXPECT_GT(throttle.RetryAfterSeconds("latest"), 0);
}

TEST(LoginThrottleTest, TheGlobalLimitNeverLocksOutAClientThatHasNotFailed) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  LoginThrottle throttle(clock);
  for (int i = 0; i < 10 * LoginThrottle::kMaxGlobalFailures; ++i) {
    throttle.RecordFailure("attacker" + std::to_string(i % 20));
  }
  EXPECT_EQ(throttle.RetryAfterSeconds("operator"), 0);
}

TEST(CrossSiteTest, BrowsersSayWhereARequestComesFrom) {
  EXPECT_FALSE(
      IsCrossSiteRequest("same-origin", "http://calls.example.com", "calls.example.com", ""));
  EXPECT_TRUE(IsCrossSiteRequest("cross-site", "", "calls.example.com", ""));
  EXPECT_TRUE(IsCrossSiteRequest("same-site", "", "calls.example.com", ""));
  EXPECT_FALSE(IsCrossSiteRequest("", "", "calls.example.com", ""));  // curl, scripts.
  // Our own form posts carry "Origin: null" under Referrer-Policy: no-referrer.
  EXPECT_FALSE(IsCrossSiteRequest("same-origin", "null", "calls.example.com", ""));
}

TEST(CrossSiteTest, AnOriginMustNameTheHostAsked) {
  EXPECT_FALSE(IsCrossSiteRequest("", "http://127.0.0.1:8080", "127.0.0.1:8080", ""));
  EXPECT_TRUE(IsCrossSiteRequest("", "https://evil.example", "127.0.0.1:8080", ""));
  EXPECT_TRUE(IsCrossSiteRequest("", "null", "127.0.0.1:8080", ""));
  EXPECT_FALSE(
      IsCrossSiteRequest("", "https://Calls.Example.com", "127.0.0.1:8080", "calls.example.com"));
}

TEST(SafeNextPathTest, OnlyLocalPathsAreFollowed) {
  EXPECT_EQ(SafeNextPath("/calls/5"), "/calls/5");
  EXPECT_EQ(SafeNextPath("/dashboard?x=1"), "/dashboard?x=1");
  for (std::string_view bad :
       {"", "https://evil.example", "//evil.example", "/\\evil.example", "calls", "/a\nb"}) {
    EXPECT_EQ(SafeNextPath(bad), "/") << bad;
  }
}

TEST(PercentEncodeTest, KeepsPathsReadable) {
  EXPECT_EQ(PercentEncode("/calls/5"), "/calls/5");
  EXPECT_EQ(PercentEncode("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
}

}  // namespace
}  // namespace callbrief::http
