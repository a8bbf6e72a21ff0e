#include "e2e/e2e_support.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "fakes/call_end_event.h"

namespace callbrief::testing {

std::string FixtureBytes(const std::string& name) {
  std::ifstream in(std::string(CALLBRIEF_AUDIO_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void PipelineE2eTest::SetUp() {
  ASSERT_TRUE(portal_.Start().ok());
  ASSERT_TRUE(openai_.Start().ok());
  ASSERT_TRUE(telegram_.Start().ok());
  telegram_.AddChat({.id = kChatId, .type = "supergroup", .title = "Звонки"});
}

void PipelineE2eTest::TearDown() {
  // Injected hangs end at once, so a killed service's requests do not hold the emulators.
  telegram_.Stop();
  openai_.Stop();
  portal_.Stop();
}

EnvVars PipelineE2eTest::Env(EnvVars extra) const {
  EnvVars env = {
      {"BITRIX24_WEBHOOK_URL", portal_.WebhookUrl()},
      {"OPENAI_API_KEY", openai_.api_key()},
      {"OPENAI_BASE_URL", openai_.BaseUrl()},
      {"TELEGRAM_BOT_TOKEN", telegram_.Token()},
      {"TELEGRAM_TARGET_CHAT_ID", std::to_string(kChatId)},
      {"TELEGRAM_API_BASE_URL", telegram_.BaseUrl()},
      {"PUBLIC_URL", "https://calls.example.com"},
      {"RECONCILE_INTERVAL", "0"},
      {"RECORDING_WAIT", "30"},
  };
  for (auto& [name, value] : extra) env[name] = value;
  return env;
}

std::string PipelineE2eTest::AddCall(fakes::CallBuilder builder, const std::string& recording) {
  std::string call_id = portal_.AddCall(builder.Build());
  if (recording == "dialogue") {
    portal_.AttachRecording(call_id, FixtureBytes("dialogue_stereo.mp3"));
  } else if (!recording.empty()) {
    portal_.AttachRecording(call_id, FixtureBytes(recording));
  }
  return call_id;
}

void PipelineE2eTest::Announce(const ServiceProcess& service, const std::string& call_id) {
  auto call = portal_.FindCall(call_id);
  ASSERT_TRUE(call.has_value());
  auto res = fakes::PostCallEnd(
      "http://127.0.0.1:" + std::to_string(service.port()) + "/api/bitrix-webhook/call-finished",
      *call, "");
  ASSERT_TRUE(res) << "the service did not answer the event";
  ASSERT_EQ(res->status, 200) << res->body;
}

nlohmann::json PipelineE2eTest::CallJson(const ServiceProcess& service,
                                         const std::string& call_id) {
  auto res = service.Client().Get("/api/calls/" + call_id);
  if (!res || res->status != 200) return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

nlohmann::json PipelineE2eTest::WaitFor(const ServiceProcess& service, const std::string& call_id,
                                        const std::function<bool(const nlohmann::json&)>& done,
                                        std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json call;
  while (std::chrono::steady_clock::now() < deadline) {
    call = CallJson(service, call_id);
    if (call.is_object() && done(call)) return call;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return call;
}

nlohmann::json PipelineE2eTest::WaitForStage(const ServiceProcess& service,
                                             const std::string& call_id, std::string_view stage,
                                             std::chrono::seconds timeout) {
  return WaitFor(
      service, call_id, [&](const nlohmann::json& c) { return c.value("stage", "") == stage; },
      timeout);
}

std::vector<fakes::SentTelegramMessage> PipelineE2eTest::TelegramMessages() const {
  return telegram_.Messages(kChatId);
}

std::vector<fakes::TimelineComment> PipelineE2eTest::Comments(const std::string& call_id) const {
  auto call = portal_.FindCall(call_id);
  if (!call) return {};
  return portal_.TimelineComments("contact", call->crm_entity_id);
}

}  // namespace callbrief::testing
