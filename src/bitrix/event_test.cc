#include "bitrix/event.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

// What Bitrix24's queue server posts for a finished call (form-encoded, PHP-style keys).
constexpr std::string_view kRealFormBody =
    "event=ONVOXIMPLANTCALLEND&event_handler_id=1061"
    "&data%5BCALL_ID%5D=5E316880469A6376.1773306964.8740011&data%5BCALL_TYPE%5D=2"
    "&data%5BPHONE_NUMBER%5D=%2B79001234567&data%5BPORTAL_NUMBER%5D=%2B79009876543"
    "&data%5BPORTAL_USER_ID%5D=1269&data%5BCALL_DURATION%5D=135"
    "&data%5BCALL_START_DATE%5D=2026-03-11T17%3A28%3A46%2B03%3A00&data%5BCOST%5D=0.50"
    "&data%5BCOST_CURRENCY%5D=RUR&data%5BCALL_FAILED_CODE%5D=200"
    "&data%5BCALL_FAILED_REASON%5D=&data%5BCRM_ACTIVITY_ID%5D=7953&ts=1773239624"
    "&auth%5Bdomain%5D=acme.bitrix24.ru&auth%5Bclient_endpoint%5D=https%3A%2F%2Facme.bitrix24.ru%"
    "2Frest%2F"
    "&auth%5Bmember_id%5D=a223e8&auth%5Bapplication_token%5D=5161cafe8cce"
    "&auth%5Baccess_token%5D=user-oauth-token";

TEST(DecodeWebhookTest, ReadsARealFormEncodedCallEndEvent) {
  auto event = DecodeWebhook("application/x-www-form-urlencoded", kRealFormBody);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->event, "ONVOXIMPLANTCALLEND");
  EXPECT_EQ(event->application_token, "5161cafe8cce");
  EXPECT_EQ(event->domain, "acme.bitrix24.ru");
  EXPECT_EQ(event->data["CALL_ID"], "5E316880469A6376.1773306964.8740011");
}

TEST(DecodeWebhookTest, SanitizedCopyHasNoCredentials) {
  auto event = DecodeWebhook("application/x-www-form-urlencoded", kRealFormBody);
  ASSERT_TRUE(event.ok());
  std::string stored = event->sanitized.dump();
  EXPECT_EQ(stored.find("5161cafe8cce"), std::string::npos);
  EXPECT_EQ(stored.find("user-oauth-token"), std::string::npos);
  EXPECT_EQ(event->sanitized["auth"]["domain"], "acme.bitrix24.ru");
  EXPECT_EQ(event->sanitized["data"]["CALL_DURATION"], "135");
}

TEST(DecodeWebhookTest, AcceptsTheSameEventAsJson) {
  auto event = DecodeWebhook(
      "application/json; charset=utf-8",
      R"({"event":"onvoximplantcallend","data":{"CALL_ID":"X.1","CALL_DURATION":42},"auth":{"application_token":"t"}})");
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->event, "ONVOXIMPLANTCALLEND");  // Event codes are case-insensitive.
  auto data = ParseCallEnded(event->data);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->duration_seconds, 42);
}

TEST(DecodeWebhookTest, SniffsTheBodyWhenContentTypeIsMissing) {
  EXPECT_TRUE(DecodeWebhook("", "event=ONVOXIMPLANTCALLEND&data[CALL_ID]=a").ok());
  EXPECT_TRUE(DecodeWebhook("", R"({"event":"X"})").ok());
}

TEST(DecodeWebhookTest, RefusesMalformedBodiesWithAReason) {
  struct Case {
    std::string content_type, body, reason_contains;
  };
  for (const Case& c : std::vector<Case>{
           {"application/x-www-form-urlencoded", "", "empty body"},
           {"application/json", "{not json", "not valid JSON"},
           {"application/json", "[1,2]", "must be an object"},
           {"application/x-www-form-urlencoded", "data[CALL_ID]=1", "no \"event\" field"},
           {"application/x-www-form-urlencoded", "event=X&data[CALL_ID]=%zz", "form body"},
           {"text/xml", "<event/>", "unsupported Content-Type \"text/xml\""},
       }) {
    auto event = DecodeWebhook(c.content_type, c.body);
    ASSERT_FALSE(event.ok()) << c.body;
    EXPECT_EQ(event.error().kind, core::ErrorKind::kInvalidInput);
    EXPECT_NE(event.error().message.find(c.reason_contains), std::string::npos)
        << event.error().message;
  }
}

TEST(DecodeWebhookTest, RefusesJsonNestedDeeperThan64LevelsWithoutCrashing) {
  // The body that used to overflow the stack: 120,000 nested arrays (240 KB).
  std::string body =
      R"({"event":"x","data":)" + std::string(120'000, '[') + std::string(120'000, ']') + "}";
  auto event = DecodeWebhook("application/json", body);
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(event.error().message.find("deeper than 64 levels"), std::string::npos)
      << event.error().message;
}

TEST(DecodeWebhookTest, AcceptsJsonNestedExactly64Levels) {
  // The root object is level 1, "data" level 2, then 62 arrays.
  std::string body =
      R"({"event":"x","data":{"a":)" + std::string(62, '[') + std::string(62, ']') + "}}";
  EXPECT_TRUE(DecodeWebhook("application/json", body).ok());
}

TEST(ParseCallEndedTest, ReadsEveryDocumentedField) {
  auto event = DecodeWebhook("application/x-www-form-urlencoded", kRealFormBody);
  ASSERT_TRUE(event.ok());
  auto call = ParseCallEnded(event->data);
  ASSERT_TRUE(call.ok()) << call.error().message;
  EXPECT_EQ(call->call_id, "5E316880469A6376.1773306964.8740011");
  EXPECT_EQ(call->call_type, 2);
  EXPECT_EQ(call->phone_number, "+79001234567");
  EXPECT_EQ(call->portal_number, "+79009876543");
  EXPECT_EQ(call->portal_user_id, 1269);
  EXPECT_EQ(call->duration_seconds, 135);
  EXPECT_EQ(call->started_at_ms, 1773239326000);  // 2026-03-11T14:28:46Z
  EXPECT_EQ(call->failed_code, "200");
  EXPECT_EQ(call->crm_activity_id, 7953);
  EXPECT_TRUE(call->warnings.empty());
}

TEST(ParseCallEndedTest, CallIdIsRequired) {
  for (const char* body : {R"({})", R"({"CALL_ID":""})", R"({"CALL_DURATION":"5"})"}) {
    auto call = ParseCallEnded(nlohmann::json::parse(body));
    ASSERT_FALSE(call.ok()) << body;
    EXPECT_NE(call.error().message.find("data[CALL_ID] is missing"), std::string::npos);
  }
  EXPECT_FALSE(ParseCallEnded(nullptr).ok());
}

TEST(ParseCallEndedTest, RefusesCallIdsThatAreNotPrintableAscii) {
  EXPECT_FALSE(ParseCallEnded({{"CALL_ID", "a b"}}).ok());
  EXPECT_FALSE(ParseCallEnded({{"CALL_ID", std::string(201, 'x')}}).ok());
  EXPECT_TRUE(ParseCallEnded({{"CALL_ID", std::string(200, 'x')}}).ok());
}

TEST(ParseCallEndedTest, UnreadableOptionalFieldsBecomeWarningsNotRejections) {
  auto call = ParseCallEnded({{"CALL_ID", "A.1"},
                              {"CALL_DURATION", "12s"},
                              {"CALL_START_DATE", "yesterday"},
                              {"PORTAL_USER_ID", "x"}});
  ASSERT_TRUE(call.ok());
  EXPECT_FALSE(call->duration_seconds.has_value());
  EXPECT_FALSE(call->started_at_ms.has_value());
  EXPECT_EQ(call->warnings.size(), 3u);
}

TEST(CallTypeTest, PortalPlacedCallsAreOutgoing) {
  EXPECT_TRUE(IsOutgoing(1));
  EXPECT_FALSE(IsOutgoing(2));
  EXPECT_FALSE(IsOutgoing(3));
  EXPECT_TRUE(IsOutgoing(4));
  EXPECT_TRUE(IsOutgoing(5));
}

}  // namespace
}  // namespace callbrief::bitrix
