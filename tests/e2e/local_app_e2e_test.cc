// The Bitrix24 local application mode (docs/bitrix24-setup.md, option B) end to end: the real
// binary against the emulated portal, which installs the application, sends its events to the
// handlers callbrief bound, answers REST calls only with the application's current access token,
// and plays the authorization server that refreshes it.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "fakes/call_end_event.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

class LocalAppE2eTest : public PipelineE2eTest {
 protected:
  void SetUp() override {
    PipelineE2eTest::SetUp();
    app_ = portal_.CreateLocalApp();
    port_ = FindFreePort();
  }

  std::string PublicUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string InstallUrl() const { return PublicUrl() + "/api/bitrix-app/install"; }

  EnvVars AppEnv(EnvVars extra = {}) const {
    EnvVars env = Env();
    env.erase("BITRIX24_WEBHOOK_URL");
    env["BITRIX24_CLIENT_ID"] = app_.client_id;
    env["BITRIX24_CLIENT_SECRET"] = app_.client_secret;
    env["BITRIX24_PORTAL_URL"] = portal_.BaseUrl();
    env["BITRIX24_OAUTH_URL"] = portal_.OAuthTokenUrl();
    env["PORT"] = std::to_string(port_);
    env["PUBLIC_URL"] = PublicUrl();
    for (auto& [name, value] : extra) env[name] = value;
    return env;
  }

  // Every file of the database (SQLite and its WAL) as bytes, to look for tokens in.
  static std::string DatabaseBytes(const ServiceProcess& service) {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(service.DatabasePath().string() + suffix, std::ios::binary);
      std::stringstream data;
      data << in.rdbuf();
      bytes += data.str();
    }
    return bytes;
  }

  // A REST request the portal logged (not a download, not the authorization server).
  static bool IsRest(const fakes::LoggedRequest& request) {
    return request.method != fakes::kDownloadMethod && request.method != "oauth.token";
  }

  fakes::FakeBitrix24::AppCredentials app_;
  int port_ = 0;
};

TEST_F(LocalAppE2eTest, InstallBindsTheHandlersAndTheCallsEventIsProcessedWithTheAppsTokens) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();

  auto state = portal_.LocalAppState();
  ASSERT_TRUE(state.installed);
  using Handler = std::pair<std::string, std::string>;
  EXPECT_EQ(state.handlers,
            (std::vector<Handler>{
                {"ONVOXIMPLANTCALLEND", PublicUrl() + "/api/bitrix-webhook/call-finished"},
                {"ONAPPUNINSTALL", PublicUrl() + "/api/bitrix-app/events"}}));

  std::string call_id = AddCall(CallBuilder().Incoming().Phone("+79001234567").Duration(75));
  EXPECT_EQ(portal_.AnnounceCallEndToApp(call_id), std::vector<int>{200});
  json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u);
  EXPECT_EQ(Comments(call_id).size(), 1u);

  // Every REST call went to the portal's OAuth endpoint with the application's access token.
  int rest_calls = 0;
  for (const auto& request : portal_.Requests()) {
    if (!IsRest(request)) continue;
    ++rest_calls;
    EXPECT_EQ(request.params.value("auth", ""), state.access_token) << request.method;
  }
  EXPECT_GE(rest_calls, 5);  // app.info, event.get, 2 × event.bind, statistic, disk, comment.

  // No token or secret in the log, nor readable in the database.
  const std::string log = service.Log();
  const std::string database = DatabaseBytes(service);
  const std::pair<const char*, std::string> secrets[] = {
      {"access_token", state.access_token},
      {"refresh_token", state.refresh_token},
      {"application_token", state.application_token},
      {"client_secret", app_.client_secret}};
  for (const auto& [name, secret] : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds the " << name;
    EXPECT_EQ(database.find(secret), std::string::npos) << "the database holds the " << name;
  }
  auto key = std::filesystem::status(service.work_dir() / "data" / "bitrix-app.key");
  EXPECT_EQ(key.permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(LocalAppE2eTest, AnEventWithAWrongOrMissingTokenIsRefusedAndNothingIsStored) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  const std::string handler = PublicUrl() + "/api/bitrix-webhook/call-finished";
  // Before the installation no token is right.
  auto early = fakes::PostCallEnd(handler, *portal_.FindCall(call_id), "anything");
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 401);

  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  for (const char* token : {"", "0123456789abcdef0123456789abcdef"}) {
    auto res = fakes::PostCallEnd(handler, *portal_.FindCall(call_id), token);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << res->body;
    EXPECT_EQ(res->body.find(portal_.LocalAppState().application_token), std::string::npos);
  }
  EXPECT_TRUE(CallJson(service, call_id).is_null()) << "a refused event stored a call";
  auto metrics = service.Client().Get("/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_NE(metrics->body.find("reason=\"token_mismatch\""), std::string::npos);
  EXPECT_NE(metrics->body.find("reason=\"token_missing\""), std::string::npos);
}

TEST_F(LocalAppE2eTest, TheAccessTokenIsRefreshedBeforeItExpiresAndTheNewOneIsUsed) {
  // An access token that is always inside the refresh margin (5 minutes): every use refreshes
  // first, so the portal never sees an expired one.
  portal_.SetAccessTokenTtl(std::chrono::seconds(120));
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  const std::string installed_token = portal_.LocalAppState().access_token;

  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  EXPECT_EQ(portal_.AnnounceCallEndToApp(call_id), std::vector<int>{200});
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();

  int refreshes = 0;
  for (const auto& request : portal_.Requests()) {
    if (request.method == "oauth.token") {
      ++refreshes;
      EXPECT_EQ(request.status, 200);
      EXPECT_EQ(request.http_method, "POST");
      EXPECT_EQ(request.params.value("grant_type", ""), "refresh_token");
      EXPECT_EQ(request.params.value("client_id", ""), app_.client_id);
    } else if (IsRest(request)) {
      EXPECT_NE(request.status, 401) << request.method << " got an authorization error";
    }
  }
  EXPECT_GE(refreshes, 1);
  const auto state = portal_.LocalAppState();
  EXPECT_NE(state.access_token, installed_token);
  // Info lines reach the log within a second.
  std::string log = service.Log();
  for (int i = 0;
       i < 50 && log.find("Refreshed the Bitrix24 application's tokens") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = service.Log();
  }
  EXPECT_NE(log.find("Refreshed the Bitrix24 application's tokens"), std::string::npos) << log;
  for (const std::string& secret : {state.access_token, state.refresh_token, installed_token}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the log: " << secret;
    EXPECT_EQ(DatabaseBytes(service).find(secret), std::string::npos) << secret;
  }
}

TEST_F(LocalAppE2eTest, AnAccessTokenThePortalCallsExpiredIsRefreshedAndTheCallRepeated) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  portal_.ExpireAccessToken();  // callbrief still believes it has most of an hour.
  portal_.ClearRequests();

  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  EXPECT_EQ(portal_.AnnounceCallEndToApp(call_id), std::vector<int>{200});
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();

  // The first call met expired_token, one refresh followed, and the same method succeeded.
  const auto requests = portal_.Requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].status, 401);
  EXPECT_EQ(requests[1].method, "oauth.token");
  EXPECT_EQ(requests[1].status, 200);
  EXPECT_EQ(requests[2].method, requests[0].method);
  EXPECT_EQ(requests[2].status, 200);
  EXPECT_EQ(requests[2].params.value("auth", ""), portal_.LocalAppState().access_token);
}

TEST_F(LocalAppE2eTest, UninstallRemovesTheTokensAndTheStatusSaysSo) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  const std::string application_token = portal_.LocalAppState().application_token;

  auto status = service.Client().Get("/api/status");
  ASSERT_TRUE(status && status->status == 200);
  EXPECT_NE(status->body.find("mode: local application, installed on " + portal_.Domain()),
            std::string::npos)
      << status->body;

  // A forged uninstall (no token, wrong token) changes nothing.
  const std::string events = PublicUrl() + "/api/bitrix-app/events";
  for (const char* token : {"", "forged-token-0000"}) {
    auto forged = fakes::PostEventForm(
        events,
        fakes::EventFormBody("ONAPPUNINSTALL", {{"CLEAN", "1"}},
                             {{"member_id", portal_.MemberId()}, {"application_token", token}}));
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, 401) << forged->body;
  }
  ASSERT_TRUE(portal_.LocalAppState().installed);

  EXPECT_EQ(portal_.UninstallLocalApp(), std::vector<int>{200}) << service.Log();
  // The portal's own events are refused now: the application_token went with the installation.
  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  auto late = fakes::PostCallEnd(PublicUrl() + "/api/bitrix-webhook/call-finished",
                                 *portal_.FindCall(call_id), application_token);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 401);

  ASSERT_TRUE(service.Terminate().has_value());
  ASSERT_EQ(service.RunToExit({"doctor"}), ExitedWith(1)) << service.Log();
  EXPECT_NE(service.Stdout().find("mode: local application, not installed yet"), std::string::npos)
      << service.Stdout();
  EXPECT_EQ(DatabaseBytes(service).find(application_token), std::string::npos);
}

TEST_F(LocalAppE2eTest, AStrangerCannotInstallOrReplaceTheInstalledApplication) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  // From another portal: refused before anything is called.
  EXPECT_EQ(portal_.InstallLocalApp(InstallUrl(), "https://evil.example.com/rest/"), 403);
  // Made-up tokens for the right portal: the portal does not confirm them.
  auto forged = [&](const std::string& member_id) {
    return fakes::PostEventForm(
        InstallUrl(), fakes::EventFormBody("ONAPPINSTALL", {{"VERSION", "1"}},
                                           {{"domain", portal_.Domain()},
                                            {"access_token", "made-up-access-token-0001"},
                                            {"refresh_token", "made-up-refresh-token-0001"},
                                            {"client_endpoint", portal_.BaseUrl() + "/rest/"},
                                            {"member_id", member_id},
                                            {"application_token", "made-up-application-token-1"}}));
  };
  auto stranger = forged(portal_.MemberId());
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->status, 403) << stranger->body;

  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  auto other_member = forged("ffffffffffffffffffffffffffffffff");
  ASSERT_TRUE(other_member);
  EXPECT_EQ(other_member->status, 409) << other_member->body;

  // Bodies of any shape are answered, none crashes the service.
  httplib::Client client = service.Client();
  for (const std::string& body :
       {std::string("{"), std::string("[1,2,3]"), std::string(5000, '['),
        std::string("event=ONAPPINSTALL&auth=string"), std::string("auth[access_token][]=1"),
        std::string("event=ONAPPINSTALL&auth[access_token]=a%00b&auth[refresh_token]=x"),
        std::string("\xff\xfe\x00", 3)}) {
    for (const char* type : {"application/json", "application/x-www-form-urlencoded"}) {
      auto res = client.Post("/api/bitrix-app/install", body, type);
      ASSERT_TRUE(res) << "no answer to " << body.substr(0, 40);
      EXPECT_EQ(res->status, 400) << body.substr(0, 40) << " → " << res->body;
    }
  }
  // The real installation still works: its events are accepted.
  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  EXPECT_EQ(portal_.AnnounceCallEndToApp(call_id), std::vector<int>{200}) << service.Log();
}

TEST_F(LocalAppE2eTest, TheEventsCommandListsUnbindsAndBindsTheHandlers) {
  ServiceProcess service(AppEnv());
  ASSERT_TRUE(service.Start());
  ASSERT_EQ(portal_.InstallLocalApp(InstallUrl()), 200) << service.Log();
  ASSERT_TRUE(service.Terminate().has_value());  // The commands run beside the stored installation.

  ASSERT_EQ(service.RunToExit({"bitrix", "events"}), ExitedWith(0)) << service.Log();
  EXPECT_NE(service.Stdout().find("ONVOXIMPLANTCALLEND      " + PublicUrl() +
                                  "/api/bitrix-webhook/call-finished  (callbrief)"),
            std::string::npos)
      << service.Stdout();

  ASSERT_EQ(service.RunToExit({"bitrix", "events", "unbind"}), ExitedWith(0)) << service.Log();
  EXPECT_NE(service.Stdout().find("unbound 2 handler(s)"), std::string::npos) << service.Stdout();
  EXPECT_TRUE(portal_.LocalAppState().handlers.empty());

  ASSERT_EQ(service.RunToExit({"bitrix", "events", "bind"}), ExitedWith(0)) << service.Log();
  EXPECT_NE(service.Stdout().find("bound ONVOXIMPLANTCALLEND -> " + PublicUrl()), std::string::npos)
      << service.Stdout();
  EXPECT_EQ(portal_.LocalAppState().handlers.size(), 2u);
  for (const auto& request : portal_.Requests()) {
    if (request.method.starts_with("event.")) {
      EXPECT_FALSE(request.params.value("auth", "").empty()) << request.method;
    }
  }
}

TEST_F(LocalAppE2eTest, TheEventsCommandSaysItNeedsTheLocalApplicationMode) {
  ServiceProcess service(Env());
  EXPECT_EQ(service.RunToExit({"bitrix", "events"}), ExitedWith(2));
  EXPECT_NE(service.Stderr().find("local application mode only"), std::string::npos)
      << service.Stderr();
}

}  // namespace
}  // namespace callbrief::testing
