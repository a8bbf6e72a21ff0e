// Trackers and alerts end to end (issue 17, items 2 and 3): the real `callbrief serve` against
// the emulators. A tracker created through the API is heard in the call's transcript, the hit is
// stored with the call, and one alert goes to the alerts' forum topic with the quote and a link to
// the call — once, also when another channel makes the stage run again, and also when the service
// is killed while the alert's request is out.

#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

class AlertsE2eTest : public PipelineE2eTest {
 protected:
  static constexpr std::int64_t kAlertChat = -1005556667778;
  static constexpr std::int64_t kTopic = 12;

  void SetUp() override {
    PipelineE2eTest::SetUp();
    telegram_.AddChat(
        {.id = kAlertChat, .title = "Оповещения", .is_forum = true, .topics = {kTopic}});
    // What the speech-to-text emulator hears in each uploaded chunk (one script per upload).
    for (int i = 0; i < 4; ++i) {
      openai_.AddTranscript(
          {.segments = {{.start = 0.5, .end = 3.0, .text = "Мы уйдём к другому поставщику."}}});
    }
  }

  EnvVars AlertEnv(EnvVars extra = {}) const {
    extra.insert({{"TELEGRAM_ALERT_CHAT_ID", std::to_string(kAlertChat)},
                  {"TELEGRAM_ALERT_THREAD_ID", std::to_string(kTopic)},
                  {"ALERT_RULES", "tracker"}});
    return Env(std::move(extra));
  }

  // The tracker "Конкуренты" (both sides, alerts on), made as the Trackers page makes it.
  static std::int64_t AddTracker(const ServiceProcess& service) {
    auto res = service.Client().Post(
        "/api/trackers",
        R"({"name":"Конкуренты","phrases":["другой поставщик"],"side":"both","alert":true})",
        "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    if (!res || res->status != 201) return 0;
    return json::parse(res->body)["tracker"]["id"].get<std::int64_t>();
  }

  static json DeliveryOf(const json& call, std::string_view channel) {
    for (const json& delivery : call["deliveries"]) {
      if (delivery["channel"] == channel) return delivery;
    }
    return nullptr;
  }
};

TEST_F(AlertsE2eTest, ATrackerHitSendsOneAlertToTheAlertTopicWithTheQuoteAndALink) {
  // The timeline refuses once: the deliver stage runs a second time, and must not alert again.
  // (A comment whose request failed may still land: the service waits one BITRIX24_TIMEOUT
  // before it looks, 3 s here.)
  portal_.InjectFault("crm.timeline.comment.add", fakes::Fault::InternalError());
  ServiceProcess service(AlertEnv({{"BITRIX24_TIMEOUT", "3"}}));
  ASSERT_TRUE(service.Start());
  const std::int64_t tracker = AddTracker(service);
  const std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  const json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  ASSERT_FALSE(call["tracker_hits"].empty()) << call["transcript"].dump(2);
  const json hit = call["tracker_hits"][0];
  EXPECT_EQ(hit["tracker_id"], tracker);
  EXPECT_EQ(hit["tracker"], "Конкуренты");
  EXPECT_EQ(hit["said"], "другому поставщику");

  const auto alerts = telegram_.Messages(kAlertChat);
  ASSERT_EQ(alerts.size(), 1u) << service.Log();
  EXPECT_EQ(alerts[0].thread_id, kTopic);
  EXPECT_NE(alerts[0].text.find("Трекер «Конкуренты»"), std::string::npos) << alerts[0].text;
  EXPECT_NE(alerts[0].text.find("Мы уйдём к другому поставщику."), std::string::npos);
  EXPECT_NE(alerts[0].raw_text.find("https://calls.example.com/calls/" +
                                    std::to_string(call["id"].get<std::int64_t>()) + "#t="),
            std::string::npos)
      << alerts[0].raw_text;
  EXPECT_EQ(DeliveryOf(call, "telegram_alerts")["status"], "done") << call["deliveries"];
  EXPECT_GE(DeliveryOf(call, "bitrix_timeline")["attempts"], 2) << "the stage ran again";
  EXPECT_EQ(TelegramMessages().size(), 1u) << "the summary, once, in its own chat";

  // The Calls list finds the call by its tracker.
  auto listed = service.Client().Get("/api/calls?tracker=" + std::to_string(tracker));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  ASSERT_EQ(json::parse(listed->body)["calls"].size(), 1u);
}

// kill -9 while the alert's request is out: the emulator sends the alert and holds its answer for
// 20 s; the test kills the service as soon as the alert is in the chat. The restarted service
// cannot know whether it arrived, and does not send it again.
TEST_F(AlertsE2eTest, KillNineDuringTheAlertsRequestDoesNotSendItTwice) {
  telegram_.InjectFault(
      "sendMessage", fakes::TelegramFault::AnswerLate(std::chrono::seconds(20)).InChat(kAlertChat));
  ServiceProcess service(AlertEnv());
  ASSERT_TRUE(service.Start());
  AddTracker(service);
  const std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (telegram_.Messages(kAlertChat).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(telegram_.Messages(kAlertChat).size(), 1u) << service.Log();
  service.Kill(SIGKILL);

  ASSERT_TRUE(service.Restart());
  const json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_EQ(telegram_.Messages(kAlertChat).size(), 1u) << service.Log();
  const json delivery = DeliveryOf(call, "telegram_alerts");
  EXPECT_EQ(delivery["status"], "done") << call["deliveries"];
  // The alert counted as sent, its message id unknown (0).
  EXPECT_NE(Text(delivery, "external_id").find("\":0}"), std::string::npos) << delivery;
  EXPECT_NE(service.Log().find("may have reached Telegram"), std::string::npos);
  EXPECT_EQ(TelegramMessages().size(), 1u);
}

TEST_F(AlertsE2eTest, WithoutTheAlertChatNothingIsSentThereAndTheHitIsStillKept) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  AddTracker(service);
  const std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  const json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_FALSE(call["tracker_hits"].empty());
  EXPECT_TRUE(telegram_.Messages(kAlertChat).empty());
  EXPECT_TRUE(DeliveryOf(call, "telegram_alerts").is_null()) << call["deliveries"];
}

}  // namespace
}  // namespace callbrief::testing
