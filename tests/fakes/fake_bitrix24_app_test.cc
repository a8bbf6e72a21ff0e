// The local application side of the emulated portal: what an application's REST calls, its
// token refresh and its event handlers meet (sources cited in fake_bitrix24_app.cc and
// app_methods.cc).

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using nlohmann::json;

class FakeBitrix24AppTest : public FakeBitrix24Test {
 protected:
  void SetUp() override {
    FakeBitrix24Test::SetUp();
    app_ = portal_.CreateLocalApp();
    // Nothing listens there: the installation happens, its post goes nowhere.
    portal_.InstallLocalApp("http://127.0.0.1:1/install");
  }

  Reply AppCall(std::string_view method, json params, const std::string& token) {
    params["auth"] = token;
    return ToReply(
        Client().Post("/rest/" + std::string(method) + ".json", params.dump(), "application/json"));
  }
  Reply Refresh(const std::string& refresh_token, const std::string& secret) {
    return ToReply(Client().Post("/oauth/token/",
                                 "grant_type=refresh_token&client_id=" + app_.client_id +
                                     "&client_secret=" + secret + "&refresh_token=" + refresh_token,
                                 "application/x-www-form-urlencoded"));
  }

  FakeBitrix24::AppCredentials app_;
};

TEST_F(FakeBitrix24AppTest, TheApplicationCallsWithItsAccessTokenAndGetsTheSameMethods) {
  const auto state = portal_.LocalAppState();
  ASSERT_TRUE(state.installed);
  Reply profile = AppCall("profile", json::object(), state.access_token);
  EXPECT_EQ(profile.status, 200) << profile.body.dump();
  Reply info = AppCall("app.info", json::object(), state.access_token);
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(info.body["result"]["STATUS"], "L");
  EXPECT_EQ(info.body["result"]["CODE"], app_.client_id);
}

TEST_F(FakeBitrix24AppTest, AMissingUnknownOrExpiredTokenIsRefused) {
  const auto state = portal_.LocalAppState();
  Reply none = ToReply(Client().Post("/rest/profile.json", "{}", "application/json"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["error"], "NO_AUTH_FOUND");
  EXPECT_EQ(AppCall("profile", json::object(), "not-a-token").body["error"], "invalid_token");
  clock_.Advance(std::chrono::hours(1));
  Reply expired = AppCall("profile", json::object(), state.access_token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body["error"], "expired_token");
}

TEST_F(FakeBitrix24AppTest, ARefreshIssuesANewPairAndSpendsTheOldRefreshToken) {
  const auto before = portal_.LocalAppState();
  EXPECT_EQ(Refresh(before.refresh_token, "wrong-secret").body["error"], "invalid_client");
  Reply refreshed = Refresh(before.refresh_token, app_.client_secret);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body.dump();
  EXPECT_EQ(refreshed.body["expires_in"], 3600);
  EXPECT_EQ(refreshed.body["member_id"], portal_.MemberId());
  EXPECT_EQ(refreshed.body["client_endpoint"], portal_.BaseUrl() + "/rest/");
  const std::string access = refreshed.body["access_token"];
  EXPECT_NE(access, before.access_token);
  EXPECT_EQ(AppCall("profile", json::object(), access).status, 200);
  EXPECT_EQ(AppCall("profile", json::object(), before.access_token).status, 401);
  EXPECT_EQ(Refresh(before.refresh_token, app_.client_secret).body["error"], "invalid_grant");
}

TEST_F(FakeBitrix24AppTest, EventBindGetAndUnbindWorkForTheApplicationOnly) {
  const std::string token = portal_.LocalAppState().access_token;
  EXPECT_EQ(Call("event.bind", {{"event", "ONVOXIMPLANTCALLEND"}, {"handler", "https://x/h"}})
                .body["error"],
            "ACCESS_DENIED")
      << "a webhook has no application context";
  EXPECT_EQ(AppCall("event.bind", {{"event", "ONNOSUCHEVENT"}, {"handler", "https://x/h"}}, token)
                .body["error"],
            "ERROR_EVENT_NOT_FOUND");
  Reply bound =
      AppCall("event.bind", {{"event", "onvoximplantcallend"}, {"handler", "https://x/h"}}, token);
  ASSERT_EQ(bound.status, 200);
  EXPECT_EQ(bound.body["result"], true);
  Reply listed = AppCall("event.get", json::object(), token);
  ASSERT_EQ(listed.body["result"].size(), 1u);
  EXPECT_EQ(listed.body["result"][0]["event"], "ONVOXIMPLANTCALLEND");
  EXPECT_EQ(listed.body["result"][0]["handler"], "https://x/h");
  EXPECT_EQ(listed.body["result"][0]["auth_type"], "0");
  Reply removed = AppCall("event.unbind",
                          {{"event", "ONVOXIMPLANTCALLEND"}, {"handler", "https://x/h"}}, token);
  EXPECT_EQ(removed.body["result"]["count"], 1);
  EXPECT_TRUE(AppCall("event.get", json::object(), token).body["result"].empty());
}

TEST_F(FakeBitrix24AppTest, UninstallingEndsTheTokens) {
  const auto state = portal_.LocalAppState();
  portal_.UninstallLocalApp();
  EXPECT_FALSE(portal_.LocalAppState().installed);
  EXPECT_EQ(AppCall("profile", json::object(), state.access_token).status, 401);
  EXPECT_EQ(Refresh(state.refresh_token, app_.client_secret).body["error"], "invalid_grant");
}

}  // namespace
}  // namespace callbrief::fakes::testing
