// The ONVOXIMPLANTCALLEND body the queue server posts (reference §1.1–1.5, §3.7).

#include "fakes/call_end_event.h"

#include <set>

#include <gtest/gtest.h>

#include "core/php_form.h"
#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

class CallEndEventTest : public FakeBitrix24Test {
 protected:
  CallRecord Stored(CallBuilder builder) {
    return *portal_.FindCall(portal_.AddCall(builder.Build()));
  }
  json Decoded(const std::string& body) {
    auto decoded = core::DecodePhpForm(body);
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? *decoded : json();
  }
  EventEnvelope Envelope(std::int64_t ts = 1773239624) {
    EventEnvelope envelope = portal_.Envelope();
    envelope.ts = ts;
    return envelope;
  }
};

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

TEST_F(CallEndEventTest, CarriesExactlyTheDocumentedFields) {
  json event = Decoded(CallEndEventBody(Stored(CallBuilder()), "app-token", Envelope()));
  EXPECT_EQ(Keys(event),
            (std::set<std::string>{"event", "event_handler_id", "data", "ts", "auth"}));
  EXPECT_EQ(Keys(event["data"]),
            (std::set<std::string>{"CALL_ID", "CALL_TYPE", "PHONE_NUMBER", "PORTAL_NUMBER",
                                   "PORTAL_USER_ID", "CALL_DURATION", "CALL_START_DATE", "COST",
                                   "COST_CURRENCY", "CALL_FAILED_CODE", "CALL_FAILED_REASON",
                                   "CRM_ACTIVITY_ID"}));
  EXPECT_EQ(Keys(event["auth"]),
            (std::set<std::string>{"domain", "client_endpoint", "server_endpoint", "member_id",
                                   "application_token"}));
  EXPECT_EQ(event["event"], "ONVOXIMPLANTCALLEND");
  EXPECT_EQ(event["ts"], "1773239624");
  EXPECT_EQ(event["auth"]["application_token"], "app-token");
}

TEST_F(CallEndEventTest, DataMatchesTheStatisticRow) {
  CallRecord call = Stored(CallBuilder().Cost(0.5, "RUR"));
  json data = Decoded(CallEndEventBody(call, "t", Envelope()))["data"];
  json row = StatisticRow(call.call_id);
  for (const char* field :
       {"CALL_ID", "CALL_TYPE", "PHONE_NUMBER", "PORTAL_NUMBER", "PORTAL_USER_ID", "CALL_DURATION",
        "CALL_START_DATE", "CALL_FAILED_CODE", "CALL_FAILED_REASON", "CRM_ACTIVITY_ID"}) {
    EXPECT_EQ(data[field], row[field]) << field;
  }
  EXPECT_EQ(data["COST"], "0.5");  // A PHP double in the event, "0.5000" in the statistic.
}

TEST_F(CallEndEventTest, KeepsPhpFieldOrderAndEncodesBrackets) {
  std::string body = CallEndEventBody(Stored(CallBuilder()), "t", Envelope());
  EXPECT_EQ(body.rfind("event=ONVOXIMPLANTCALLEND&event_handler_id=1061&data%5BCALL_ID%5D=", 0), 0u)
      << body;
  EXPECT_LT(body.find("data%5BCRM_ACTIVITY_ID%5D="), body.find("&ts=1773239624&"));
  EXPECT_LT(body.find("&ts="), body.find("auth%5Bdomain%5D=127.0.0.1%3A"));
  EXPECT_EQ(body.find('['), std::string::npos);
}

TEST_F(CallEndEventTest, ZeroCostIsPrintedAsPhpPrintsADouble) {
  json data = Decoded(CallEndEventBody(Stored(CallBuilder()), "t", Envelope()))["data"];
  EXPECT_EQ(data["COST"], "0");
}

TEST_F(CallEndEventTest, EmptyCurrencyIsSentEmpty) {
  std::string body = CallEndEventBody(Stored(CallBuilder().Cost(0, "")), "t", Envelope());
  EXPECT_NE(body.find("data%5BCOST_CURRENCY%5D=&"), std::string::npos);
}

TEST_F(CallEndEventTest, CallWithoutCrmLeavesOutTheActivity) {
  json data =
      Decoded(CallEndEventBody(Stored(CallBuilder().WithoutCrm()), "t", Envelope()))["data"];
  EXPECT_FALSE(data.contains("CRM_ACTIVITY_ID"));
}

TEST_F(CallEndEventTest, EnvelopeNamesTheRunningPortal) {
  json auth = Decoded(CallEndEventBody(Stored(CallBuilder()), "t", Envelope()))["auth"];
  EXPECT_EQ(auth["domain"], portal_.Domain());
  EXPECT_EQ(auth["client_endpoint"], portal_.BaseUrl() + "/rest/");
  EXPECT_EQ(auth["server_endpoint"], "https://oauth.bitrix.info/rest/");
  EXPECT_EQ(auth["member_id"], portal_.MemberId());
}

TEST_F(CallEndEventTest, PostCallEndPostsTheFormAsTheQueueServerDoes) {
  httplib::Server handler;
  std::string body, type, agent, path;
  handler.Post("/hook/call-end", [&](const httplib::Request& req, httplib::Response& res) {
    body = req.body;
    type = req.get_header_value("Content-Type");
    agent = req.get_header_value("User-Agent");
    path = req.path;
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  int port = handler.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { handler.listen_after_bind(); });
  while (!handler.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  CallRecord call = Stored(CallBuilder());
  auto result = PostCallEnd("http://127.0.0.1:" + std::to_string(port) + "/hook/call-end", call,
                            "app-token", Envelope());
  handler.stop();
  serving.join();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(path, "/hook/call-end");
  EXPECT_EQ(type, "application/x-www-form-urlencoded");
  EXPECT_EQ(agent, kQueueUserAgent);
  EXPECT_EQ(body, CallEndEventBody(call, "app-token", Envelope()));
}

}  // namespace
}  // namespace callbrief::fakes::testing
