// The REST surface of the emulated portal: URLs, authentication, parameters, the envelope,
// scopes, users, profile and the request log.

#include "fakes/fake_bitrix24.h"

#include <regex>

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

TEST_F(FakeBitrix24Test, WebhookUrlNamesUserAndCodeOnLoopback) {
  EXPECT_EQ(portal_.WebhookUrl(),
            "http://127.0.0.1:" + std::to_string(portal_.port()) + "/rest/1/t3stc0de/");
  EXPECT_EQ(portal_.Domain(), "127.0.0.1:" + std::to_string(portal_.port()));
  EXPECT_TRUE(std::regex_match(portal_.MemberId(), std::regex("[0-9a-f]{32}")));
}

TEST(FakeBitrix24Code, IsRandomWhenNotGiven) {
  FakeBitrix24 portal;
  ASSERT_TRUE(portal.Start().ok());
  EXPECT_TRUE(std::regex_match(portal.WebhookUrl(),
                               std::regex(R"(http://127\.0\.0\.1:\d+/rest/1/[a-z0-9]{16}/)")));
}

// Ids and tokens differ between portals: a test that looks for a token in the database must not
// find the member_id that happens to be the same string (it did, when a miscompiled generator made
// every hex id zeros).
TEST(FakeBitrix24Code, TwoPortalsHaveDifferentMemberIds) {
  FakeBitrix24 first;
  FakeBitrix24 second;
  EXPECT_NE(first.MemberId(), second.MemberId());
  EXPECT_TRUE(std::regex_search(first.MemberId(), std::regex("[1-9a-f]"))) << first.MemberId();
}

TEST_F(FakeBitrix24Test, AnswersPostWithJsonBody) {
  Reply reply = Call("profile");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["result"]["ID"], "1");
}

TEST_F(FakeBitrix24Test, ACloudPortalRefusesPlainHttp) {
  portal_.SetCloud(true);
  Reply reply = Call("profile");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body,
            json::parse(R"({"error":"INVALID_REQUEST","error_description":"Https required"})"));
}

TEST_F(FakeBitrix24Test, AnswersGet) { EXPECT_EQ(Get("profile").status, 200); }

TEST_F(FakeBitrix24Test, MethodNameMayEndInDotJson) {
  EXPECT_EQ(Call("profile.json").status, 200);
  EXPECT_EQ(Call("profile.json").body["result"]["ID"], "1");
}

TEST_F(FakeBitrix24Test, MethodNamesIgnoreCase) {
  EXPECT_EQ(Call("VoxImplant.Statistic.Get").status, 200);
}

TEST_F(FakeBitrix24Test, ReadsPhpStyleQueryString) {
  Reply reply = Get("user.get", "FILTER%5BID%5D=7");
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body["result"].size(), 1u);
  EXPECT_EQ(reply.body["result"][0]["ID"], "7");
}

TEST_F(FakeBitrix24Test, ReadsRawBracketsInQueryString) {
  Reply reply = Get("user.get", "FILTER[ID]=7");
  ASSERT_EQ(reply.body["result"].size(), 1u);
}

TEST_F(FakeBitrix24Test, ReadsFormEncodedBody) {
  Reply reply = PostForm("user.get", "FILTER%5BID%5D=7");
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body["result"].size(), 1u);
  EXPECT_EQ(reply.body["result"][0]["ID"], "7");
}

TEST_F(FakeBitrix24Test, ReadsMultipartBody) {
  httplib::MultipartFormDataItems items = {{"FILTER[ID]", "7", "", ""}};
  Reply reply = ToReply(Client().Post(Path("user.get"), items));
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body["result"].size(), 1u);
}

TEST_F(FakeBitrix24Test, BodyOverridesQueryString) {
  Reply reply =
      ToReply(Client().Post(Path("user.get") + "?ID=1", R"({"ID":7})", "application/json"));
  ASSERT_EQ(reply.body["result"].size(), 1u);
  EXPECT_EQ(reply.body["result"][0]["ID"], "7");
}

TEST_F(FakeBitrix24Test, MalformedJsonBodyIsInvalidRequest) {
  Reply reply = ToReply(Client().Post(Path("profile"), "{not json", "application/json"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "INVALID_REQUEST");
}

TEST_F(FakeBitrix24Test, RestNeedsNoUserAgent) {
  Reply reply =
      ToReply(Client().Post(Path("profile"), {{"User-Agent", ""}}, "{}", "application/json"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(portal_.Requests().back().user_agent, "");
}

TEST_F(FakeBitrix24Test, WrongCodeIsNoAuthFound) {
  Reply reply = ToReply(Client().Post("/rest/1/wrong/profile", "{}", "application/json"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body, json::parse(R"({"error":"NO_AUTH_FOUND",
                                        "error_description":"Wrong authorization data"})"));
}

TEST_F(FakeBitrix24Test, WrongUserIsNoAuthFound) {
  Reply reply = ToReply(Client().Post("/rest/7/t3stc0de/profile", "{}", "application/json"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "NO_AUTH_FOUND");
}

TEST_F(FakeBitrix24Test, AuthIsCheckedBeforeTheMethodExists) {
  Reply reply = ToReply(Client().Post("/rest/1/wrong/no.such.method", "{}", "application/json"));
  EXPECT_EQ(reply.status, 401);
}

TEST_F(FakeBitrix24Test, OAuthStylePathIsNoAuthFound) {
  Reply reply = ToReply(Client().Post("/rest/profile", "{}", "application/json"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body["error"], "NO_AUTH_FOUND");
}

TEST_F(FakeBitrix24Test, UnknownMethodIsMethodNotFound) {
  Reply reply = Call("crm.deal.fly");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, json::parse(R"({"error":"ERROR_METHOD_NOT_FOUND",
                                        "error_description":"Method not found!"})"));
}

TEST_F(FakeBitrix24Test, SuccessEnvelopeCarriesTheTimeBlock) {
  Reply reply = Call("profile");
  const json& time = reply.body["time"];
  for (const char* key :
       {"start", "finish", "duration", "processing", "operating_reset_at", "operating"}) {
    EXPECT_TRUE(time[key].is_number()) << key;
  }
  EXPECT_EQ(time["date_start"], "2026-03-11T17:28:46+03:00");  // The manual clock's start.
  EXPECT_TRUE(time["date_finish"].is_string());
}

TEST_F(FakeBitrix24Test, ErrorEnvelopeHasOnlyErrorAndDescription) {
  Reply reply = Call("crm.deal.fly");
  EXPECT_EQ(reply.body.size(), 2u);
  EXPECT_FALSE(reply.body.contains("time"));
}

TEST_F(FakeBitrix24Test, AnswersJsonContentType) {
  auto result = Client().Post(Path("profile"), "{}", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
}

TEST_F(FakeBitrix24Test, ScopeListsTheGrantedScopes) {
  EXPECT_EQ(Call("scope").body["result"], json::parse(R"(["crm","disk","telephony","user"])"));
}

TEST_F(FakeBitrix24Test, MethodOutsideTheGrantedScopesIsInsufficientScope) {
  portal_.SetGrantedScopes({"crm", "telephony"});
  Reply reply = Call("disk.file.get", {{"id", 1}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body["error"], "insufficient_scope");
  EXPECT_EQ(reply.body["error_description"],
            "The request requires higher privileges than provided by the webhook token");
}

TEST_F(FakeBitrix24Test, UserGetWorksWithAnyOfTheUserScopes) {
  portal_.SetGrantedScopes({"user_brief"});
  EXPECT_EQ(Call("user.get", {{"ID", 7}}).status, 200);
  portal_.SetGrantedScopes({"telephony"});
  EXPECT_EQ(Call("user.get", {{"ID", 7}}).status, 403);
}

TEST_F(FakeBitrix24Test, ProfileAndScopeNeedNoScope) {
  portal_.SetGrantedScopes({});
  EXPECT_EQ(Call("profile").status, 200);
  EXPECT_EQ(Call("scope").body["result"], json::array());
}

TEST_F(FakeBitrix24Test, ProfileTellsWhetherTheWebhookUserIsAnAdmin) {
  EXPECT_EQ(Call("profile").body["result"]["ADMIN"], true);
  portal_.SetAdmin(false);
  json profile = Call("profile").body["result"];
  EXPECT_EQ(profile["ADMIN"], false);
  EXPECT_EQ(profile["NAME"], "Иван");
  EXPECT_EQ(profile["LAST_NAME"], "Петров");
}

TEST_F(FakeBitrix24Test, UserGetFiltersById) {
  Reply reply = Call("user.get", {{"FILTER", {{"ID", 7}}}});
  ASSERT_EQ(reply.body["result"].size(), 1u);
  EXPECT_EQ(reply.body["result"][0]["NAME"], "Анна");
  EXPECT_EQ(reply.body["total"], 1);
}

TEST_F(FakeBitrix24Test, UserGetAcceptsTopLevelId) {
  EXPECT_EQ(Call("user.get", {{"ID", "7"}}).body["result"][0]["ID"], "7");
}

TEST_F(FakeBitrix24Test, UserGetRowHasTheDocumentedFields) {
  json user = Call("user.get", {{"ID", 7}}).body["result"][0];
  EXPECT_EQ(user["ACTIVE"], true);
  EXPECT_EQ(user["LAST_NAME"], "Смирнова");
  EXPECT_EQ(user["SECOND_NAME"], "");
  EXPECT_EQ(user["EMAIL"], "anna.smirnova@example.ru");
  EXPECT_EQ(user["WORK_POSITION"], "Менеджер по продажам");
  EXPECT_EQ(user["UF_PHONE_INNER"], "107");
}

TEST_F(FakeBitrix24Test, UserGetOfAnUnknownIdIsAnEmptyList) {
  Reply reply = Call("user.get", {{"FILTER", {{"ID", 999}}}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["result"], json::array());
  EXPECT_EQ(reply.body["total"], 0);
}

TEST_F(FakeBitrix24Test, AddedUsersAreListed) {
  portal_.AddUser({1269, "Пётр", "Иванов", "", "p@example.ru", "Стажёр", "", true});
  json user = Call("user.get", {{"ID", 1269}}).body["result"][0];
  EXPECT_EQ(user["NAME"], "Пётр");
  EXPECT_TRUE(user["UF_PHONE_INNER"].is_null());
}

TEST_F(FakeBitrix24Test, AddCallCreatesAMissingOperatorAsUser) {
  portal_.AddCall(CallBuilder().Operator(42).Build());
  EXPECT_EQ(Call("user.get", {{"ID", 42}}).body["result"].size(), 1u);
}

TEST_F(FakeBitrix24Test, RequestsLogMethodParamsUserAgentAndStatus) {
  httplib::Headers headers = {{"User-Agent", "callbrief/0.1"}};
  Client().Post(Path("user.get.json"), headers, R"({"ID":7})", "application/json");
  std::vector<LoggedRequest> log = portal_.Requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].method, "user.get");
  EXPECT_EQ(log[0].http_method, "POST");
  EXPECT_EQ(log[0].params, json::parse(R"({"ID":7})"));
  EXPECT_EQ(log[0].user_agent, "callbrief/0.1");
  EXPECT_EQ(log[0].content_type, "application/json");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].time, clock_.Now());
}

TEST_F(FakeBitrix24Test, CountRequestsIgnoresCaseAndCountsFailures) {
  Call("user.get", {{"ID", 7}});
  Call("USER.GET", {{"ID", 7}});
  ToReply(Client().Post("/rest/1/wrong/user.get", "{}", "application/json"));
  EXPECT_EQ(portal_.CountRequests("user.get"), 3);
  portal_.ClearRequests();
  EXPECT_EQ(portal_.CountRequests("user.get"), 0);
}

}  // namespace
}  // namespace callbrief::fakes::testing
