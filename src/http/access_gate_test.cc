#include "http/access_gate.h"
#include "testing/manual_clock.h"

#include <string>

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

using testing::ManualClock;

// "Basic " + base64("admin:hunter22-long") and base64("admin:wrong")
constexpr std::string_view kGoodCredentials = "Basic YWRtaW46aHVudGVyMjItbG9uZw==";
constexpr std::string_view kBadCredentials = "Basic YWRtaW46d3Jvbmc=";

std::vector<core::IpNetwork> Networks(std::string_view text) {
  return *core::ParseIpNetworks(text);
}

TEST(AccessGateTest, LoopbackModeServesLocalClientsThatNameThisMachine) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({}, clock);
  for (const char* host : {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080",
                           "LOCALHOST", "[::1]", "localhost.:8080"}) {
    EXPECT_EQ(gate.Check({.remote_addr = "127.0.0.1", .host = host}).verdict, GateVerdict::kAllow)
        << host;
  }
}

TEST(AccessGateTest, LoopbackModeRefusesAnyOtherHostAsMisdirected) {
  // A page on rebind.attacker.example whose name now resolves to 127.0.0.1.
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({}, clock);
  for (const char* host : {"rebind.attacker.example", "rebind.attacker.example:8080", "",
                           "127.0.0.2", "localhost.attacker.example", "[::2]"}) {
    EXPECT_EQ(gate.Check({.remote_addr = "127.0.0.1", .host = host}).verdict,
              GateVerdict::kMisdirected)
        << host;
  }
}

TEST(AccessGateTest, LoopbackModeAcceptsThePublicUrlHost) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.public_url = "https://Calls.Example.com:8443/callbrief"}, clock);
  EXPECT_EQ(gate.Check({.remote_addr = "127.0.0.1", .host = "calls.example.com"}).verdict,
            GateVerdict::kAllow);
  EXPECT_EQ(gate.Check({.remote_addr = "127.0.0.1", .host = "example.com"}).verdict,
            GateVerdict::kMisdirected);
}

TEST(AccessGateTest, LoopbackModeStillRefusesRemoteClients) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({}, clock);
  EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5", .host = "localhost"}).verdict,
            GateVerdict::kLoopbackOnly);
}

TEST(AccessGateTest, WithAPasswordAnyHostIsServed) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5",
                        .host = "calls.example.com",
                        .authorization = kGoodCredentials})
                .verdict,
            GateVerdict::kAllow);
}

TEST(AccessGateTest, WrongBasicPasswordsAreThrottledPerClient) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  AccessRequest attacker{.remote_addr = "203.0.113.5", .authorization = kBadCredentials};
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) {
    EXPECT_EQ(gate.Check(attacker).verdict, GateVerdict::kNeedsPassword) << i;
  }
  GateDecision refused = gate.Check(attacker);
  EXPECT_EQ(refused.verdict, GateVerdict::kThrottled);
  EXPECT_EQ(refused.retry_after_seconds, 60);
  // Even the right password waits: guessing must not go on during the lock-out.
  attacker.authorization = kGoodCredentials;
  EXPECT_EQ(gate.Check(attacker).verdict, GateVerdict::kThrottled);
  // Another client is not affected.
  EXPECT_EQ(gate.Check({.remote_addr = "198.51.100.9", .authorization = kGoodCredentials}).verdict,
            GateVerdict::kAllow);
  clock.Advance(LoginThrottle::kWindow);
  EXPECT_EQ(gate.Check(attacker).verdict, GateVerdict::kAllow);
}

TEST(AccessGateTest, BasicAndTheLoginFormShareOneThrottle) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) {
    gate.throttle().RecordFailure(AccessGate::ThrottleKey("203.0.113.5"));
  }
  EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5", .authorization = kBadCredentials}).verdict,
            GateVerdict::kThrottled);
}

TEST(AccessGateTest, RequestsWithoutCredentialsAreNotCountedAsGuesses) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  for (int i = 0; i < 3 * LoginThrottle::kMaxFailures; ++i) {
    EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5"}).verdict, GateVerdict::kNeedsPassword);
  }
  EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5", .authorization = kGoodCredentials}).verdict,
            GateVerdict::kAllow);
}

TEST(AccessGateTest, ForgedForwardedForDoesNotGiveAFreshClient) {
  // Without TRUSTED_PROXIES the header is ignored: varying it changes nothing.
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) {
    gate.Check({.remote_addr = "203.0.113.5",
                .forwarded_for = "10.0.0." + std::to_string(i),
                .authorization = kBadCredentials});
  }
  EXPECT_EQ(gate.Check({.remote_addr = "203.0.113.5",
                        .forwarded_for = "10.9.9.9",
                        .authorization = kBadCredentials})
                .verdict,
            GateVerdict::kThrottled);
}

TEST(ClientAddressTest, IsThePeerUnlessThePeerIsATrustedProxy) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.trusted_proxies = Networks("127.0.0.1, 10.0.0.0/8")}, clock);
  EXPECT_EQ(gate.ClientAddress("203.0.113.5", "198.51.100.1"), "203.0.113.5");
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", "198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", ""), "127.0.0.1");
}

TEST(ClientAddressTest, TakesTheRightMostEntryNoTrustedProxyWrote) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.trusted_proxies = Networks("127.0.0.1, 10.0.0.0/8")}, clock);
  // The client wrote "1.2.3.4" itself; the outer proxy 10.0.0.7 saw 198.51.100.1.
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.7"), "198.51.100.1");
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", "garbage, 198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", "198.51.100.1, garbage"), "127.0.0.1");
  EXPECT_EQ(gate.ClientAddress("127.0.0.1", "10.0.0.8,10.0.0.7"), "10.0.0.8");
}

TEST(AccessGateTest, ALockedOutClientWaitsOutTheSameWindowHoweverOftenItKnocks) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  AccessGate gate({.admin_password = "hunter22-long"}, clock);
  AccessRequest attacker{.remote_addr = "203.0.113.5", .authorization = kBadCredentials};
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) gate.Check(attacker);
  clock.Advance(std::chrono::seconds(30));
  for (int i = 0; i < 20; ++i) gate.Check(attacker);
  EXPECT_EQ(gate.Check(attacker).retry_after_seconds, 30);
}

TEST(BearerTokenTest, OnlyTheExactTokenInTheBearerSchemeMatches) {
  EXPECT_TRUE(BearerTokenMatches("Bearer metrics-secret-9", "metrics-secret-9"));
  EXPECT_TRUE(BearerTokenMatches("bearer metrics-secret-9", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("Bearer metrics-secret-", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("Bearer metrics-secret-99", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("Basic metrics-secret-9", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("metrics-secret-9", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("", "metrics-secret-9"));
  EXPECT_FALSE(BearerTokenMatches("Bearer ", ""));
}

TEST(ThrottleKeyTest, Ipv6ClientsAreCountedPerSlash64) {
  EXPECT_EQ(AccessGate::ThrottleKey("2001:db8:1:2:aaaa::1"),
            AccessGate::ThrottleKey("2001:db8:1:2::77"));
  EXPECT_NE(AccessGate::ThrottleKey("2001:db8:1:2::1"), AccessGate::ThrottleKey("2001:db8:1:3::1"));
  EXPECT_EQ(AccessGate::ThrottleKey("::ffff:203.0.113.5"), "203.0.113.5");
  EXPECT_EQ(AccessGate::ThrottleKey("203.0.113.5"), "203.0.113.5");
}

}  // namespace
}  // namespace callbrief::http
