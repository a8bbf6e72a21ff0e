// Black-box specification of `callbrief serve` as Bitrix24 and an operator see it: the real binary
// on a free port, real Bitrix24 event bodies over HTTP, answers and the log checked from outside.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

using nlohmann::json;

// The response body as JSON; null if there was no response or the body is not JSON.
json BodyOf(const httplib::Result& res) {
  if (!res) return nullptr;
  json parsed = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

int StatusOf(const httplib::Result& res) { return res ? res->status : -1; }

// Every call in GET /api/calls whose CALL_ID is `call_id`.
std::vector<json> ListedCalls(httplib::Client& client, const std::string& call_id) {
  json page = BodyOf(client.Get("/api/calls?limit=200"));
  std::vector<json> found;
  for (const json& call : page.value("calls", json::array())) {
    if (call.value("bitrix_call_id", "") == call_id) found.push_back(call);
  }
  return found;
}

bool LogHasLineWith(const std::string& log, const std::vector<std::string>& parts) {
  for (const std::string& line : SplitLines(log)) {
    bool all = true;
    for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

// --- The webhook endpoint ---

TEST(WebhookEndpointTest, TestPathAnswersTheFixedHealthMessage) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/api/bitrix-webhook/test");

  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"status":"ok","message":"Bitrix webhook endpoint is working"})");
}

TEST(WebhookEndpointTest, FormEncodedCallEndEventIsAcknowledgedWithTheCallId) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;

  auto res = PostForm(client, event);

  ASSERT_EQ(StatusOf(res), 200) << service.Log();
  json body = BodyOf(res);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["call_id"], event.call_id);
  EXPECT_EQ(body["duplicate"], false);
  EXPECT_TRUE(body["id"].is_number_integer()) << body;
}

TEST(WebhookEndpointTest, StoredCallCarriesTheFieldsOfTheEvent) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  ASSERT_EQ(StatusOf(PostForm(client, event)), 200);

  json call = BodyOf(client.Get("/api/calls/" + event.call_id));

  EXPECT_EQ(call["bitrix_call_id"], event.call_id);
  EXPECT_EQ(call["source"], "webhook");
  EXPECT_EQ(call["call_type"], 2);
  EXPECT_EQ(call["direction"], "incoming");
  EXPECT_EQ(call["client_number"], "+79001234567");
  EXPECT_EQ(call["portal_number"], "+79009876543");
  EXPECT_EQ(call["portal_user_id"], 1269);
  EXPECT_EQ(call["duration_seconds"], 135);
  EXPECT_EQ(call["started_at"], "2026-03-11T14:28:46.000Z");
  EXPECT_EQ(call["failed_code"], "200");
  EXPECT_EQ(call["failed_reason"], "Success call");
  EXPECT_EQ(call["crm"]["activity_id"], 7953);
  // A worker is woken by the event at once; with no BITRIX24_WEBHOOK_URL here it may already have
  // moved the call to resolve, where it waits for that setting.
  EXPECT_TRUE(call["stage"] == "received" || call["stage"] == "resolve") << call["stage"];
  ASSERT_EQ(call["events"].size(), 1u) << call;
  EXPECT_EQ(call["events"][0]["event"], "ONVOXIMPLANTCALLEND");
  EXPECT_EQ(call["events"][0]["remote_addr"], "127.0.0.1");
  EXPECT_EQ(call["events"][0]["body"]["auth"]["domain"], "acme.bitrix24.ru");
}

TEST(WebhookEndpointTest, OutgoingCallTypeIsStoredAsOutgoing) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_type = "1";
  ASSERT_EQ(StatusOf(PostForm(client, event)), 200);

  json call = BodyOf(client.Get("/api/calls/" + event.call_id));

  EXPECT_EQ(call["direction"], "outgoing");
}

TEST(WebhookEndpointTest, StoredCallIsListedInTheCallsApi) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  ASSERT_EQ(StatusOf(PostForm(client, event)), 200);

  std::vector<json> listed = ListedCalls(client, event.call_id);

  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["direction"], "incoming");
  EXPECT_EQ(listed[0]["duration_seconds"], 135);
  EXPECT_EQ(listed[0]["started_at"], "2026-03-11T14:28:46.000Z");
}

TEST(WebhookEndpointTest, StoredCallIsFoundByItsOwnId) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  json ack = BodyOf(PostForm(client, event));
  ASSERT_TRUE(ack["id"].is_number_integer()) << ack;

  auto res = client.Get("/api/calls/" + std::to_string(ack["id"].get<long long>()));

  ASSERT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res)["bitrix_call_id"], event.call_id);
}

TEST(WebhookEndpointTest, JsonCallEndEventIsStoredLikeTheFormEncodedOne) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_id = "externalCall.9f2c61d0a4b8e7f3.1773239326";

  auto res = PostJson(client, event);

  ASSERT_EQ(StatusOf(res), 200) << service.Log();
  EXPECT_EQ(BodyOf(res)["call_id"], event.call_id);
  json call = BodyOf(client.Get("/api/calls/" + event.call_id));
  EXPECT_EQ(call["direction"], "incoming");
  EXPECT_EQ(call["client_number"], "+79001234567");
  EXPECT_EQ(call["duration_seconds"], 135);
  EXPECT_EQ(call["started_at"], "2026-03-11T14:28:46.000Z");
  EXPECT_EQ(call["crm"]["activity_id"], 7953);
}

TEST(WebhookEndpointTest, RepeatedEventIsAcknowledgedAsDuplicateAndStoredOnce) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  json first = BodyOf(PostForm(client, event));

  auto again = PostForm(client, event);

  ASSERT_EQ(StatusOf(again), 200);
  EXPECT_EQ(BodyOf(again)["duplicate"], true);
  EXPECT_EQ(BodyOf(again)["id"], first["id"]);
  EXPECT_EQ(ListedCalls(client, event.call_id).size(), 1u);
  EXPECT_EQ(BodyOf(client.Get("/api/calls/" + event.call_id))["events"].size(), 1u);
}

TEST(WebhookEndpointTest, WrongApplicationTokenIsRefusedWith401AndNothingIsStored) {
  ServiceProcess service({{"BITRIX24_APPLICATION_TOKEN", "appsecret77"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.application_token = "someone-elses-token";

  auto res = PostForm(client, event);

  EXPECT_EQ(StatusOf(res), 401);
  EXPECT_EQ(BodyOf(res)["status"], "error");
  EXPECT_EQ(StatusOf(client.Get("/api/calls/" + event.call_id)), 404);
  EXPECT_TRUE(ListedCalls(client, event.call_id).empty());
}

TEST(WebhookEndpointTest, MissingApplicationTokenIsRefusedWith401AndNothingIsStored) {
  ServiceProcess service({{"BITRIX24_APPLICATION_TOKEN", "appsecret77"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.application_token = "";

  auto res = PostForm(client, event);

  EXPECT_EQ(StatusOf(res), 401);
  EXPECT_EQ(StatusOf(client.Get("/api/calls/" + event.call_id)), 404);
}

TEST(WebhookEndpointTest, RightApplicationTokenIsAccepted) {
  ServiceProcess service({{"BITRIX24_APPLICATION_TOKEN", "appsecret77"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.application_token = "appsecret77";

  auto res = PostForm(client, event);

  EXPECT_EQ(StatusOf(res), 200);
  EXPECT_EQ(StatusOf(client.Get("/api/calls/" + event.call_id)), 200);
}

TEST(WebhookEndpointTest, OtherEventsAreAnsweredAsIgnoredAndNotStored) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.event = "ONVOXIMPLANTCALLSTART";

  auto res = PostForm(client, event);

  ASSERT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res)["status"], "ignored");
  EXPECT_EQ(BodyOf(res)["event"], "ONVOXIMPLANTCALLSTART");
  EXPECT_EQ(StatusOf(client.Get("/api/calls/" + event.call_id)), 404);
}

TEST(WebhookEndpointTest, EventWithoutCallIdIsRejectedWith400AndTheReason) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_id = "";

  auto res = PostForm(client, event);

  ASSERT_EQ(StatusOf(res), 400);
  EXPECT_EQ(BodyOf(res)["status"], "error");
  EXPECT_NE(BodyOf(res).value("error", "").find("CALL_ID"), std::string::npos) << res->body;
  EXPECT_TRUE(LogHasLineWith(service.Stdout(), {"Rejected", "CALL_ID"})) << service.Log();
}

TEST(WebhookEndpointTest, BodyLargerThan256KiBIsRefusedWith413) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_failed_reason = std::string(256 * 1024, 'x');

  auto res = PostForm(client, event);

  ASSERT_EQ(StatusOf(res), 413) << (res ? res->body : httplib::to_string(res.error()));
  EXPECT_EQ(BodyOf(res)["status"], "error");
  EXPECT_EQ(StatusOf(client.Get("/api/calls/" + event.call_id)), 404);
}

// --- The JSON API and the probes ---

TEST(CallsEndpointTest, UnknownStageIsRefusedWith400) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/api/calls?stage=no-such-stage");

  ASSERT_EQ(StatusOf(res), 400);
  EXPECT_NE(BodyOf(res).value("error", "").find("stage"), std::string::npos) << res->body;
}

TEST(CallsEndpointTest, UnknownCallIs404) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/api/calls/no.such.call");

  EXPECT_EQ(StatusOf(res), 404);
  EXPECT_EQ(BodyOf(res)["status"], "error");
}

TEST(CallsEndpointTest, WithAdminPasswordRequestsWithoutCredentialsGet401) {
  ServiceProcess service({{"ADMIN_PASSWORD", "adminsecret9"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/api/calls");

  ASSERT_EQ(StatusOf(res), 401);
  EXPECT_TRUE(res->has_header("WWW-Authenticate"));
}

TEST(CallsEndpointTest, WithAdminPasswordAWrongPasswordGets401) {
  ServiceProcess service({{"ADMIN_PASSWORD", "adminsecret9"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  client.set_basic_auth("admin", "guessed-password");

  EXPECT_EQ(StatusOf(client.Get("/api/calls")), 401);
}

TEST(CallsEndpointTest, WithAdminPasswordBasicCredentialsGet200) {
  ServiceProcess service({{"ADMIN_PASSWORD", "adminsecret9"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  client.set_basic_auth("admin", "adminsecret9");

  auto res = client.Get("/api/calls");

  ASSERT_EQ(StatusOf(res), 200);
  EXPECT_TRUE(BodyOf(res)["calls"].is_array());
}

TEST(CallsEndpointTest, WithAdminPasswordTheWebhookStillNeedsNoCredentials) {
  ServiceProcess service({{"ADMIN_PASSWORD", "adminsecret9"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  EXPECT_EQ(StatusOf(PostForm(client, BitrixEvent())), 200);
}

TEST(CallsEndpointTest, WithoutAdminPasswordAForwardedRequestGets403) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/api/calls", {{"X-Forwarded-For", "203.0.113.7"}});

  EXPECT_EQ(StatusOf(res), 403);
  EXPECT_EQ(BodyOf(res)["status"], "error");
}

TEST(CallsEndpointTest, WithoutAdminPasswordALocalRequestGets200) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  EXPECT_EQ(StatusOf(client.Get("/api/calls")), 200);
}

TEST(ProbeEndpointTest, ReadinessAnswers200WhenTheDatabaseIsReachable) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/readyz");

  ASSERT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res)["database"], "ok");
}

TEST(ProbeEndpointTest, UnknownPathAnswers404WithJson) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto res = client.Get("/no/such/path");

  ASSERT_EQ(StatusOf(res), 404);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(BodyOf(res)["status"], "error");
}

// --- The log ---

TEST(ServiceLogTest, ReceivedEventIsLoggedWithItsCallIdOnTheSameLine) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  ASSERT_EQ(StatusOf(PostForm(client, event)), 200);
  // Info lines are flushed once a second; stopping the service flushes them now.
  ASSERT_EQ(service.Terminate(), ExitedWith(0));

  EXPECT_TRUE(LogHasLineWith(
      service.Stdout(), {"📞 Received call webhook from Bitrix24", "[call=" + event.call_id + "]"}))
      << service.Log();
}

TEST(ServiceLogTest, JsonFormatWritesEveryLineAsAJsonObject) {
  ServiceProcess service({{"LOG_FORMAT", "json"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  ASSERT_EQ(StatusOf(PostForm(client, event)), 200);
  BitrixEvent no_call_id;
  no_call_id.call_id = "";
  ASSERT_EQ(StatusOf(PostForm(client, no_call_id)), 400);
  ASSERT_EQ(service.Terminate(), ExitedWith(0));

  std::vector<std::string> lines = SplitLines(service.Stdout());
  ASSERT_FALSE(lines.empty());
  int received = 0;
  for (const std::string& line : lines) {
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
    EXPECT_TRUE(parsed.contains("time") && parsed.contains("level") && parsed.contains("msg"))
        << line;
    if (parsed.value("msg", "").find("Received call webhook") != std::string::npos) {
      ++received;
      EXPECT_EQ(parsed.value("call_id", ""), event.call_id) << line;
    }
  }
  EXPECT_EQ(received, 1) << service.Stdout();
  EXPECT_EQ(service.Stderr(), "");
}

// --- Secrets ---

TEST(SecretHygieneTest, NoSecretAppearsInTheLogOrInAnyResponse) {
  const std::vector<std::string> secrets = {"hooksecretcode42", "tgsecretTOKEN", "sk-opensecret",
                                            "appsecret77", "adminsecret9"};
  ServiceProcess service({{"BITRIX24_WEBHOOK_URL", "http://127.0.0.1:1/rest/1/hooksecretcode42/"},
                          {"TELEGRAM_BOT_TOKEN", "123456:tgsecretTOKEN"},
                          {"TELEGRAM_TARGET_CHAT_ID", "-1001234567890"},
                          {"OPENAI_API_KEY", "sk-opensecret"},
                          {"BITRIX24_APPLICATION_TOKEN", "appsecret77"},
                          {"ADMIN_PASSWORD", "adminsecret9"},
                          {"LOG_LEVEL", "trace"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  std::vector<httplib::Result> responses;
  BitrixEvent accepted;
  accepted.application_token = "appsecret77";
  responses.push_back(PostForm(client, accepted));
  responses.push_back(PostForm(client, accepted));  // A duplicate.
  BitrixEvent as_json = accepted;
  as_json.call_id = "externalCall.json.1773239326";
  responses.push_back(PostJson(client, as_json));
  BitrixEvent wrong_token = accepted;
  wrong_token.call_id = "wrong.token.1";
  wrong_token.application_token = "appsecret78";
  responses.push_back(PostForm(client, wrong_token));
  BitrixEvent no_token = accepted;
  no_token.application_token = "";
  responses.push_back(PostForm(client, no_token));
  BitrixEvent no_call_id = accepted;
  no_call_id.call_id = "";
  responses.push_back(PostForm(client, no_call_id));
  BitrixEvent call_start = accepted;
  call_start.event = "ONVOXIMPLANTCALLSTART";
  responses.push_back(PostForm(client, call_start));
  responses.push_back(client.Get("/api/calls"));  // 401 without credentials.
  client.set_basic_auth("admin", "adminsecret9");
  responses.push_back(client.Get("/api/calls"));
  responses.push_back(client.Get("/api/calls/" + accepted.call_id));
  responses.push_back(client.Get("/api/calls/" + as_json.call_id));
  responses.push_back(client.Get("/api/calls/1"));
  responses.push_back(client.Get("/api/calls?stage=appsecret77"));
  responses.push_back(client.Get("/readyz"));
  responses.push_back(client.Get("/healthz"));
  responses.push_back(client.Get("/api/bitrix-webhook/test"));
  responses.push_back(client.Get("/no/such/path"));
  ASSERT_EQ(service.Terminate(), ExitedWith(0));

  ASSERT_EQ(StatusOf(responses[0]), 200) << "the setup must have stored a call";
  std::string log = service.Log();
  for (const std::string& secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " is in the log:\n" << log;
    for (size_t i = 0; i < responses.size(); ++i) {
      ASSERT_TRUE(responses[i]) << "request " << i << ": "
                                << httplib::to_string(responses[i].error());
      EXPECT_EQ(responses[i]->body.find(secret), std::string::npos)
          << secret << " is in response " << i << ": " << responses[i]->body;
      for (const auto& [name, value] : responses[i]->headers) {
        EXPECT_EQ(value.find(secret), std::string::npos)
            << secret << " is in header " << name << " of response " << i;
      }
    }
  }
}

}  // namespace
}  // namespace callbrief::testing
