#include "bitrix/portal_check.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

class PortalCheckTest : public ::testing::Test {
 protected:
  net::testing::FakeHttpClient http_;
  std::unique_ptr<RestClient> client_ =
      MakeRestClient(http_, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
};

TEST_F(PortalCheckTest, AnAdministratorWithEveryScopeHasNoProblems) {
  http_.Reply(200, R"({"result":{"ID":"1","ADMIN":true,"NAME":"Anna","LAST_NAME":"Ivanova"}})");
  http_.Reply(200, R"({"result":["crm","telephony","disk","user","im"]})");
  http_.Reply(200, R"({"result":[]})");
  auto check = CheckPortal(*client_);
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_EQ(check->user_name, "Anna Ivanova");
  EXPECT_TRUE(check->admin);
  EXPECT_TRUE(check->Problems().empty());
}

TEST_F(PortalCheckTest, SaysWhatToFixForAPlainUserWithMissingScopes) {
  http_.Reply(200, R"({"result":{"ID":"7","ADMIN":false,"NAME":"Oleg"}})");
  http_.Reply(200, R"({"result":["crm","user_brief"]})");
  http_.Reply(403, R"({"error":"insufficient_scope"})");
  auto check = CheckPortal(*client_);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->missing_scopes, (std::vector<std::string>{"telephony", "disk"}));
  auto problems = check->Problems();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("Oleg, who is not a portal administrator"), std::string::npos);
  EXPECT_NE(problems[1].find("\"telephony\" scope"), std::string::npos);
  EXPECT_NE(problems[3].find("cannot be read"), std::string::npos);
}

TEST_F(PortalCheckTest, TheTaskScopeIsRequiredOnlyWhenAskedFor) {
  for (bool tasks : {false, true}) {
    http_.Reply(200, R"({"result":{"ID":"1","ADMIN":true,"NAME":"Anna"}})");
    http_.Reply(200, R"({"result":["crm","telephony","disk","user"]})");
    http_.Reply(200, R"({"result":[]})");
    std::vector<std::string> required = kRequiredScopes;
    if (tasks) required.push_back(kTaskScope);
    auto check = CheckPortal(*client_, required);
    ASSERT_TRUE(check.ok()) << check.error().message;
    if (!tasks) {
      EXPECT_TRUE(check->Problems().empty());
      continue;
    }
    EXPECT_EQ(check->missing_scopes, std::vector<std::string>{"task"});
    ASSERT_EQ(check->Problems().size(), 1u);
    EXPECT_NE(check->Problems()[0].find("\"task\" scope, which BITRIX24_CREATE_TASKS needs"),
              std::string::npos)
        << check->Problems()[0];
  }
}

TEST_F(PortalCheckTest, AWrongWebhookCodeIsAnErrorNotAReport) {
  http_.Reply(401, R"({"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"})");
  auto check = CheckPortal(*client_);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().kind, core::ErrorKind::kConfig);
}

}  // namespace
}  // namespace callbrief::bitrix
