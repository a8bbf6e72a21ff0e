#include "openai/model_check.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::openai {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

const ErrorSettings kSettings{.api_key_setting = "OPENAI_API_KEY",
                              .base_url_setting = "OPENAI_BASE_URL",
                              .model_setting = "SUMMARY_MODEL",
                              .model = "gpt-4o",
                              .secret = "sk-live-abc"};

core::Result<ModelCheck> Check(FakeHttpClient& http) {
  return CheckModel(http, "https://api.example.test/v1", "sk-live-abc", kSettings,
                    core::SystemClock::Instance().Now());
}

TEST(CheckModelTest, AsksTheModelListWithTheKey) {
  FakeHttpClient http;
  http.Reply(200, R"({"object":"list","data":[{"id":"whisper-1"},{"id":"gpt-4o"}]})");
  auto check = Check(http);
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_TRUE(check->has_model_list);
  EXPECT_EQ(check->models, 2u);
  EXPECT_TRUE(check->model_listed);
  auto requests = http.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].url, "https://api.example.test/v1/models");
  bool has_key = false;
  for (const auto& [name, value] : requests[0].headers) {
    has_key |= name == "Authorization" && value == "Bearer sk-live-abc";
  }
  EXPECT_TRUE(has_key);
}

TEST(CheckModelTest, SaysWhenTheModelIsNotAmongTheKeysModels) {
  FakeHttpClient http;
  http.Reply(200, R"({"object":"list","data":[{"id":"whisper-1"}]})");
  auto check = Check(http);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->has_model_list);
  EXPECT_FALSE(check->model_listed);
}

TEST(CheckModelTest, AServerWithoutAModelListIsNotAnError) {
  FakeHttpClient http;
  http.Reply(404, R"({"error":"not found"})");
  auto check = Check(http);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->has_model_list);
}

TEST(CheckModelTest, ARestrictedKeyThatMayNotListModelsIsNoFailure) {
  FakeHttpClient http;
  http.Reply(401, R"({"error":{"message":"You have insufficient permissions for this operation. )"
                  R"(Missing scopes: api.model.read. Check that you have the correct role.",)"
                  R"("type":"invalid_request_error","param":null,"code":null}})");
  auto check = Check(http);
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_TRUE(check->list_forbidden);
  EXPECT_FALSE(check->has_model_list);
  EXPECT_NE(check->detail.find("api.model.read"), std::string::npos);
}

TEST(CheckModelTest, ARefusedKeyNamesTheSettingAndNotTheKey) {
  FakeHttpClient http;
  http.Reply(401, R"({"error":{"message":"Incorrect API key provided: sk-live-abc.",)"
                  R"("type":"invalid_request_error","code":"invalid_api_key"}})");
  auto check = Check(http);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().kind, ErrorKind::kConfig);
  EXPECT_NE(check.error().message.find("OPENAI_API_KEY"), std::string::npos);
  EXPECT_EQ(check.error().message.find("sk-live-abc"), std::string::npos);
}

TEST(CheckModelTest, AnUnreachableServerNamesTheBaseUrlSetting) {
  FakeHttpClient http;
  http.Fail(core::Error::Transient("GET https://api.example.test/v1/models: connection refused"));
  auto check = Check(http);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().kind, ErrorKind::kTransient);
  EXPECT_NE(check.error().message.find("OPENAI_BASE_URL"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::openai
