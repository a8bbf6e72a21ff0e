// Black-box specification of what hostile bodies cannot do to `callbrief serve`: the real binary on
// a free port, attacked from outside; after each attack the process must still be running, still
// answer, and its memory must have stayed bounded.

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>

#include "support/service_process.h"

namespace callbrief::testing {
namespace {

// The resident set of process `pid` in KiB (VmRSS in /proc/<pid>/status), or -1.
long ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The service is alive: its process has not ended and it still answers /healthz.
::testing::AssertionResult StillServing(ServiceProcess& service) {
  if (ResidentKiB(service.pid()) < 0) return ::testing::AssertionFailure() << "process is gone";
  auto res = service.Client().Get("/healthz");
  if (!res)
    return ::testing::AssertionFailure() << "no answer: " << httplib::to_string(res.error());
  if (res->status != 200) return ::testing::AssertionFailure() << "/healthz said " << res->status;
  return ::testing::AssertionSuccess();
}

TEST(HostileInputTest, DeeplyNestedJsonWebhookIsRefusedAndTheServerLives) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  long rss_before = ResidentKiB(service.pid());
  // The body that used to kill the process with one unauthenticated request: 120,000 nested
  // arrays, 240 KB, under the body limit.
  std::string body = R"({"event":"x","data":)" + std::string(120'000, '[');

  auto res = service.Client().Post("/api/bitrix-webhook/call-finished", body, "application/json");

  ASSERT_TRUE(res) << httplib::to_string(res.error()) << service.Log();
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("deeper than 64 levels"), std::string::npos) << res->body;
  EXPECT_TRUE(StillServing(service)) << service.Log();
  // Refused before anything was parsed: no more than a few MiB for reading the body.
  EXPECT_LT(ResidentKiB(service.pid()) - rss_before, 16 * 1024);
}

TEST(HostileInputTest, DeeplyNestedJsonWithoutContentTypeIsRefusedToo) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  std::string body = "{\"event\":\"x\",\"data\":" + std::string(120'000, '{');

  auto res = service.Client().Post("/api/bitrix-webhook/call-finished", body, "");

  ASSERT_TRUE(res) << httplib::to_string(res.error()) << service.Log();
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(StillServing(service)) << service.Log();
}

}  // namespace
}  // namespace callbrief::testing
