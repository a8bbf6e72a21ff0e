#include "openai/error.h"

#include <gtest/gtest.h>

namespace callbrief::openai {
namespace {

using core::ErrorKind;

const ErrorSettings kSettings{.api_key_setting = "OPENAI_API_KEY",
                              .base_url_setting = "OPENAI_BASE_URL",
                              .model_setting = "SUMMARY_MODEL",
                              .model = "gpt-4o",
                              .secret = "sk-live-abc"};

core::Error FromResponse(int status, std::string body, net::Headers headers = {}) {
  return ErrorFromResponse({status, std::move(headers), std::move(body)}, "summarizing", kSettings,
                           core::SystemClock::Instance().Now());
}

TEST(ParseErrorBodyTest, ReadsOpenAiAndFlatShapes) {
  ErrorBody nested = ParseErrorBody(
      R"({"error":{"message":"m","type":"t","param":"response_format","code":"c"}})");
  EXPECT_EQ(nested.message, "m");
  EXPECT_EQ(nested.type, "t");
  EXPECT_EQ(nested.param, "response_format");
  EXPECT_EQ(nested.code, "c");
  EXPECT_EQ(ParseErrorBody(R"({"error":"no file"})").message, "no file");
  EXPECT_EQ(ParseErrorBody(R"({"error":{"message":"x","code":400}})").code, "400");
  EXPECT_EQ(ParseErrorBody("<html>").message, "");
}

TEST(ErrorFromResponseTest, RetryAfterHeadersWinOverTheMessageHint) {
  core::Error error = FromResponse(
      429, R"({"error":{"message":"Please try again in 20ms.","code":"rate_limit_exceeded"}})",
      {{"retry-after", "7"}});
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.retry_after, std::chrono::seconds(7));
  error = FromResponse(
      429, R"({"error":{"message":"Please try again in 20ms.","code":"rate_limit_exceeded"}})");
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(20));
  error = FromResponse(429, R"({"error":{"message":"slow down","code":"slow_down"}})");
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_FALSE(error.retry_after.has_value());
}

// openai-python _base_client.py: _should_retry and _parse_retry_after_header.
TEST(ErrorFromResponseTest, RetriesWhatTheSdkRetries) {
  EXPECT_EQ(FromResponse(408, "{}").kind, ErrorKind::kTransient);
  EXPECT_EQ(FromResponse(409, "{}").kind, ErrorKind::kTransient);  // Lock timeout.
  EXPECT_EQ(FromResponse(502, "{}").kind, ErrorKind::kTransient);
  EXPECT_EQ(FromResponse(400, "{}").kind, ErrorKind::kPermanent);
}

TEST(ErrorFromResponseTest, FractionalRetryAfterMsAndSeconds) {
  core::Error error = FromResponse(429, "{}", {{"retry-after-ms", "1500.5"}});
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(1501));
  error = FromResponse(429, "{}", {{"retry-after", "0.25"}});
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(250));
  error = FromResponse(503, "{}", {{"retry-after-ms", "20"}});
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(20));
}

TEST(ErrorFromResponseTest, XShouldRetryIsObeyedBothWays) {
  core::Error error = FromResponse(500, "{}", {{"x-should-retry", "false"}});
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  EXPECT_NE(error.message.find("x-should-retry"), std::string::npos);
  error = FromResponse(429, R"({"error":{"code":"rate_limit_exceeded"}})",
                       {{"x-should-retry", "false"}});
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  error = FromResponse(400, "{}", {{"x-should-retry", "true"}, {"retry-after-ms", "100"}});
  EXPECT_EQ(error.kind, ErrorKind::kTransient);
  EXPECT_EQ(error.retry_after, std::chrono::milliseconds(100));
  EXPECT_EQ(FromResponse(401, "{}", {{"x-should-retry", "true"}}).kind, ErrorKind::kConfig);
}

TEST(ErrorFromResponseTest, QuotaByTypeAloneIsStillNotRetryable) {
  core::Error error =
      FromResponse(429, R"({"error":{"message":"quota","type":"insufficient_quota","code":null}})");
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  EXPECT_EQ(error.code, "insufficient_quota");
}

TEST(ErrorFromResponseTest, MessagesSayWhatToFixAndHideTheKey) {
  core::Error error = FromResponse(
      401,
      R"({"error":{"message":"Incorrect API key provided: sk-live-abc","code":"invalid_api_key"}})");
  EXPECT_EQ(error.message,
            "summarizing: HTTP 401 (invalid_api_key) Incorrect API key provided: *** — the API key "
            "was refused: check OPENAI_API_KEY");
  error = FromResponse(404, R"({"error":{"message":"nope","code":"model_not_found"}})");
  EXPECT_NE(error.message.find("SUMMARY_MODEL (\"gpt-4o\")"), std::string::npos);
  EXPECT_NE(error.message.find("OPENAI_BASE_URL"), std::string::npos);
  error = FromResponse(
      403,
      R"({"error":{"message":"Country not supported","code":"unsupported_country_region_territory"}})");
  EXPECT_NE(error.message.find("set OPENAI_BASE_URL to a proxy"), std::string::npos);
}

TEST(RetryHintFromMessageTest, ReadsGoDurations) {
  EXPECT_EQ(RetryHintFromMessage("Please try again in 1.5s. Visit"),
            std::chrono::milliseconds(1500));
  EXPECT_EQ(RetryHintFromMessage("try again in 6m0s"), std::chrono::minutes(6));
  EXPECT_EQ(RetryHintFromMessage("try again in 450ms."), std::chrono::milliseconds(450));
  EXPECT_FALSE(RetryHintFromMessage("try again later").has_value());
  EXPECT_FALSE(RetryHintFromMessage("").has_value());
}

TEST(RetryHintFromMessageTest, AnAbsurdHintIsNoHintRatherThanAnOverflow) {
  // A server could write any number; converting 10^40 ms to an integer is undefined behaviour.
  EXPECT_FALSE(RetryHintFromMessage("try again in " + std::string(40, '9') + "h").has_value());
  EXPECT_FALSE(RetryHintFromMessage("try again in 9000h").has_value());  // Over a year.
  EXPECT_EQ(RetryHintFromMessage("try again in 24h"), std::chrono::hours(24));
}

TEST(WithoutSecretTest, MasksEveryOccurrence) {
  EXPECT_EQ(WithoutSecret("k=abc, again abc", "abc"), "k=***, again ***");
  EXPECT_EQ(WithoutSecret("nothing", ""), "nothing");
}

}  // namespace
}  // namespace callbrief::openai
