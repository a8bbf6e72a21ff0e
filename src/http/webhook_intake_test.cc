#include "http/webhook_intake.h"

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/test_support.h"
#include "testing/manual_clock.h"

namespace callbrief::http {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded";

std::string CallEndBody(std::string_view call_id, std::string_view token = "tok-1") {
  return "event=ONVOXIMPLANTCALLEND&data%5BCALL_ID%5D=" + std::string(call_id) +
         "&data%5BCALL_TYPE%5D=1&data%5BPHONE_NUMBER%5D=%2B79001234567&data%5BCALL_DURATION%5D=75"
         "&data%5BCALL_FAILED_CODE%5D=200&ts=1773239624&auth%5Bdomain%5D=acme.bitrix24.ru"
         "&auth%5Bapplication_token%5D=" +
         std::string(token);
}

class WebhookIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenSqliteStore({.path = dir_.File("intake.db")});
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    committer_ = std::make_unique<store::GroupCommitter>(*store_);
  }

  IntakeResponse Post(std::string_view body, std::string token = "",
                      std::string_view content_type = kForm) {
    WebhookIntake intake(std::move(token), *committer_, clock_);
    return intake.Handle({.content_type = content_type, .body = body, .remote_addr = "10.1.2.3"});
  }

  store::testing::TempDir dir_;
  callbrief::testing::ManualClock clock_{core::FromUnixMillis(1'773'239'500'000)};
  std::unique_ptr<store::CallStore> store_;
  std::unique_ptr<store::GroupCommitter> committer_;
};

TEST_F(WebhookIntakeTest, StoresTheCallBeforeAnswering200) {
  auto answer = Post(CallEndBody("V.1"));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body["status"], "ok");
  EXPECT_EQ(answer.body["duplicate"], false);
  auto found = store_->FindCall("V.1");
  ASSERT_TRUE(found.ok() && found->has_value());
  const auto& call = (*found)->call;
  EXPECT_EQ(call.stage, store::Stage::kReceived);
  EXPECT_EQ(call.direction, store::Direction::kOutgoing);
  EXPECT_EQ(call.client_number, "+79001234567");
  EXPECT_EQ(call.duration_seconds, 75);
  EXPECT_EQ(call.received_at_ms, 1'773'239'500'000);
  EXPECT_EQ(call.started_at_ms, call.received_at_ms);  // No CALL_START_DATE in this event.
  ASSERT_EQ((*found)->events.size(), 1u);
  EXPECT_EQ((*found)->events[0].remote_addr, "10.1.2.3");
}

TEST_F(WebhookIntakeTest, TheStoredEventHoldsNoToken) {
  Post(CallEndBody("V.2", "super-secret-token"));
  auto found = store_->FindCall("V.2");
  EXPECT_EQ((*found)->events[0].event_json.find("super-secret-token"), std::string::npos);
}

TEST_F(WebhookIntakeTest, ARepeatedEventIsAcknowledgedAndChangesNothing) {
  auto first = Post(CallEndBody("V.3"));
  auto second = Post(CallEndBody("V.3"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body["duplicate"], true);
  EXPECT_EQ(second.body["id"], first.body["id"]);
  EXPECT_EQ((*store_->FindCall("V.3"))->events.size(), 1u);
}

TEST_F(WebhookIntakeTest, AnEventForAnErasedCallIsAcknowledgedAndNothingOfItIsStored) {
  Post(CallEndBody("V.4"));
  auto erased = store_->EraseCall("V.4", 1'773'239'600'000);
  ASSERT_TRUE(erased.ok() && erased->outcome == store::EraseOutcome::kErased);
  auto again = Post(CallEndBody("V.4"));
  EXPECT_EQ(again.status, 200);  // Bitrix24 must not send it again and again.
  EXPECT_EQ(again.body["status"], "ignored");
  EXPECT_EQ(again.body["reason"], "erased");
  auto found = store_->FindCall("V.4");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(WebhookIntakeTest, WithATokenConfiguredAMismatchIs401AndStoresNothing) {
  auto wrong = Post(CallEndBody("V.4", "other"), "tok-1");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body["error"].get<std::string>().find("does not match"), std::string::npos);
  EXPECT_EQ(wrong.refusal, "token_mismatch");
  auto missing = Post("event=ONVOXIMPLANTCALLEND&data[CALL_ID]=V.4", "tok-1");
  EXPECT_EQ(missing.status, 401);
  EXPECT_NE(missing.body["error"].get<std::string>().find("missing"), std::string::npos);
  EXPECT_EQ(missing.refusal, "token_missing");
  EXPECT_FALSE(store_->FindCall("V.4")->has_value());
  auto right = Post(CallEndBody("V.4", "tok-1"), "tok-1");
  EXPECT_EQ(right.status, 200);
  EXPECT_EQ(right.refusal, "") << "an accepted event is no refusal";
}

TEST_F(WebhookIntakeTest, OtherEventsAreAcknowledgedAndIgnored) {
  auto answer = Post("event=ONVOXIMPLANTCALLSTART&data[CALL_ID]=V.5&data[USER_ID]=1");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body["status"], "ignored");
  EXPECT_EQ(answer.refusal, "") << "an ignored event is no refusal";
  EXPECT_FALSE(store_->FindCall("V.5")->has_value());
}

TEST_F(WebhookIntakeTest, MalformedRequestsAre400WithTheReason) {
  struct Case {
    std::string body, content_type, reason, refusal;
  };
  for (const Case& c : std::vector<Case>{
           {"event=ONVOXIMPLANTCALLEND&data[CALL_DURATION]=5", std::string(kForm),
            "data[CALL_ID] is missing", "invalid_call_event"},
           {"event=ONVOXIMPLANTCALLEND&data[CALL_ID]=%G1", std::string(kForm), "percent",
            "malformed"},
           {"{\"event\":", "application/json", "not valid JSON", "malformed"},
           {"", std::string(kForm), "empty body", "malformed"},
           {"<xml/>", "text/xml", "unsupported Content-Type", "malformed"},
       }) {
    auto answer = Post(c.body, "", c.content_type);
    EXPECT_EQ(answer.status, 400) << c.body;
    EXPECT_EQ(answer.refusal, c.refusal) << c.body;
    EXPECT_EQ(answer.body["status"], "error");
    EXPECT_NE(answer.body["error"].get<std::string>().find(c.reason), std::string::npos)
        << answer.body.dump();
  }
  EXPECT_TRUE(store_->ListCalls({})->calls.empty());
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace callbrief::http
