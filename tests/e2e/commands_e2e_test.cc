// The operator's commands against the three emulators: `doctor` (and the status page, which shows
// the same checks), `process FILE`, which runs a local recording through the stages, and
// `calls erase`, a data subject's request for deletion; and the
// optional extras of a delivery (the transcript on the Bitrix24 call card).

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"

namespace callbrief::testing {
namespace {

using nlohmann::json;

class CommandsE2eTest : public PipelineE2eTest {
 protected:
  // The synthesized two-party dialogue, copied into the service's work directory.
  static std::string WriteDialogue(const ServiceProcess& service) {
    service.WriteFile("call.mp3", FixtureBytes("dialogue_stereo.mp3"));
    return "call.mp3";
  }
};

TEST_F(CommandsE2eTest, DoctorChecksEveryProviderWithoutSpendingAnything) {
  ServiceProcess service(Env({{"BITRIX24_APPLICATION_TOKEN", "app-token-1"}}));
  ASSERT_EQ(service.RunToExit({"migrate"}), ExitedWith(0)) << service.Log();
  ASSERT_EQ(service.RunToExit({"doctor"}), ExitedWith(0)) << service.Log();
  const std::string out = service.Stdout();
  for (const char* line : {"✅ Database: sqlite://data/callbrief.db opens and answers",
                           "✅ Bitrix24: the webhook answers as", "✅ Telegram: the bot is @",
                           "✅ Telegram: the bot may post to the supergroup \"Звонки\"",
                           "✅ Speech-to-text: ", "✅ Summary: ", "✅ Audio helper: /"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
  EXPECT_EQ(out.find("❌"), std::string::npos) << out;
  // The disk of DATA_DIR (a warning only when this machine's disk is nearly full).
  EXPECT_NE(out.find(" Data directory: data: "), std::string::npos) << out;
  EXPECT_NE(out.find("kept for ever (set RETAIN_AUDIO_DAYS"), std::string::npos) << out;
  EXPECT_TRUE(telegram_.Messages().empty()) << "doctor must not post to the chat";
  for (const auto& request : openai_.Requests()) {
    EXPECT_EQ(request.path, "/v1/models") << "doctor must not spend tokens or audio";
  }
}

TEST_F(CommandsE2eTest, DoctorSaysWhichVariableToFixAndNeverShowsTheSecret) {
  ServiceProcess service(
      Env({{"OPENAI_API_KEY", "sk-wrong-key-9876"}, {"TELEGRAM_TARGET_CHAT_ID", "-100999"}}));
  EXPECT_EQ(service.RunToExit({"doctor"}), ExitedWith(1));
  const std::string out = service.Stdout();
  EXPECT_NE(out.find("❌ Summary: "), std::string::npos) << out;
  EXPECT_NE(out.find("OPENAI_API_KEY"), std::string::npos) << out;
  EXPECT_NE(out.find("❌ Telegram: "), std::string::npos) << out;
  EXPECT_NE(out.find("TELEGRAM_TARGET_CHAT_ID"), std::string::npos) << out;
  EXPECT_EQ(service.Log().find("sk-wrong-key-9876"), std::string::npos) << service.Log();
  EXPECT_EQ(service.Log().find(telegram_.Token()), std::string::npos) << service.Log();
}

TEST_F(CommandsE2eTest, TheStatusPageShowsTheDoctorsChecks) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  auto res = service.Client().Get("/api/status");
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
  json status = json::parse(res->body);
  std::map<std::string, bool> ok;
  for (const json& check : status["report"]["checks"]) {
    ok[check["name"]] = ok.contains(check["name"]) ? ok[check["name"]] && check["ok"].get<bool>()
                                                   : check["ok"].get<bool>();
  }
  for (const char* name : {"Database", "Audio helper", "Telegram", "Speech-to-text", "Summary"}) {
    EXPECT_TRUE(ok[name]) << name << "\n" << status.dump(2);
  }
  EXPECT_TRUE(ok.contains("Data directory")) << status.dump(2);
  EXPECT_EQ(status["webhook_url"], "https://calls.example.com/api/bitrix-webhook/call-finished");
}

TEST_F(CommandsE2eTest, ProcessPrintsTheTelegramMessageOfALocalRecordingAndStoresNothing) {
  ServiceProcess service(Env());
  const std::string file = WriteDialogue(service);
  ASSERT_EQ(service.RunToExit({"process", file, "--from", "+79001234567", "--to", "+74950000000",
                               "--direction", "incoming"}),
            ExitedWith(0))
      << service.Log();
  const std::string out = service.Stdout();
  EXPECT_EQ(out.rfind("📞 Входящий звонок", 0), 0u) << out;
  for (const char* block :
       {"• От: +79001234567", "• Кому: +74950000000", "📝 Саммари:", "📊 Тон разговора: "}) {
    EXPECT_NE(out.find(block), std::string::npos) << block << "\n" << out;
  }
  EXPECT_EQ(out.find("<b>"), std::string::npos) << "plain text expected:\n" << out;
  EXPECT_NE(service.Stderr().find("✅ Transcription completed"), std::string::npos)
      << service.Stderr();
  EXPECT_TRUE(telegram_.Messages().empty());
  EXPECT_FALSE(std::filesystem::exists(service.DatabasePath()))
      << "process must not touch the service's database";
}

TEST_F(CommandsE2eTest, ProcessDeliverSendsOneMessage) {
  ServiceProcess service(Env());
  const std::string file = WriteDialogue(service);
  ASSERT_EQ(service.RunToExit({"process", file, "--direction", "outgoing", "--deliver"}),
            ExitedWith(0))
      << service.Log();
  auto messages = TelegramMessages();
  ASSERT_EQ(messages.size(), 1u) << service.Log();
  EXPECT_EQ(messages[0].text.rfind("📞 Исходящий звонок", 0), 0u) << messages[0].text;
  EXPECT_TRUE(portal_.Requests().empty()) << "a local file belongs to no CRM entity";
}

TEST_F(CommandsE2eTest, ProcessStopsAtOnceOnAConfigurationError) {
  ServiceProcess service(Env({{"OPENAI_API_KEY", "sk-wrong-key-9876"}}));
  const std::string file = WriteDialogue(service);
  EXPECT_EQ(service.RunToExit({"process", file}), ExitedWith(2)) << service.Log();
  EXPECT_NE(service.Stderr().find("OPENAI_API_KEY"), std::string::npos) << service.Stderr();
  EXPECT_EQ(service.Log().find("sk-wrong-key-9876"), std::string::npos) << service.Log();
}

TEST_F(CommandsE2eTest, ProcessRefusesAFileThatIsNotAudio) {
  ServiceProcess service(Env());
  service.WriteFile("notes.mp3", "this is not audio at all");
  EXPECT_EQ(service.RunToExit({"process", "notes.mp3"}), ExitedWith(1)) << service.Log();
  EXPECT_FALSE(service.Stderr().empty());
}

TEST_F(CommandsE2eTest, EraseRemovesAPersonsCallsAndBitrixCannotBringThemBack) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  const std::string erased_id =
      AddCall(fakes::CallBuilder().Incoming().Phone("+79001234567").Duration(75));
  const std::string kept_id =
      AddCall(fakes::CallBuilder().Incoming().Phone("+79005554433").Duration(75));
  Announce(service, erased_id);
  Announce(service, kept_id);
  const json erased = WaitFor(service, erased_id, Done);
  ASSERT_TRUE(Done(erased)) << service.Log();
  ASSERT_TRUE(Done(WaitFor(service, kept_id, Done))) << service.Log();
  const std::filesystem::path files =
      service.work_dir() / "data" / "calls" / std::to_string(erased["id"].get<std::int64_t>());
  ASSERT_TRUE(std::filesystem::exists(files)) << files;
  ASSERT_TRUE(service.Terminate().has_value());

  // The number as the person gives it: listed first, nothing erased without --yes.
  ASSERT_EQ(service.RunToExit({"calls", "erase", "--number", "8 (900) 123-45-67"}), ExitedWith(0))
      << service.Log();
  EXPECT_NE(service.Stdout().find("Nothing is erased yet"), std::string::npos) << service.Stdout();
  EXPECT_TRUE(std::filesystem::exists(files));
  ASSERT_EQ(service.RunToExit({"calls", "erase", "--number", "8 (900) 123-45-67", "--yes"}),
            ExitedWith(0))
      << service.Log();
  EXPECT_NE(service.Stdout().find("Erased 1 of 1 call(s)"), std::string::npos) << service.Stdout();
  EXPECT_FALSE(std::filesystem::exists(files));
  EXPECT_EQ(service.RunToExit({"calls", "erase", erased_id}), ExitedWith(3)) << service.Log();

  // Bitrix24 repeats the event (the reconciler and a backfill announce a call through the same
  // intake: EraseStoreTest): the call stays erased and nobody is told about it again.
  ASSERT_TRUE(service.Restart());
  Announce(service, erased_id);
  EXPECT_TRUE(CallJson(service, erased_id).is_null());
  EXPECT_TRUE(Done(CallJson(service, kept_id)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(CallJson(service, erased_id).is_null());
  EXPECT_EQ(TelegramMessages().size(), 2u);

  // The call page's button: the same erasure through the API, never from another site's page.
  auto client = service.Client();
  const std::string erase = "/api/calls/" + kept_id + "/erase";
  auto cross = client.Post(erase, {{"Origin", "https://evil.example"}}, "", "");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403) << cross->body;
  auto erased_by_api = client.Post(erase, "", "");
  ASSERT_TRUE(erased_by_api);
  EXPECT_EQ(erased_by_api->status, 200) << erased_by_api->body;
  EXPECT_TRUE(CallJson(service, kept_id).is_null());
  auto again = client.Post(erase, "", "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404) << again->body;

  ASSERT_TRUE(service.Terminate().has_value());  // Info lines reach the log within a second.
  for (const char* line :
       {"Event for a call erased on request: not stored", "erased on request by 127.0.0.1"}) {
    EXPECT_NE(service.Log().find(line), std::string::npos) << line << "\n" << service.Log();
  }
}

}  // namespace
}  // namespace callbrief::testing

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;

// The delivery of `channel` in the call's JSON; null when there is none.
json DeliveryOf(const json& call, const std::string& channel) {
  for (const json& d : call["deliveries"]) {
    if (d["channel"] == channel) return d;
  }
  return nullptr;
}

TEST_F(PipelineE2eTest, WithTheOptionTheTranscriptIsAttachedToTheCallCardWithItsSides) {
  ServiceProcess service(Env({{"BITRIX24_ATTACH_TRANSCRIPT", "true"}}));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming());
  Announce(service, call_id);
  json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  auto attached = portal_.AttachedTranscript(call_id);
  ASSERT_TRUE(attached.has_value()) << service.Log();
  std::set<std::string> sides;
  for (const json& message : (*attached)["MESSAGES"]) sides.insert(message["SIDE"]);
  EXPECT_EQ(sides, (std::set<std::string>{"User", "Client"})) << attached->dump(2);
  // No COST: the card shows it in the call's currency, and ours is USD (issue 13).
  EXPECT_EQ((*attached)["COST"], 0) << attached->dump(2);
  EXPECT_EQ((*attached)["COST_CURRENCY"], "") << attached->dump(2);
  EXPECT_EQ(DeliveryOf(call, "bitrix_transcript")["status"], "done") << call["deliveries"];
}

TEST_F(PipelineE2eTest, AMonoRecordingsTranscriptIsNotAttachedWithGuessedSides) {
  ServiceProcess service(Env({{"BITRIX24_ATTACH_TRANSCRIPT", "true"}}));
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming(), "dialogue_mono.wav");
  Announce(service, call_id);
  json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  EXPECT_FALSE(portal_.AttachedTranscript(call_id).has_value());
  json delivery = DeliveryOf(call, "bitrix_transcript");
  EXPECT_EQ(delivery["status"], "skipped") << call["deliveries"];
  EXPECT_EQ(TelegramMessages().size(), 1u);
}

TEST_F(PipelineE2eTest, WithoutTheOptionNothingIsAttached) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  std::string call_id = AddCall(CallBuilder().Incoming());
  Announce(service, call_id);
  ASSERT_TRUE(Done(WaitFor(service, call_id, Done))) << service.Log();
  EXPECT_FALSE(portal_.AttachedTranscript(call_id).has_value());
}

}  // namespace
}  // namespace callbrief::testing
