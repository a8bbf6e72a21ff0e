// The mission end to end: the real `callbrief serve` with emulated Bitrix24, OpenAI and Telegram.
// A call ends, Bitrix24 posts the event, and the summary reaches Telegram and the CRM timeline
// exactly once — through filters, duplicates, provider faults and crashes.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"
#include "store/pg_test_cluster.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

TEST_F(PipelineE2eTest, AnIncomingCallReachesTelegramTheTimelineAndTheApiOnce) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming().Phone("+79001234567").Duration(75));
  Announce(service, call_id);

  json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  auto messages = TelegramMessages();
  ASSERT_EQ(messages.size(), 1u) << service.Log();
  const std::string& text = messages[0].text;
  EXPECT_EQ(text.rfind("📞 Входящий звонок", 0), 0u) << text;
  for (const char* block : {"📋 Информация:", "• От: +79001234567", "• Длительность: 1м 15с",
                            "📝 Саммари:", "🎯 Ключевые пункты:", "✅ Задачи:", "💬 Запрос клиента:",
                            "➡️ Следующие шаги:", "📊 Тон разговора: "}) {
    EXPECT_NE(text.find(block), std::string::npos) << block << "\n" << text;
  }
  EXPECT_EQ(Comments(call_id).size(), 1u);

  // Who said what: the stereo recording's channels became the two speakers.
  bool manager = false, client = false;
  for (const json& segment : call["transcript"]) {
    manager |= segment["speaker"] == "manager";
    client |= segment["speaker"] == "client";
  }
  EXPECT_TRUE(manager && client) << call["transcript"].dump(2);
  EXPECT_EQ(call["summary"]["content"]["sentiment"], call["summary"]["sentiment"]);

  // The seed's log lines, in order (info lines reach the log within a second).
  std::string log = service.Log();
  for (int i = 0; i < 50 && log.find("✅ Successfully processed call") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = service.Log();
  }
  std::size_t at = 0;
  for (const char* line :
       {"📞 Received call webhook from Bitrix24", "🎙️ Processing Bitrix call",
        "✅ Got recording URL", "✅ Transcription completed", "✅ Sent to Telegram",
        "✅ Successfully processed call"}) {
    at = log.find(line, at);
    ASSERT_NE(at, std::string::npos) << line << "\n" << log;
  }
  // No secret in any log line.
  for (const std::string& secret :
       {openai_.api_key(), telegram_.Token(),
        portal_.WebhookUrl().substr(
            portal_.WebhookUrl().rfind('/', portal_.WebhookUrl().size() - 2) + 1)}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret leaked: " << secret;
  }
}

// /metrics after one call: every stage timed, every provider's requests by method and status,
// the billed audio, the deliveries, the parked gauge — and nothing of the URLs' secrets.
TEST_F(PipelineE2eTest, MetricsShowEachStageEachProviderTheAudioBilledAndTheDeliveries) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming().Duration(75));
  Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();

  auto scrape = service.Client().Get("/metrics");
  ASSERT_TRUE(scrape && scrape->status == 200);
  const std::string& text = scrape->body;
  for (const char* stage :
       {"resolve", "download", "prepare", "transcribe", "summarize", "deliver"}) {
    EXPECT_NE(
        text.find(std::string("callbrief_stage_duration_seconds_count{outcome=\"ok\",stage=\"") +
                  stage + "\"} 1"),
        std::string::npos)
        << stage << "\n"
        << text;
  }
  for (
      const char* series :
      {R"(callbrief_provider_requests_total{method="voximplant.statistic.get",provider="bitrix24",status="200"})",
       R"(callbrief_provider_requests_total{method="disk.file.get",provider="bitrix24",status="200"})",
       R"(callbrief_provider_requests_total{method="download",provider="bitrix24",status="200"})",
       R"(callbrief_provider_requests_total{method="audio/transcriptions",provider="openai-transcribe",status="200"})",
       R"(callbrief_provider_requests_total{method="chat/completions",provider="openai-chat",status="200"})",
       R"(callbrief_provider_requests_total{method="sendMessage",provider="telegram",status="200"})",
       R"(callbrief_provider_request_duration_seconds_count{method="sendMessage",provider="telegram"})",
       R"(callbrief_provider_audio_seconds_total{model=)",
       R"(callbrief_deliveries_total{channel="telegram",status="done"} 1)",
       R"(callbrief_webhook_requests_total{result="ok",status="200"} 1)", "callbrief_calls_due 0",
       "callbrief_calls_parked 0"}) {
    EXPECT_NE(text.find(series), std::string::npos) << series << "\n" << text;
  }
  for (const std::string& secret :
       {openai_.api_key(), telegram_.Token(),
        portal_.WebhookUrl().substr(
            portal_.WebhookUrl().rfind('/', portal_.WebhookUrl().size() - 2) + 1)}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "a secret in /metrics: " << secret;
  }
}

TEST_F(PipelineE2eTest, AnOutgoingCallSaysSoInItsHeader) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Outgoing().Phone("+79005550000"));
  Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
  auto messages = TelegramMessages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].text.rfind("📞 Исходящий звонок", 0), 0u) << messages[0].text;
  EXPECT_NE(messages[0].text.find("• Кому: +79005550000"), std::string::npos) << messages[0].text;
}

TEST_F(PipelineE2eTest, ShortMissedAndUnrecordedCallsAreSkippedWithoutPayingAnyone) {
  ServiceProcess service(Env({{"RECORDING_WAIT", "2"}}));
  ASSERT_TRUE(service.Start());
  std::string short_call = AddCall(CallBuilder().Duration(6));
  std::string missed = AddCall(CallBuilder().Missed(), "");
  std::string unrecorded = AddCall(CallBuilder().Duration(60), "");
  for (const std::string& id : {short_call, missed, unrecorded}) Announce(service, id);

  EXPECT_NE(Text(WaitForStage(service, short_call, "skipped"), "skip_reason").find("too short"),
            std::string::npos);
  EXPECT_EQ(Text(WaitForStage(service, missed, "skipped"), "stage"), "skipped");
  EXPECT_EQ(Text(WaitForStage(service, unrecorded, "skipped"), "skip_reason"), "no recording");
  EXPECT_EQ(openai_.CountRequests(fakes::OpenAiEndpoint::kAny), 0);
  EXPECT_TRUE(TelegramMessages().empty());
}

TEST_F(PipelineE2eTest, MinCallDurationIsASettingNotAConstant) {
  ServiceProcess service(Env({{"MIN_CALL_DURATION", "3"}}));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Duration(6));
  Announce(service, call_id);
  EXPECT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
}

TEST_F(PipelineE2eTest, ARecordingThatAppearsLateIsWaitedFor) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = portal_.AddCall(CallBuilder().Build());
  portal_.AttachRecording(call_id, FixtureBytes("dialogue_stereo.mp3"),
                          fakes::RecordingOptions::HiddenForPolls(1));
  Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u);
}

// How many requests of `method` the portal has answered.
int RequestsOf(const fakes::FakeBitrix24& portal, std::string_view method) {
  int n = 0;
  for (const auto& request : portal.Requests()) n += request.method == method;
  return n;
}

TEST_F(PipelineE2eTest, ACallCostsThePortalOneStatisticReadAndOneDiskLink) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming());
  Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
  // Bitrix24 allows 2 requests a second for everything: the download reuses what resolve read.
  EXPECT_EQ(RequestsOf(portal_, "voximplant.statistic.get"), 1);
  EXPECT_EQ(RequestsOf(portal_, "disk.file.get"), 1);
}

TEST_F(PipelineE2eTest, WithoutTheDiskScopeTheCallWaitsSayingWhichScopeToAdd) {
  portal_.SetGrantedScopes({"crm", "telephony", "user"});
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming());
  Announce(service, call_id);
  json call = WaitFor(service, call_id,
                      [](const json& c) { return Text(c, "last_error_kind") == "config"; });
  EXPECT_EQ(Text(call, "stage"), "download") << call.dump(2);
  EXPECT_NE(Text(call, "last_error").find("\"disk\" scope"), std::string::npos) << call.dump(2);
  EXPECT_TRUE(TelegramMessages().empty());
}

TEST_F(PipelineE2eTest, RepeatedEventsForOneCallSendOneMessage) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder());
  for (int i = 0; i < 3; ++i) Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
  Announce(service, call_id);  // Even after it is done.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(TelegramMessages().size(), 1u);
  EXPECT_EQ(Comments(call_id).size(), 1u);
}

TEST_F(PipelineE2eTest, ProviderFaultsAreRetriedIntoExactlyOneMessageAndComment) {
  portal_.InjectFault("voximplant.statistic.get", fakes::Fault::QueryLimitExceeded());
  openai_.InjectFault(fakes::OpenAiEndpoint::kTranscriptions, fakes::OpenAiFault::RateLimit(1));
  openai_.InjectFault(fakes::OpenAiEndpoint::kChatCompletions, fakes::OpenAiFault::ServerError());
  telegram_.InjectFault("sendMessage", fakes::TelegramFault::TooManyRequests(1));
  portal_.InjectFault("crm.timeline.comment.add", fakes::Fault::InternalError());
  // A comment whose request failed with HTTP 500 may still have been added: the service waits one
  // BITRIX24_TIMEOUT for it to settle before it looks and adds again. 3 s instead of the default
  // 60 s keeps that behaviour and the test short.
  ServiceProcess service(Env({{"BITRIX24_TIMEOUT", "3"}}));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);

  json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u);
  EXPECT_EQ(Comments(call_id).size(), 1u);
  EXPECT_GE(call["stage_runs"].size(), 8u) << "each fault cost one failed run";
}

// Issue 13: crm.timeline.comment.add (a D7 controller) answers `"error": 100`, a JSON number. It
// used to throw out of the REST client and end the process, and again after every restart.
TEST_F(PipelineE2eTest, ANumericBitrixErrorCodeFailsTheCommentNotTheService) {
  portal_.InjectFault(
      "crm.timeline.comment.add",
      fakes::Fault::Raw(400,
                        R"({"error":100,"error_description":"Required fields are not set."})"));
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);

  json call = WaitFor(service, call_id, [](const json& c) {
    return Text(c, "last_error").find("HTTP 400 100: Required fields") != std::string::npos;
  });
  ASSERT_NE(Text(call, "last_error").find("crm.timeline.comment.add"), std::string::npos)
      << call.dump(2) << service.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u);
  // Still serving: a second call goes all the way through.
  std::string second = AddCall(CallBuilder());
  Announce(service, second);
  EXPECT_TRUE(Done(WaitFor(service, second, Done))) << service.Log();
  EXPECT_EQ(Comments(second).size(), 1u);
}

// Issue 13: the statistic row names only the contact; the deal the sales team works in is bound
// to the call's activity (crm.activity.binding.list), and that is where the summary goes.
TEST_F(PipelineE2eTest, ACallWhoseActivityIsBoundToADealIsCommentedOnTheDeal) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Contact(15).Deal(77));
  Announce(service, call_id);

  json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  auto on_deal = portal_.TimelineComments("deal", 77);
  ASSERT_EQ(on_deal.size(), 1u) << service.Log();
  EXPECT_NE(on_deal[0].comment.find("callbrief:" + call_id), std::string::npos);
  EXPECT_TRUE(portal_.TimelineComments("contact", 15).empty());
  std::string log = service.Log();
  for (int i = 0; i < 50 && log.find("Added to the Bitrix24 timeline") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = service.Log();
  }
  EXPECT_NE(log.find("(deal 77, comment " + std::to_string(on_deal[0].id) +
                     "): the deal bound to the call's activity"),
            std::string::npos)
      << log;
}

// Issue 13: an inbound webhook's Disk link is https://PORTAL/rest/USER/CODE/download/?token=…,
// the webhook code in the path and a signed copy of it in `token`. A failed download (logged,
// stored as the stage's error, shown in the API and UI) must not carry either.
TEST_F(PipelineE2eTest, ADiskDownloadLinkNeverReachesTheLogTheDatabaseOrTheApi) {
  portal_.InjectDownloadFault(fakes::DownloadFault::HttpError(500));
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  std::vector<std::string> secrets;
  for (const auto& request : portal_.Requests()) {
    if (request.method != fakes::kDownloadMethod) continue;
    std::string token = request.params.value("token", "");  // "disk|<query>|<signature>".
    std::stringstream parts(token);
    for (std::string part; std::getline(parts, part, '|');) {
      if (part.size() >= 16) secrets.push_back(part);
    }
  }
  ASSERT_GE(secrets.size(), 4u) << "two downloads, each with a query and a signature";
  std::string webhook = portal_.WebhookUrl();
  secrets.push_back(webhook.substr(webhook.rfind('/', webhook.size() - 2) + 1,
                                   webhook.size() - webhook.rfind('/', webhook.size() - 2) - 2));

  std::string stored;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(service.work_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    stored += std::string(std::istreambuf_iterator<char>(in), {});
  }
  auto api = service.Client().Get("/api/calls/" + call_id);
  ASSERT_TRUE(api) << "the API answers";
  std::string log = service.Log();
  for (const std::string& secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the log: " << secret;
    EXPECT_EQ(stored.find(secret), std::string::npos) << "in the work directory: " << secret;
    EXPECT_EQ(api->body.find(secret), std::string::npos) << "in the API: " << secret;
  }
  EXPECT_EQ(log.find("/download/?token=disk"), std::string::npos) << log;
}

TEST_F(PipelineE2eTest, AWrongOpenAiKeyParksTheCallWithTheReasonVisible) {
  ServiceProcess service(Env({{"OPENAI_API_KEY", "sk-wrong"}}));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  json call = WaitFor(service, call_id,
                      [](const json& c) { return Text(c, "last_error_kind") == "config"; });
  EXPECT_EQ(Text(call, "stage"), "transcribe") << call.dump(2);
  EXPECT_NE(Text(call, "last_error").find("OPENAI_API_KEY"), std::string::npos) << call.dump(2);
  EXPECT_EQ(call.dump().find("sk-wrong"), std::string::npos);
  EXPECT_EQ(service.Log().find("sk-wrong"), std::string::npos);
}

// kill -9 while each stage runs, on each database; the restarted service finishes the call with
// exactly one message and one comment, and at most one extra provider request for the
// interrupted stage.
class CrashE2eTest : public PipelineE2eTest,
                     public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {};

TEST_P(CrashE2eTest, KillNineDuringAStageLosesNothingAndDuplicatesNothing) {
  const std::string stage = std::get<0>(GetParam());
  const std::string database = std::get<1>(GetParam());
  EnvVars env_extra{{"BITRIX24_TIMEOUT", "3"}};
  std::unique_ptr<store::testing::PgTestDatabase> pg;  // Dropped when the test ends.
  if (database == "postgres") {
    CALLBRIEF_REQUIRE_PG_CLUSTER();
    auto db = store::testing::PgTestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.error().message;
    pg = std::move(*db);
    env_extra["DATABASE_URL"] = pg->url();
  }
  const auto hang = std::chrono::seconds(20);
  if (stage == "resolve") portal_.InjectFault("voximplant.statistic.get", fakes::Fault::Hang(hang));
  if (stage == "download")
    portal_.InjectDownloadFault(fakes::DownloadFault::Slow(1024, std::chrono::milliseconds(500)));
  if (stage == "transcribe") {
    openai_.InjectFault(fakes::OpenAiEndpoint::kTranscriptions, fakes::OpenAiFault::Slow(hang));
  }
  if (stage == "summarize") {
    openai_.InjectFault(fakes::OpenAiEndpoint::kChatCompletions, fakes::OpenAiFault::Slow(hang));
  }
  // The comment request hangs 2 s and then succeeds in Bitrix24 although its sender is dead: the
  // restarted service must wait for it to settle (BITRIX24_TIMEOUT) rather than add a second one.
  if (stage == "deliver") {
    portal_.InjectFault("crm.timeline.comment.add", fakes::Fault::Hang(std::chrono::seconds(2)));
  }

  ServiceProcess service(Env(env_extra));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder(), stage == "prepare" ? "pause_30s.mp3" : "dialogue");
  Announce(service, call_id);
  json during = WaitFor(service, call_id, [&](const json& c) {
    return Text(c, "stage") == stage || (stage == "resolve" && Text(c, "stage") == "received");
  });
  ASSERT_TRUE(during.is_object()) << service.Log();
  if (stage != "prepare") std::this_thread::sleep_for(std::chrono::milliseconds(300));
  service.Kill(SIGKILL);
  const int chats_before = openai_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions);
  const int transcriptions_before = openai_.CountRequests(fakes::OpenAiEndpoint::kTranscriptions);

  ASSERT_TRUE(service.Restart());
  json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u) << service.Log();
  if (stage == "deliver") std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(Comments(call_id).size(), 1u) << service.Log();
  // Work finished before the crash is not paid for again.
  if (stage == "summarize" || stage == "deliver") {
    EXPECT_EQ(openai_.CountRequests(fakes::OpenAiEndpoint::kTranscriptions), transcriptions_before);
  }
  if (stage == "deliver") {
    EXPECT_EQ(openai_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions), chats_before);
  }
  EXPECT_LE(openai_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions), chats_before + 1);
}

// SIGSTOP of the real service for longer than its lease while a second instance on the same
// PostgreSQL takes the call over and delivers it; then SIGCONT. The first instance's late summary
// is refused (its claim is stale) and logged, and it sends nothing: one message, one comment.
TEST_F(PipelineE2eTest, APausedInstanceLosesItsCallToAnotherAndItsLateResultIsRefused) {
  CALLBRIEF_REQUIRE_PG_CLUSTER();
  auto db = store::testing::PgTestDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.error().message;
  // The summary answers late, so the first instance is inside that request when it is stopped.
  openai_.InjectFault(fakes::OpenAiEndpoint::kChatCompletions,
                      fakes::OpenAiFault::Slow(std::chrono::seconds(8)));
  const EnvVars env = Env({{"DATABASE_URL", (*db)->url()}, {"LEASE_SECONDS", "6"}});
  ServiceProcess first(env);
  ASSERT_TRUE(first.Start());
  std::string call_id = AddCall(CallBuilder());
  Announce(first, call_id);
  json during = WaitForStage(first, call_id, "summarize");
  ASSERT_EQ(Text(during, "stage"), "summarize") << first.Log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // The request is on its way.
  ASSERT_EQ(::kill(first.pid(), SIGSTOP), 0);

  ServiceProcess second(env);  // Another DATA_DIR: another instance name.
  ASSERT_TRUE(second.Start());
  json call = WaitFor(second, call_id, Done, std::chrono::seconds(90));
  ::kill(first.pid(), SIGCONT);
  ASSERT_TRUE(Done(call)) << call.dump(2) << second.Log();

  const std::string refused = "was taken over by another claim; this worker's result";
  for (int i = 0; i < 300 && first.Log().find(refused) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(first.Log().find(refused), std::string::npos) << first.Log();
  EXPECT_EQ(TelegramMessages().size(), 1u) << first.Log() << second.Log();
  EXPECT_EQ(Comments(call_id).size(), 1u) << first.Log() << second.Log();
  EXPECT_EQ(Text(CallJson(second, call_id), "stage"), "done");
}

// With several instances the recording lies in the DATA_DIR of the instance that downloaded it;
// the call page on any other instance still plays it, seeking included (issue 21, item 5).
TEST_F(PipelineE2eTest, EveryInstancePlaysARecordingAnotherInstanceDownloaded) {
  CALLBRIEF_REQUIRE_PG_CLUSTER();
  auto db = store::testing::PgTestDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.error().message;
  const EnvVars env = Env({{"DATABASE_URL", (*db)->url()}});
  ServiceProcess first(env);
  ASSERT_TRUE(first.Start());
  const std::string call_id = AddCall(CallBuilder());
  Announce(first, call_id);
  const json call = WaitFor(first, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << first.Log();
  const std::string recording = FixtureBytes("dialogue_stereo.mp3");
  const std::string audio_path = "/api/calls/" + call_id + "/audio";

  ServiceProcess second(env);  // Another DATA_DIR, without the recording.
  ASSERT_TRUE(second.Start());
  const std::filesystem::path copy = second.work_dir() / "data" / "calls" /
                                     std::to_string(call["id"].get<std::int64_t>()) / "recording";
  ASSERT_FALSE(std::filesystem::exists(copy));
  auto whole = second.Client().Get(audio_path);
  ASSERT_TRUE(whole) << second.Log();
  EXPECT_EQ(whole->status, 200) << whole->body.substr(0, 200) << second.Log();
  EXPECT_TRUE(whole->body == recording)
      << whole->body.size() << " bytes, not the recording's " << recording.size();
  EXPECT_EQ(whole->get_header_value("Content-Type"), "audio/mpeg");
  EXPECT_TRUE(std::filesystem::exists(copy)) << "the copy is kept for the next request";

  auto part = second.Client().Get(audio_path, {{"Range", "bytes=100-199"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_TRUE(part->body == recording.substr(100, 100));
  // The recording was downloaded twice in all: once by each instance, never once per request.
  EXPECT_EQ(portal_.CountRequests(fakes::kDownloadMethod), 2) << second.Log();
}

// Telegram's limits are per bot and chat, not per instance: two instances on one PostgreSQL
// share their send slots through the database (issue 13, item 16), so a burst of calls finishing
// on both at once reaches a flood-limited Telegram without a single 429.
TEST_F(PipelineE2eTest, TwoInstancesSendingABurstToOneChatGetNo429) {
  CALLBRIEF_REQUIRE_PG_CLUSTER();
  auto db = store::testing::PgTestDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.error().message;
  fakes::FakeTelegram strict({.flood_limits = true});
  ASSERT_TRUE(strict.Start().ok());
  strict.AddChat({.id = kChatId, .type = "supergroup", .title = "Звонки"});
  const EnvVars env = Env({{"DATABASE_URL", (*db)->url()},
                           {"TELEGRAM_API_BASE_URL", strict.BaseUrl()},
                           {"TELEGRAM_BOT_TOKEN", strict.Token()}});
  ServiceProcess first(env);
  ServiceProcess second(env);  // Another DATA_DIR: another instance.
  ASSERT_TRUE(first.Start());
  ASSERT_TRUE(second.Start());

  // Announced in turn to both: each instance processes its own half at the same time.
  constexpr int kCalls = 8;
  std::vector<std::string> call_ids;
  for (int i = 0; i < kCalls; ++i) call_ids.push_back(AddCall(CallBuilder()));
  for (int i = 0; i < kCalls; ++i) Announce(i % 2 ? second : first, call_ids[i]);
  for (const std::string& call_id : call_ids) {
    json call = WaitFor(first, call_id, Done, std::chrono::seconds(120));
    ASSERT_TRUE(Done(call)) << call.dump(2) << first.Log() << second.Log();
  }

  int refused = 0;
  for (const fakes::LoggedTelegramRequest& request : strict.Requests()) {
    if (request.status == 429) ++refused;
  }
  EXPECT_EQ(refused, 0) << first.Log() << second.Log();
  EXPECT_EQ(strict.Messages(kChatId).size(), static_cast<std::size_t>(kCalls));
  strict.Stop();
}

INSTANTIATE_TEST_SUITE_P(EveryStage, CrashE2eTest,
                         ::testing::Combine(::testing::Values("resolve", "download", "prepare",
                                                              "transcribe", "summarize", "deliver"),
                                            ::testing::Values("sqlite", "postgres")),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param);
                         });

}  // namespace
}  // namespace callbrief::testing
