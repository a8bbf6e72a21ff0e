#include "app/local_app.h"

#include <gtest/gtest.h>

#include "core/php_form.h"
#include "net/fake_http_client.h"
#include "testing/manual_clock.h"
#include "testing/temp_dir.h"

namespace callbrief::app {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;
using nlohmann::json;

constexpr const char* kPortal = "https://acme.bitrix24.ru";
constexpr const char* kOAuth = "https://oauth.bitrix.info/oauth/token/";

std::string InstallBody(std::string_view member_id = "a223c6b3710f85df22e9377d6c4f7553",
                        std::string_view endpoint = "https://acme.bitrix24.ru/rest/") {
  return core::EncodePhpForm({{"event", "ONAPPINSTALL"},
                              {"auth",
                               {{"access_token", "access-1"},
                                {"refresh_token", "refresh-1"},
                                {"application_token", "apptoken-1"},
                                {"expires_in", "3600"},
                                {"member_id", member_id},
                                {"domain", "acme.bitrix24.ru"},
                                {"client_endpoint", endpoint}}}});
}

// The service's REST client as the install sees it: records the methods, answers event.get with
// nothing bound and everything else with true.
class RecordingRest final : public bitrix::RestClient {
 public:
  core::Result<bitrix::RestResponse> Call(std::string_view method, const json&) override {
    methods.emplace_back(method);
    if (method == "event.get") return bitrix::RestResponse{json::array(), {}, {}};
    return bitrix::RestResponse{true, {}, {}};
  }
  std::vector<std::string> methods;
};

class LocalAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::OpenStore("sqlite://" + dir_.File("test.db"), /*migrate=*/true);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    TokenCipher::Key key;
    key.fill(3);
    app_ = std::make_unique<LocalApp>(
        *store_, TokenCipher(key), http_, nullptr,
        LocalApp::Options{
            .portal_url = kPortal,
            .public_url = "https://calls.example.com",
            .oauth = {.token_url = kOAuth, .client_id = "local.1", .client_secret = "secret-xyz"}},
        clock_);
  }

  AppAnswer Install(const std::string& body) {
    return app_->Install("application/x-www-form-urlencoded", body, rest_);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::CallStore> store_;
  FakeHttpClient http_;
  testing::ManualClock clock_;
  RecordingRest rest_;
  std::unique_ptr<LocalApp> app_;
};

TEST_F(LocalAppTest, InstallChecksThePostedTokenWithThePortalStoresItSealedAndBinds) {
  http_.Reply(200, R"({"result":{"ID":7,"STATUS":"L","INSTALLED":true}})");  // app.info
  AppAnswer answer = Install(InstallBody());
  ASSERT_EQ(answer.status, 200) << answer.body.dump();
  const auto sent = http_.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://acme.bitrix24.ru/rest/app.info.json");
  EXPECT_EQ(json::parse(sent[0].body)["auth"], "access-1");
  EXPECT_EQ(rest_.methods, (std::vector<std::string>{"event.get", "event.bind", "event.bind"}));

  auto stored = store_->GetSetting("bitrix_app.installation");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  for (const char* secret : {"access-1", "refresh-1", "apptoken-1"}) {
    EXPECT_EQ((*stored)->find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kAccepted);
  EXPECT_EQ(app_->CheckEventToken("apptoken-2"), LocalApp::TokenVerdict::kMismatch);
  EXPECT_EQ(app_->CheckEventToken(""), LocalApp::TokenVerdict::kMissing);
}

TEST_F(LocalAppTest, BeforeAnInstallationNoEventTokenIsAcceptedAndRestCallsSayHowToInstall) {
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kNotInstalled);
  auto grant = app_->Current();
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.error().kind, ErrorKind::kConfig);
  EXPECT_NE(grant.error().message.find("/api/bitrix-app/install"), std::string::npos);
}

TEST_F(LocalAppTest, RefusesInstallsFromAnotherPortalOrWithTokensThePortalDoesNotKnow) {
  EXPECT_EQ(Install(InstallBody("m1", "https://evil.example.com/rest/")).status, 403);
  EXPECT_TRUE(http_.requests().empty()) << "another portal is never called";
  http_.Reply(401, R"({"error":"invalid_token","error_description":"invalid"})");
  AppAnswer answer = Install(InstallBody());
  EXPECT_EQ(answer.status, 403);
  EXPECT_EQ(answer.refusal, "token_rejected");
  EXPECT_EQ(answer.body.dump().find("access-1"), std::string::npos);
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kNotInstalled);
}

TEST_F(LocalAppTest, AtMostTenInstallsAMinuteMayAskThePortal) {
  for (int i = 0; i < 10; ++i) {
    http_.Reply(401, R"({"error":"invalid_token"})");
    EXPECT_EQ(Install(InstallBody()).status, 403) << i;
  }
  AppAnswer throttled = Install(InstallBody());
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.refusal, "install_throttled");
  EXPECT_EQ(http_.requests().size(), 10u);
  clock_.Advance(std::chrono::minutes(1));
  http_.Reply(200, R"({"result":{"ID":7}})");
  EXPECT_EQ(Install(InstallBody()).status, 200);
}

TEST_F(LocalAppTest, AnotherAccountCannotReplaceTheInstallation) {
  http_.Reply(200, R"({"result":{"ID":7}})");
  ASSERT_EQ(Install(InstallBody()).status, 200);
  AppAnswer answer = Install(InstallBody("ffffffffffffffffffffffffffffffff"));
  EXPECT_EQ(answer.status, 409);
  EXPECT_EQ(http_.requests().size(), 1u) << "refused before the portal is asked";
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kAccepted);
}

TEST_F(LocalAppTest, TheAccessTokenIsUsedUntilFiveMinutesBeforeItExpiresThenRefreshed) {
  http_.Reply(200, R"({"result":{"ID":7}})");
  ASSERT_EQ(Install(InstallBody()).status, 200);
  clock_.Advance(std::chrono::minutes(54));
  auto grant = app_->Current();
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(grant->access_token, "access-1");
  EXPECT_EQ(grant->rest_endpoint, "https://acme.bitrix24.ru/rest/");
  EXPECT_EQ(http_.requests().size(), 1u) << "no refresh yet";

  clock_.Advance(std::chrono::minutes(2));  // 4 minutes left: inside the margin.
  http_.Reply(200, R"({"access_token":"access-2","refresh_token":"refresh-2","expires_in":3600,
                       "member_id":"a223c6b3710f85df22e9377d6c4f7553",
                       "client_endpoint":"https://acme.bitrix24.ru/rest/"})");
  grant = app_->Current();
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_EQ(grant->access_token, "access-2");
  const auto refresh = http_.requests().back();
  EXPECT_EQ(refresh.url, kOAuth) << "the secret goes in the body, not the URL";
  EXPECT_EQ(refresh.method, "POST");
  auto form = core::DecodePhpForm(refresh.body);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ((*form)["grant_type"], "refresh_token");
  EXPECT_EQ((*form)["refresh_token"], "refresh-1");
  EXPECT_EQ((*form)["client_id"], "local.1");
  EXPECT_EQ((*form)["client_secret"], "secret-xyz");

  // The new pair is what is stored and what the next use gets, without another refresh.
  EXPECT_EQ(app_->Current()->access_token, "access-2");
  EXPECT_EQ(http_.requests().size(), 2u);
}

TEST_F(LocalAppTest, AnExpiredTokenIsRenewedOnceAndARefusedRefreshSaysToReinstall) {
  http_.Reply(200, R"({"result":{"ID":7}})");
  ASSERT_EQ(Install(InstallBody()).status, 200);
  http_.Reply(400, R"({"error":"invalid_grant","error_description":"Invalid refresh token"})");
  auto renewed = app_->Renew("access-1");
  ASSERT_FALSE(renewed.ok());
  EXPECT_EQ(renewed.error().kind, ErrorKind::kConfig);
  EXPECT_NE(renewed.error().message.find("install the application"), std::string::npos);
  EXPECT_EQ(renewed.error().message.find("refresh-1"), std::string::npos);
  EXPECT_EQ(renewed.error().message.find("secret-xyz"), std::string::npos);
}

TEST_F(LocalAppTest, KeepAliveRefreshesOnlyAPairOlderThanThirtyDays) {
  http_.Reply(200, R"({"result":{"ID":7}})");
  ASSERT_EQ(Install(InstallBody()).status, 200);
  clock_.Advance(std::chrono::hours(24 * 29));
  ASSERT_TRUE(app_->KeepAlive().ok());
  EXPECT_EQ(http_.requests().size(), 1u);
  clock_.Advance(std::chrono::hours(24));
  http_.Reply(200, R"({"access_token":"access-3","refresh_token":"refresh-3","expires_in":3600})");
  ASSERT_TRUE(app_->KeepAlive().ok());
  EXPECT_EQ(http_.requests().size(), 2u);
  EXPECT_EQ(app_->Current()->access_token, "access-3");
}

TEST_F(LocalAppTest, UninstallNeedsTheApplicationTokenAndRemovesTheTokens) {
  http_.Reply(200, R"({"result":{"ID":7}})");
  ASSERT_EQ(Install(InstallBody()).status, 200);
  auto uninstall = [&](std::string_view token) {
    return app_->Event("application/x-www-form-urlencoded",
                       core::EncodePhpForm({{"event", "ONAPPUNINSTALL"},
                                            {"auth", {{"application_token", token}}}}));
  };
  EXPECT_EQ(uninstall("wrong").status, 401);
  EXPECT_EQ(uninstall("").status, 401);
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kAccepted);
  EXPECT_EQ(uninstall("apptoken-1").status, 200);
  EXPECT_EQ(app_->CheckEventToken("apptoken-1"), LocalApp::TokenVerdict::kNotInstalled);
  auto described = app_->Describe();
  ASSERT_TRUE(described.ok());
  EXPECT_FALSE(described->installed);
}

TEST(ParseInstallEventTest, RefusesEveryShapeWithoutTheTokens) {
  for (std::string_view body :
       {"", "{}", "[]", "event=ONAPPINSTALL", "event=ONAPPINSTALL&auth=x",
        "event=ONAPPINSTALL&auth[access_token]=a&auth[refresh_token]=b",
        "event=ONAPPINSTALL&auth[access_token]=a b&auth[refresh_token]=b&"
        "auth[application_token]=c&auth[member_id]=m&auth[domain]=d",
        "event=ONAPPINSTALL&auth[access_token][]=a&auth[refresh_token]=b&"
        "auth[application_token]=c&auth[member_id]=m&auth[domain]=d",
        "event=ONAPPINSTALL&auth[access_token]=a&auth[refresh_token]=b&"
        "auth[application_token]=c&auth[member_id]=m&auth[domain]=evil.com/x"}) {
    auto parsed = ParseInstallEvent("application/x-www-form-urlencoded", body);
    EXPECT_FALSE(parsed.ok()) << body;
  }
}

TEST(ParseInstallEventTest, DerivesTheEndpointFromTheDomainWhenTheEventHasNone) {
  auto parsed =
      ParseInstallEvent("application/json",
                        R"({"event":"onappinstall","auth":{"access_token":"a","refresh_token":"b",
          "application_token":"c","member_id":"m","domain":"Acme.Bitrix24.ru","expires_in":"60"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->event, "ONAPPINSTALL");
  EXPECT_EQ(parsed->client_endpoint, "https://acme.bitrix24.ru/rest/");
  EXPECT_EQ(parsed->expires_in, std::chrono::seconds(60));
}

}  // namespace
}  // namespace callbrief::app
