#include "bitrix/app_auth.h"

#include <gtest/gtest.h>

#include "bitrix/rest_client.h"
#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const core::TimePoint kT0 = core::FromUnixMillis(1773239326000);

AppTokens Issued(core::TimePoint at, std::chrono::seconds lifetime = hours(1)) {
  return {.access_token = "a",
          .refresh_token = "r",
          .member_id = "m",
          .expires_at = at + lifetime,
          .refreshed_at = at};
}

TEST(RefreshScheduleTest, AnAccessTokenIsRefreshedForUseFromFiveMinutesBeforeItExpires) {
  const AppTokens tokens = Issued(kT0);
  struct Case {
    std::chrono::seconds after_issue;
    bool refresh;
  } cases[] = {{seconds(0), false}, {minutes(54), false}, {minutes(55) - seconds(1), false},
               {minutes(55), true}, {minutes(59), true},  {hours(2), true}};
  for (const Case& c : cases) {
    EXPECT_EQ(NeedsRefreshForUse(tokens, kT0 + c.after_issue), c.refresh)
        << c.after_issue.count() << " s after issue";
  }
}

TEST(RefreshScheduleTest, APairIsKeptAliveAfterThirtyDaysNotSooner) {
  const AppTokens tokens = Issued(kT0);
  EXPECT_FALSE(NeedsKeepAliveRefresh(tokens, kT0 + hours(1)));
  EXPECT_FALSE(NeedsKeepAliveRefresh(tokens, kT0 + hours(24 * 30) - seconds(1)));
  EXPECT_TRUE(NeedsKeepAliveRefresh(tokens, kT0 + hours(24 * 30)));
  EXPECT_TRUE(NeedsKeepAliveRefresh(tokens, kT0 + hours(24 * 179)));
}

TEST(ParseTokenReplyTest, ReadsTheDocumentedReply) {
  // settings/oauth/auto-renewal.md.
  auto reply = ParseTokenReply(nlohmann::json::parse(R"({
      "access_token": "ydtj8pho532wydb5ixk78ol7uqlb7sch",
      "client_endpoint": "https://account.bitrix24.com/rest/", "domain": "oauth.bitrix.info",
      "expires_in": 3600, "member_id": "a223c6b3710f85df22e9377d6c4f7553",
      "refresh_token": "3s6lr4kr3cv2od4v853gvrchb875bwxb", "scope": "app",
      "server_endpoint": "https://oauth.bitrix.info/rest/", "status": "T"})"),
                               kT0);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->tokens.access_token, "ydtj8pho532wydb5ixk78ol7uqlb7sch");
  EXPECT_EQ(reply->tokens.refresh_token, "3s6lr4kr3cv2od4v853gvrchb875bwxb");
  EXPECT_EQ(reply->tokens.member_id, "a223c6b3710f85df22e9377d6c4f7553");
  EXPECT_EQ(reply->tokens.expires_at, kT0 + hours(1));
  EXPECT_EQ(reply->client_endpoint, "https://account.bitrix24.com/rest/");
  for (const char* bad : {"null", "[]", R"({"access_token":"a"})", R"({"refresh_token":"r"})"}) {
    EXPECT_FALSE(ParseTokenReply(nlohmann::json::parse(bad), kT0).ok()) << bad;
  }
}

TEST(RefreshAppTokensTest, RefusalsSayWhatToFixAndNeverShowASecret) {
  const OAuthSettings settings{.token_url = "https://oauth.bitrix.info/oauth/token/",
                               .client_id = "local.1",
                               .client_secret = "client-secret-value"};
  struct Case {
    int status;
    const char* body;
    ErrorKind kind;
    const char* says;
  } cases[] = {
      {400, R"({"error":"invalid_grant"})", ErrorKind::kConfig, "install the application"},
      {400, R"({"error":"invalid_client"})", ErrorKind::kConfig, "BITRIX24_CLIENT_SECRET"},
      {200, R"({"error":"PAYMENT_REQUIRED"})", ErrorKind::kConfig, "plan"},
      {502, "<html>Bad gateway</html>", ErrorKind::kTransient, "HTTP 502"},
  };
  for (const Case& c : cases) {
    FakeHttpClient http;
    http.Reply(c.status, c.body);
    auto refreshed = RefreshAppTokens(http, settings, "refresh-token-value", kT0);
    ASSERT_FALSE(refreshed.ok()) << c.body;
    EXPECT_EQ(refreshed.error().kind, c.kind) << c.body;
    EXPECT_NE(refreshed.error().message.find(c.says), std::string::npos)
        << refreshed.error().message;
    for (const char* secret : {"client-secret-value", "refresh-token-value"}) {
      EXPECT_EQ(refreshed.error().message.find(secret), std::string::npos);
      EXPECT_EQ(http.requests().at(0).url.find(secret), std::string::npos);
    }
  }
}

// An AppAuth whose first token has expired on the portal.
class TwoTokens final : public AppAuth {
 public:
  core::Result<Grant> Current() override { return Grant{"https://acme.bitrix24.ru/rest/", "old"}; }
  core::Result<Grant> Renew(std::string_view rejected) override {
    renewed.emplace_back(rejected);
    return Grant{"https://acme.bitrix24.ru/rest/", "new"};
  }
  std::vector<std::string> renewed;
};

TEST(AppRestClientTest, CallsWithTheAccessTokenAndRepeatsOnceWithARenewedOne) {
  FakeHttpClient http;
  TwoTokens tokens;
  auto client = MakeRestClient(http, nullptr, {.app = &tokens});
  http.Reply(
      401,
      R"({"error":"expired_token","error_description":"The access token provided has expired."})");
  http.Reply(200, R"({"result":true})");
  auto reply = client->Call("event.bind", {{"event", "ONVOXIMPLANTCALLEND"}});
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(tokens.renewed, std::vector<std::string>{"old"});
  const auto sent = http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].url, "https://acme.bitrix24.ru/rest/event.bind.json");
  EXPECT_EQ(nlohmann::json::parse(sent[0].body)["auth"], "old");
  EXPECT_EQ(nlohmann::json::parse(sent[1].body)["auth"], "new");
  EXPECT_EQ(nlohmann::json::parse(sent[1].body)["event"], "ONVOXIMPLANTCALLEND");
}

TEST(AppRestClientTest, ARefusedTokenSaysToReinstallNotToFixTheWebhook) {
  FakeHttpClient http;
  TwoTokens tokens;
  auto client = MakeRestClient(http, nullptr, {.app = &tokens});
  http.Reply(401, R"({"error":"expired_token"})");
  http.Reply(401, R"({"error":"expired_token"})");
  auto reply = client->Call("profile", nlohmann::json::object());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().kind, ErrorKind::kConfig);
  EXPECT_NE(reply.error().message.find("install it again"), std::string::npos);
  EXPECT_EQ(reply.error().message.find("BITRIX24_WEBHOOK_URL"), std::string::npos);
  EXPECT_EQ(http.requests().size(), 2u) << "one renewal, not a loop";
}

}  // namespace
}  // namespace callbrief::bitrix
