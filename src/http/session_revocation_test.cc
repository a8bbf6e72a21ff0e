#include "http/session_revocation.h"

#include <gtest/gtest.h>

#include "http/session.h"

namespace callbrief::http {
namespace {

class ManualClock final : public core::Clock {
 public:
  core::TimePoint Now() const override { return now; }
  core::TimePoint now = core::FromUnixMillis(1'795'536'000'000);
};

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
  ManualClock clock;
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.now);
  std::string other = signer.Issue(clock.now);
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);

  EXPECT_FALSE(revocations.IsRevoked(token));
  ASSERT_TRUE(revocations.Revoke(token).ok());

  EXPECT_TRUE(revocations.IsRevoked(token));
  EXPECT_FALSE(revocations.IsRevoked(other));
}

TEST(SessionRevocationsTest, AnotherInstanceSharingTheDatabaseRefusesItWithinASecond) {
  ManualClock clock;
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.now);
  SessionRevocations here(setting.Loader(), setting.Saver(), clock);
  SessionRevocations there(setting.Loader(), setting.Saver(), clock);
  EXPECT_FALSE(there.IsRevoked(token));

  ASSERT_TRUE(here.Revoke(token).ok());
  clock.now += SessionRevocations::kRefreshInterval;

  EXPECT_TRUE(there.IsRevoked(token));
}

TEST(SessionRevocationsTest, RevocationsOfBothInstancesAreKept) {
  ManualClock clock;
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string first = signer.Issue(clock.now);
  std::string second = signer.Issue(clock.now);
  SessionRevocations here(setting.Loader(), setting.Saver(), clock);
  SessionRevocations there(setting.Loader(), setting.Saver(), clock);

  ASSERT_TRUE(here.Revoke(first).ok());
  ASSERT_TRUE(there.Revoke(second).ok());
  SessionRevocations fresh(setting.Loader(), setting.Saver(), clock);

  EXPECT_TRUE(fresh.IsRevoked(first));
  EXPECT_TRUE(fresh.IsRevoked(second));
}

TEST(SessionRevocationsTest, EntriesLeaveWhenTheirTokenWouldHaveExpired) {
  ManualClock clock;
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string old_token = signer.Issue(clock.now);
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  ASSERT_TRUE(revocations.Revoke(old_token).ok());

  clock.now += std::chrono::seconds(SessionSigner::kLifetimeSeconds);
  ASSERT_TRUE(revocations.Revoke(signer.Issue(clock.now)).ok());

  // "v1.<expires>.<nonce>.<mac>"
  std::string nonce = old_token.substr(0, old_token.rfind('.'));
  nonce = nonce.substr(nonce.rfind('.') + 1);
  ASSERT_EQ(nonce.size(), 32u);
  EXPECT_EQ(setting.value->find(nonce), std::string::npos) << *setting.value;
}

TEST(SessionRevocationsTest, AFailingDatabaseIsReportedAndThisInstanceStillRefusesTheToken) {
  ManualClock clock;
  FakeSetting setting;
  SessionSigner signer("secret", "password");
  std::string token = signer.Issue(clock.now);
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  setting.fail = true;

  EXPECT_FALSE(revocations.Revoke(token).ok());
  EXPECT_TRUE(revocations.IsRevoked(token));
}

TEST(SessionRevocationsTest, GarbageIsRevokedByDefinition) {
  ManualClock clock;
  FakeSetting setting{.value = "[[[not json"};
  SessionRevocations revocations(setting.Loader(), setting.Saver(), clock);
  EXPECT_TRUE(revocations.IsRevoked("nonsense"));
  EXPECT_FALSE(revocations.IsRevoked(SessionSigner("s", "p").Issue(clock.now)));
}

}  // namespace
}  // namespace callbrief::http
