#include "http/session_revocation.h"

#include <gtest/gtest.h>

#include "http/session.h"
#include "testing/manual_clock.h"

namespace callbrief::http {
namespace {

using testing::ManualClock;

// The settings table's one row, shared by "instances" as the database would be.
struct FakeSetting {
  std::optional<std::string> value;
  bool fail = false;
  SessionRevocations::Load Loader() {
    return [this]() -> core::Result<std::optional<std::string>> {
      if (fail) return core::Error::Transient("database is down");
      return value;
    };
  }
  SessionRevocations::Save Saver() {
    return [this](const std::string& v) -> core::Status {
      if (fail) return core::Error::Transient("database is down");
      value = v;
      return core::Ok();
    };
  }
};

TEST(SessionRevocationsTest, ARevokedTokenIsRefusedAndOthersAreNot) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.Now());
  std::string other = signer.Issue(clock.Now());
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);

  EXPECT_FALSE(revocations.IsRevoked(token));
  ASSERT_TRUE(revocations.Revoke(token).ok());

  EXPECT_TRUE(revocations.IsRevoked(token));
  EXPECT_FALSE(revocations.IsRevoked(other));
}

TEST(SessionRevocationsTest, AnotherInstanceSharingTheDatabaseRefusesItWithinASecond) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.Now());
  SessionRevocations here(setting.Loader(), setting.Saver(), clock);
  SessionRevocations there(setting.Loader(), setting.Saver(), clock);
  EXPECT_FALSE(there.IsRevoked(token));

  ASSERT_TRUE(here.Revoke(token).ok());
  clock.Advance(SessionRevocations::kRefreshInterval);

  EXPECT_TRUE(there.IsRevoked(token));
}

TEST(SessionRevocationsTest, RevocationsOfBothInstancesAreKept) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string first = signer.Issue(clock.Now());
  std::string second = signer.Issue(clock.Now());
  SessionRevocations here(setting.Loader(), setting.Saver(), clock);
  SessionRevocations there(setting.Loader(), setting.Saver(), clock);

  ASSERT_TRUE(here.Revoke(first).ok());
  ASSERT_TRUE(there.Revoke(second).ok());
  SessionRevocations fresh(setting.Loader(), setting.Saver(), clock);

  EXPECT_TRUE(fresh.IsRevoked(first));
  EXPECT_TRUE(fresh.IsRevoked(second));
}

TEST(SessionRevocationsTest, EntriesLeaveWhenTheirTokenWouldHaveExpired) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string old_token = signer.Issue(clock.Now());
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  ASSERT_TRUE(revocations.Revoke(old_token).ok());

  clock.Advance(std::chrono::seconds(SessionSigner::kLifetimeSeconds));
  ASSERT_TRUE(revocations.Revoke(signer.Issue(clock.Now())).ok());

  // "v1.<expires>.<nonce>.<mac>"
  std::string nonce = old_token.substr(0, old_token.rfind('.'));
  nonce = nonce.substr(nonce.rfind('.') + 1);
  ASSERT_EQ(nonce.size(), 32u);
  EXPECT_EQ(setting.value->find(nonce), std::string::npos) << *setting.value;
}

TEST(SessionRevocationsTest, AFailingDatabaseIsReportedAndThisInstanceStillRefusesTheToken) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.Now());
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  setting.fail = true;

  EXPECT_FALSE(revocations.Revoke(token).ok());
  EXPECT_TRUE(revocations.IsRevoked(token));
}

TEST(SessionRevocationsTest, GarbageIsRevokedByDefinition) {
  ManualClock clock{core::FromUnixMillis(1'795'536'000'000)};
  FakeSetting setting{.value = "[[[not json"};
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  EXPECT_TRUE(revocations.IsRevoked("nonsense"));
  EXPECT_FALSE(revocations.IsRevoked(SessionSigner("s", "p").Issue(clock.Now())));
}

}  // namespace
}  // namespace callbrief::http
