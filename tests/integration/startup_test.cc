// Black-box specification of how `callbrief` starts, reads its configuration, stops and keeps its
// data: the real binary in a private work directory, observed through its exit status, its output
// and HTTP.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

bool IsJsonObject(const std::string& line) {
  return nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false).is_object();
}

// --- Invalid configuration fails start-up with one clear line ---

TEST(StartupTest, InvalidPortExitsWithStatus2AndOneLineNamingPort) {
  ServiceProcess service({{"PORT", "abc"}});

  EXPECT_EQ(service.RunToExit({"serve"}), ExitedWith(2));

  std::vector<std::string> lines = SplitLines(service.Stderr());
  ASSERT_EQ(lines.size(), 1u) << service.Stderr();
  EXPECT_NE(lines[0].find("PORT"), std::string::npos) << lines[0];
  EXPECT_EQ(service.Stdout(), "");
}

TEST(StartupTest, InvalidWebhookUrlExitsWithStatus2WithoutEchoingTheWebhookCode) {
  ServiceProcess service({{"BITRIX24_WEBHOOK_URL", "acme.bitrix24.ru/rest/1/hooksecretcode42/"}});

  EXPECT_EQ(service.RunToExit({"serve"}), ExitedWith(2));

  std::vector<std::string> lines = SplitLines(service.Stderr());
  ASSERT_EQ(lines.size(), 1u) << service.Stderr();
  EXPECT_NE(lines[0].find("BITRIX24_WEBHOOK_URL"), std::string::npos) << lines[0];
  EXPECT_EQ(service.Log().find("hooksecretcode42"), std::string::npos) << service.Log();
}

TEST(StartupTest, PortAlreadyServedByAnotherInstanceExitsWithStatus2) {
  ServiceProcess first;
  ASSERT_TRUE(first.Start());
  ServiceProcess second({{"PORT", std::to_string(first.port())}});

  EXPECT_EQ(second.RunToExit({"serve"}), ExitedWith(2));

  std::vector<std::string> lines = SplitLines(second.Stderr());
  ASSERT_EQ(lines.size(), 1u) << second.Stderr();
  EXPECT_NE(lines[0].find("PORT"), std::string::npos) << lines[0];
}

// --- Configuration sources ---

TEST(StartupTest, DotEnvFileInTheWorkingDirectoryIsRead) {
  ServiceProcess service;
  service.WriteFile(".env", "# written by the operator\nLOG_FORMAT=json\n");

  ASSERT_TRUE(service.Start());

  std::vector<std::string> lines = SplitLines(service.Stdout());
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_TRUE(IsJsonObject(line)) << line;
}

TEST(StartupTest, RealEnvironmentVariableWinsOverDotEnv) {
  ServiceProcess service({{"LOG_FORMAT", "text"}});
  service.WriteFile(".env", "LOG_FORMAT=json\n");

  ASSERT_TRUE(service.Start());

  std::vector<std::string> lines = SplitLines(service.Stdout());
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_FALSE(IsJsonObject(line)) << line;
}

TEST(StartupTest, InvalidValueInDotEnvIsOverriddenByAValidRealOne) {
  ServiceProcess service;
  service.WriteFile(".env", "PORT=abc\n");  // Start() passes the real PORT in the environment.

  EXPECT_TRUE(service.Start());
}

TEST(StartupTest, MissingCredentialsDoNotStopStartUp) {
  ServiceProcess service;  // Nothing but HOST and PORT.

  ASSERT_TRUE(service.Start());

  EXPECT_NE(service.Stdout().find("BITRIX24_WEBHOOK_URL is not set"), std::string::npos)
      << service.Log();
  auto res = service.Client().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// --- Stopping and data ---

TEST(StartupTest, SigtermStopsTheServiceWithStatus0) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());

  EXPECT_EQ(service.Terminate(), ExitedWith(0));

  std::vector<std::string> lines = SplitLines(service.Stdout());
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("Stopped"), std::string::npos) << service.Log();
  EXPECT_EQ(service.Stderr(), "");
}

TEST(StartupTest, SigtermWhileAKeepAliveConnectionIsIdleStillStopsTheServicePromptly) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  client.set_keep_alive(true);
  auto res = client.Get("/healthz");  // The connection stays open and idle afterwards.
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);

  EXPECT_EQ(service.Terminate(), ExitedWith(0));
}

TEST(StartupTest, MigrateExitsWithStatus0AndCreatesTheDatabase) {
  ServiceProcess service;

  EXPECT_EQ(service.RunToExit({"migrate"}), ExitedWith(0));

  EXPECT_TRUE(std::filesystem::exists(service.DatabasePath())) << service.Log();
}

TEST(StartupTest, ServeStartsOnADatabaseCreatedByMigrate) {
  ServiceProcess service;
  ASSERT_EQ(service.RunToExit({"migrate"}), ExitedWith(0));

  EXPECT_TRUE(service.Start());
}

TEST(StartupTest, StoredCallsSurviveARestart) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  BitrixEvent event;
  {
    auto client = service.Client();
    auto res = PostForm(client, event);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
  }
  ASSERT_EQ(service.Terminate(), ExitedWith(0));

  ASSERT_TRUE(service.Restart());

  auto client = service.Client();
  auto res = client.Get("/api/calls/" + event.call_id);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto again = PostForm(client, event);
  ASSERT_TRUE(again);
  EXPECT_EQ(nlohmann::json::parse(again->body)["duplicate"], true);
}

}  // namespace
}  // namespace callbrief::testing
