// The real binary against the Bitrix24 emulator: doctor, backfill and the reconciler over HTTP.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_bitrix24.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using fakes::FakeBitrix24;

class BitrixEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(portal_.Start().ok()); }

  EnvVars Env() const {
    return {{"BITRIX24_WEBHOOK_URL", portal_.WebhookUrl()}, {"RECONCILE_INTERVAL", "1"}};
  }

  // The calls the service has stored, through its own API.
  static nlohmann::json ListCalls(ServiceProcess& service) {
    auto res = service.Client().Get("/api/calls?limit=200");
    if (!res || res->status != 200) return nlohmann::json::array();
    return nlohmann::json::parse(res->body)["calls"];
  }

  FakeBitrix24 portal_;
};

TEST_F(BitrixEmulatorTest, DoctorReportsAHealthyWebhook) {
  ServiceProcess service(Env());
  service.RunToExit({"doctor"});
  std::string out = service.Stdout();
  EXPECT_NE(out.find("✅ Bitrix24: the webhook answers as"), std::string::npos) << out;
  EXPECT_NE(out.find("✅ Bitrix24: administrator, scopes and call history are in order"),
            std::string::npos)
      << out;
}

TEST_F(BitrixEmulatorTest, DoctorSaysWhatToFixForAPlainUsersWebhookWithoutDisk) {
  portal_.SetAdmin(false);
  portal_.SetGrantedScopes({"crm", "telephony", "user"});
  ServiceProcess service(Env());
  EXPECT_EQ(service.RunToExit({"doctor"}), ExitedWith(1));
  std::string out = service.Stdout();
  EXPECT_NE(out.find("is not a portal administrator"), std::string::npos) << out;
  EXPECT_NE(out.find("lacks the \"disk\" scope"), std::string::npos) << out;
  EXPECT_EQ(out.find(portal_.WebhookUrl()), std::string::npos) << "the webhook code leaked";
}

TEST_F(BitrixEmulatorTest, BackfillRecordsEveryCallOfThePeriodOnce) {
  for (int i = 0; i < 3; ++i) portal_.AddCall(CallBuilder().Build());
  portal_.AddCall(CallBuilder().Missed().Build());
  ServiceProcess service(Env());

  ASSERT_EQ(service.RunToExit({"backfill", "--since", "2000-01-01", "--dry-run"}), ExitedWith(0));
  EXPECT_NE(service.Stdout().find("4 would be recorded"), std::string::npos) << service.Log();
  ASSERT_EQ(service.RunToExit({"backfill", "--since", "2000-01-01"}), ExitedWith(0));
  EXPECT_NE(service.Stdout().find("Done: 4 call(s) read, 4 recorded"), std::string::npos)
      << service.Log();
  ASSERT_EQ(service.RunToExit({"backfill", "--since", "2000-01-01"}), ExitedWith(0));
  EXPECT_NE(service.Stdout().find("Done: 4 call(s) read, 0 recorded"), std::string::npos)
      << service.Log();

  ASSERT_TRUE(service.Start());
  auto calls = ListCalls(service);
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& call : calls) EXPECT_EQ(call["source"], "backfill");
}

TEST_F(BitrixEmulatorTest, BackfillRefusesAnUnreadableDate) {
  ServiceProcess service(Env());
  EXPECT_EQ(service.RunToExit({"backfill", "--since", "last week"}), ExitedWith(1));
  EXPECT_NE(service.Stderr().find("--since: expected a date"), std::string::npos) << service.Log();
}

TEST_F(BitrixEmulatorTest, TheReconcilerRecordsACallWhoseWebhookNeverCame) {
  std::string before = portal_.AddCall(CallBuilder().Build());  // History before installation.
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  // The first pass only notes the newest row; wait for it before the "lost" call happens.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (portal_.CountRequests("voximplant.statistic.get") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string lost = portal_.AddCall(CallBuilder().Duration(42).Build());

  nlohmann::json found;
  while (std::chrono::steady_clock::now() < deadline + std::chrono::seconds(5)) {
    for (const auto& call : ListCalls(service)) {
      if (call["bitrix_call_id"] == lost) found = call;
    }
    if (!found.is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(found.is_null()) << service.Log();
  EXPECT_EQ(found["source"], "reconcile");
  EXPECT_EQ(found["duration_seconds"], 42);
  for (const auto& call : ListCalls(service)) EXPECT_NE(call["bitrix_call_id"], before);
  ASSERT_EQ(service.Terminate(), ExitedWith(0));
  EXPECT_NE(service.Stdout().find("🔁 Reconciliation found 1 call(s)"), std::string::npos)
      << service.Log();
}

}  // namespace
}  // namespace callbrief::testing
