// Injected REST faults and the leaky-bucket rate limit, seen over HTTP.

#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

TEST_F(FakeBitrix24Test, FaultAnswersTheNextCallsOfItsMethodOnly) {
  portal_.InjectFault("voximplant.statistic.get",
                      Fault::Http(500, "INTERNAL_SERVER_ERROR", "boom").Times(2));
  EXPECT_EQ(Call("profile").status, 200);
  Reply first = Call("voximplant.statistic.get");
  EXPECT_EQ(first.status, 500);
  EXPECT_EQ(first.body,
            json::parse(R"({"error":"INTERNAL_SERVER_ERROR","error_description":"boom"})"));
  EXPECT_EQ(Call("voximplant.statistic.get").status, 500);
  EXPECT_EQ(Call("voximplant.statistic.get").status, 200);
}

TEST_F(FakeBitrix24Test, FaultsQueueInOrder) {
  portal_.InjectFault("profile", Fault::QueryLimitExceeded());
  portal_.InjectFault("PROFILE", Fault::InternalError());
  EXPECT_EQ(Call("profile").body["error"], "QUERY_LIMIT_EXCEEDED");
  EXPECT_EQ(Call("profile").body["error"], "INTERNAL_SERVER_ERROR");
  EXPECT_EQ(Call("profile").status, 200);
}

TEST_F(FakeBitrix24Test, ARawFaultAnswersItsBodyVerbatim) {
  portal_.InjectFault("crm.timeline.comment.add", Fault::Raw(400, R"({"error":100})"));
  Reply reply = Call("crm.timeline.comment.add");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, json::parse(R"({"error":100})"));
}

TEST_F(FakeBitrix24Test, FaultsDoNotApplyToRefusedWebhooks) {
  portal_.InjectFault("profile", Fault::InternalError());
  EXPECT_EQ(ToReply(Client().Post("/rest/1/wrong/profile", "{}", "application/json")).status, 401);
  EXPECT_EQ(Call("profile").status, 500);
}

TEST_F(FakeBitrix24Test, HangDelaysTheNormalAnswer) {
  portal_.InjectFault("profile", Fault::Hang(milliseconds(300)));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(300));
}

TEST_F(FakeBitrix24Test, HangOutlastsAShortClientTimeout) {
  portal_.InjectFault("profile", Fault::Hang(milliseconds(3000)));
  httplib::Client client = Client();
  client.set_read_timeout(milliseconds(200));
  auto result = client.Post(Path("profile"), "{}", "application/json");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), httplib::Error::Read);
}

TEST_F(FakeBitrix24Test, StopCutsAHangShort) {
  portal_.InjectFault("profile", Fault::Hang(milliseconds(60000)));
  auto pending = std::async(std::launch::async, [this] {
    return Client().Post(Path("profile"), "{}", "application/json");
  });
  std::this_thread::sleep_for(milliseconds(200));
  auto started = std::chrono::steady_clock::now();
  portal_.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(5000));
  pending.wait();
}

TEST_F(FakeBitrix24Test, CloseConnectionDropsTheCallWithoutAnAnswer) {
  portal_.InjectFault("disk.file.get", Fault::CloseConnection());
  auto result = Client().Post(Path("disk.file.get"), R"({"id":1})", "application/json");
  ASSERT_FALSE(result);
  EXPECT_EQ(portal_.Requests().back().status, 0);
  EXPECT_EQ(Call("disk.file.get", {{"id", 1}}).status, 400);  // Back to normal.
}

TEST_F(FakeBitrix24Test, RateLimitIsOffByDefault) {
  for (int i = 0; i < 60; ++i) ASSERT_EQ(Call("profile").status, 200) << i;
}

TEST_F(FakeBitrix24Test, RateLimitRefusesBeyondTheBurst) {
  portal_.EnableRateLimit();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Call("profile").status, 200) << i;
  Reply refused = Call("profile");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.body, json::parse(R"({"error":"QUERY_LIMIT_EXCEEDED",
                                          "error_description":"Too many requests"})"));
}

TEST_F(FakeBitrix24Test, RateLimitDrainsTwoRequestsPerSecond) {
  portal_.EnableRateLimit();
  for (int i = 0; i < 50; ++i) Call("profile");
  clock_.Advance(milliseconds(500));
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_EQ(Call("profile").status, 503);
  clock_.Advance(milliseconds(1000));
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_EQ(Call("profile").status, 503);
}

TEST_F(FakeBitrix24Test, RateLimitCanBeTurnedOff) {
  portal_.EnableRateLimit({.burst = 1, .drain_per_second = 0.001});
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_EQ(Call("profile").status, 503);
  portal_.DisableRateLimit();
  EXPECT_EQ(Call("profile").status, 200);
}

}  // namespace
}  // namespace callbrief::fakes::testing
