// callbrief's Telegram client and delivery (src/notify) against FakeTelegram over real HTTP with
// the production libcurl client: what the chat shows, and every error path.

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fakes/fake_telegram.h"
#include "fakes/telegram_html.h"
#include "net/http_client.h"
#include "notify/telegram_client.h"
#include "notify/telegram_delivery.h"
#include "notify/telegram_format.h"
#include "notify/telegram_pacer.h"
#include "notify/test_fixtures.h"

namespace callbrief::notify {
namespace {

using core::ErrorKind;
using fakes::FakeTelegram;
using fakes::TelegramFault;

constexpr std::int64_t kChat = -1001234567890;
const std::string kSecretPart = "AAFakeTelegramTokenForTests_0123456";

class TelegramEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    telegram_.AddChat({.id = kChat, .is_forum = true, .topics = {42}});
    ASSERT_TRUE(telegram_.Start().ok());
  }

  std::unique_ptr<TelegramClient> Client(
      std::string token = "", std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return MakeTelegramClient(*http_, {.api_base_url = telegram_.BaseUrl(),
                                       .bot_token = token.empty() ? telegram_.Token() : token,
                                       .timeout = timeout,
                                       .upload_timeout = timeout});
  }

  core::Result<DeliveryProgress> Deliver(TelegramClient& client, const TelegramDelivery& plan,
                                         DeliveryProgress progress = {},
                                         ChatTarget target = {.chat_id = std::to_string(kChat)}) {
    return DeliverToTelegram(client, target, plan, std::move(progress),
                             [this](const DeliveryProgress& p) {
                               reported_.push_back(p);
                               return core::Ok();
                             });
  }

  FakeTelegram telegram_;
  std::unique_ptr<net::HttpClient> http_ =
      net::MakeCurlHttpClient({.user_agent = "callbrief-test"});
  std::vector<DeliveryProgress> reported_;
};

TEST_F(TelegramEmulatorTest, SeedCallShowsTheSeedTextInTheChat) {
  auto client = Client();
  auto done = Deliver(*client, PlanTelegramDelivery(testing::SeedCall(), {}));
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].text, testing::kSeedText);
  EXPECT_TRUE(messages[0].link_preview_disabled);
  EXPECT_EQ(done->message_ids, (std::vector<std::int64_t>{messages[0].message_id}));
}

TEST_F(TelegramEmulatorTest, HostileTextReachesTheChatAsText) {
  CallMessage call = testing::FullCall();
  call.summary = "<b>not bold</b> & <a href=\"x\">not a link</a> </blockquote>";
  auto client = Client();
  auto done = Deliver(*client, PlanTelegramDelivery(call, {}), {},
                      {.chat_id = std::to_string(kChat), .thread_id = 42});
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].text.find(call.summary), std::string::npos);
  EXPECT_EQ(messages[0].thread_id, 42);
  EXPECT_NE(messages[0].text.find("Клиент: ООО \"Чистый <Дом>\" & партнёры"), std::string::npos);
}

TEST_F(TelegramEmulatorTest, HourLongInlineTranscriptIsAcceptedPartByPart) {
  CallMessage call = testing::FullCall();
  call.transcript.clear();
  for (int i = 0; i < 720; ++i) {
    call.transcript.push_back({.start_ms = i * 5000,
                               .speaker = i % 2 ? "client" : "manager",
                               .text = "Реплика " + std::to_string(i) + " про <уборку> & 😀"});
  }
  TelegramDelivery plan = PlanTelegramDelivery(call, {.transcript = TranscriptMode::kInline});
  ASSERT_GT(plan.parts.size(), 5u);
  auto client = Client();
  auto done = Deliver(*client, plan);
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), plan.parts.size());
  for (std::size_t i = 1; i < messages.size(); ++i) {  // Every later part is in the quote.
    ASSERT_FALSE(messages[i].entities.empty());
    EXPECT_EQ(messages[i].entities[0]["type"], "expandable_blockquote");
    EXPECT_EQ(messages[i].entities[0]["offset"], 0);
  }
  EXPECT_NE(messages.back().text.find("Реплика 719 про <уборку> & 😀"), std::string::npos);
}

TEST_F(TelegramEmulatorTest, EverySpeakerNameStaysBoldInATranscriptOfManyShortLines) {
  // 150 lines fit one message by length; Telegram would keep only 100 of their entities
  // (the emulator drops the rest as tdlib does), so the split goes by entities too.
  CallMessage call = testing::FullCall();
  call.transcript.clear();
  for (int i = 0; i < 150; ++i) {
    call.transcript.push_back(
        {.start_ms = i * 2000, .speaker = i % 2 ? "client" : "manager", .text = "да"});
  }
  TelegramDelivery plan = PlanTelegramDelivery(call, {.transcript = TranscriptMode::kInline});
  auto client = Client();
  auto done = Deliver(*client, plan);
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), plan.parts.size());
  EXPECT_EQ(messages.size(), 2u);
  int names = 0;
  for (const auto& message : messages) {
    std::set<std::size_t> bold_at;
    for (const auto& entity : message.entities) {
      if (entity["type"] == "bold") bold_at.insert(entity["offset"].get<std::size_t>());
    }
    for (std::string_view name : {"Менеджер: да", "Клиент: да"}) {
      for (std::size_t at = message.text.find(name); at != std::string::npos;
           at = message.text.find(name, at + 1)) {
        ++names;
        EXPECT_TRUE(bold_at.count(fakes::Utf16Units(message.text.substr(0, at))))
            << "not bold: " << name << " at byte " << at << " of message " << message.message_id;
      }
    }
  }
  EXPECT_EQ(names, 150);
}

TEST_F(TelegramEmulatorTest, LongTranscriptArrivesAsADocument) {
  CallMessage call = testing::FullCall();
  for (int i = 0; i < 300; ++i) call.transcript.push_back({.start_ms = i * 1000, .text = "слово"});
  TelegramDelivery plan = PlanTelegramDelivery(call, {});
  ASSERT_TRUE(plan.document);
  auto client = Client();
  auto done = Deliver(*client, plan);
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_TRUE(messages[1].is_document);
  EXPECT_EQ(messages[1].file_name, "transcript_5E316880469A6376.1773306964.8740011.txt");
  EXPECT_EQ(messages[1].file_content, plan.document->content);
  EXPECT_EQ(messages[1].text, "📜 Расшифровка звонка\n+74950000001 → +79161234567, 1ч 2м 5с");
  EXPECT_EQ(done->document_message_id, messages[1].message_id);
}

TEST_F(TelegramEmulatorTest, FloodControlStopsAndTheRetrySendsOnlyTheRest) {
  TelegramDelivery plan{.parts = {"one", "two", "three"}};
  auto client = Client();
  // Flood control starts right after the first part is through.
  bool injected = false;
  auto first = DeliverToTelegram(
      *client, {.chat_id = std::to_string(kChat)}, plan, {}, [&](const DeliveryProgress& progress) {
        reported_.push_back(progress);
        if (!injected) {
          telegram_.InjectFault("sendMessage", TelegramFault::TooManyRequests(7));
          injected = true;
        }
        return core::Ok();
      });
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(first.error().retry_after, std::chrono::seconds(7));
  ASSERT_EQ(reported_.back().message_ids.size(), 1u);

  auto resumed = Deliver(*client, plan, reported_.back());
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  std::vector<std::string> texts;
  for (const auto& message : telegram_.Messages(kChat)) texts.push_back(message.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(telegram_.CountRequests("sendMessage"), 4);
}

TEST_F(TelegramEmulatorTest, UpgradedGroupIsFollowedAndRemembered) {
  telegram_.AddChat({.id = -555, .type = "group"});
  telegram_.UpgradeToSupergroup(-555, -100555);
  auto client = Client();
  auto done = Deliver(*client, {.parts = {"a", "b"}}, {}, {.chat_id = "-555"});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->chat_id, "-100555");
  EXPECT_EQ(telegram_.Messages(-100555).size(), 2u);
  EXPECT_EQ(reported_.front().chat_id, "-100555");
}

TEST_F(TelegramEmulatorTest, WrongTokenIsAConfigErrorWithoutTheToken) {
  auto client = Client("999:" + kSecretPart + "_wrong");
  auto sent = client->SendMessage({.chat_id = std::to_string(kChat)}, "x");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::kConfig);
  EXPECT_NE(sent.error().message.find("TELEGRAM_BOT_TOKEN"), std::string::npos);
  EXPECT_EQ(sent.error().message.find(kSecretPart), std::string::npos) << sent.error().message;
}

TEST_F(TelegramEmulatorTest, TimeoutIsTransientWithoutTheToken) {
  telegram_.InjectFault("sendMessage", TelegramFault::Hang(std::chrono::seconds(30)));
  auto client = Client("", std::chrono::milliseconds(300));
  auto sent = client->SendMessage({.chat_id = std::to_string(kChat)}, "x");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(sent.error().message.find(kSecretPart), std::string::npos) << sent.error().message;
  telegram_.Stop();
}

TEST_F(TelegramEmulatorTest, ServerErrorsAreTransient) {
  telegram_.InjectFault("sendMessage", TelegramFault::BadGateway());
  auto sent = Client()->SendMessage({.chat_id = std::to_string(kChat)}, "x");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::kTransient);
}

TEST_F(TelegramEmulatorTest, UnknownChatOrThreadNamesTheVariable) {
  auto client = Client();
  auto chat = client->SendMessage({.chat_id = "-42"}, "x");
  ASSERT_FALSE(chat.ok());
  EXPECT_EQ(chat.error().kind, ErrorKind::kConfig);
  EXPECT_NE(chat.error().message.find("TELEGRAM_TARGET_CHAT_ID"), std::string::npos);
  auto thread = client->SendMessage({.chat_id = std::to_string(kChat), .thread_id = 7}, "x");
  ASSERT_FALSE(thread.ok());
  EXPECT_NE(thread.error().message.find("TELEGRAM_THREAD_ID"), std::string::npos);
}

TEST_F(TelegramEmulatorTest, TheGeneralTopicAndAChatWithoutTopicsGetTheMessage) {
  auto client = Client();
  // TELEGRAM_THREAD_ID=1: a forum's General topic.
  auto general = client->SendMessage({.chat_id = std::to_string(kChat), .thread_id = 1}, "x");
  ASSERT_TRUE(general.ok()) << general.error().message;
  auto document = client->SendDocument({.chat_id = std::to_string(kChat), .thread_id = 1},
                                       {.file_name = "t.txt", .content = "text"});
  ASSERT_TRUE(document.ok()) << document.error().message;
  telegram_.AddChat({.id = -1003, .is_forum = false});
  auto plain = client->SendMessage({.chat_id = "-1003", .thread_id = 42}, "x");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(telegram_.Messages(-1003).size(), 1u);

  auto access = client->CheckChat({.chat_id = "-1003", .thread_id = 42});
  ASSERT_TRUE(access.ok()) << access.error().message;
  EXPECT_TRUE(access->can_post) << access->problem;
  EXPECT_NE(access->warning.find("TELEGRAM_THREAD_ID"), std::string::npos);
  auto forum = client->CheckChat({.chat_id = std::to_string(kChat), .thread_id = 1});
  ASSERT_TRUE(forum.ok());
  EXPECT_TRUE(forum->warning.empty()) << forum->warning;
}

TEST_F(TelegramEmulatorTest, PermissionRefusalsAreConfigurationProblemsNamingTheFix) {
  auto client = Client();
  telegram_.InjectFault("sendMessage", TelegramFault::FromServer(403, "CHAT_WRITE_FORBIDDEN"));
  auto write = client->SendMessage({.chat_id = std::to_string(kChat)}, "x");
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().kind, ErrorKind::kConfig);
  EXPECT_NE(write.error().message.find("Bad Request: CHAT_WRITE_FORBIDDEN"), std::string::npos)
      << write.error().message;
  telegram_.InjectFault("sendMessage", TelegramFault::FromServer(400,
                                                                 "Have no write access to "
                                                                 "the chat"));
  auto access = client->SendMessage({.chat_id = std::to_string(kChat)}, "x");
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().kind, ErrorKind::kConfig);
  EXPECT_NE(access.error().message.find("have no write access"), std::string::npos);

  telegram_.AddChat({.id = -1004, .can_send_documents = false});
  auto document =
      client->SendDocument({.chat_id = "-1004"}, {.file_name = "t.txt", .content = "t"});
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().kind, ErrorKind::kConfig);
  EXPECT_NE(document.error().message.find("TELEGRAM_TRANSCRIPT"), std::string::npos);
  auto chat = client->CheckChat({.chat_id = "-1004"});
  ASSERT_TRUE(chat.ok()) << chat.error().message;
  EXPECT_TRUE(chat->can_post);
  EXPECT_FALSE(chat->can_send_documents);
  auto forum = client->CheckChat({.chat_id = std::to_string(kChat)});
  ASSERT_TRUE(forum.ok());
  EXPECT_TRUE(forum->can_send_documents);
}

TEST_F(TelegramEmulatorTest, CheckChatForDoctor) {
  auto client = Client();
  auto me = client->GetMe();
  ASSERT_TRUE(me.ok()) << me.error().message;
  EXPECT_EQ(me->id, telegram_.BotId());
  auto ok = client->CheckChat({.chat_id = std::to_string(kChat), .thread_id = 42});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->can_post);
  EXPECT_TRUE(ok->is_forum);
  telegram_.AddChat({.id = -1007, .type = "channel", .bot_status = "member"});
  auto channel = client->CheckChat({.chat_id = "-1007"});
  ASSERT_TRUE(channel.ok()) << channel.error().message;
  EXPECT_FALSE(channel->can_post);
  EXPECT_NE(channel->problem.find("administrator"), std::string::npos);
  auto missing = client->CheckChat({.chat_id = "-1"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kConfig);
}

// Telegram's flood control (core.telegram.org/bots/faq): one message a second per chat. Without
// pacing a quick second message is refused with 429; through the pacer every message arrives.
TEST(TelegramFloodTest, PacedSendsStayWithinTheLimitsUnpacedOnesAreRefused) {
  FakeTelegram telegram({.flood_limits = true});
  telegram.AddChat({.id = 501, .type = "private", .title = "Анна"});
  telegram.AddChat({.id = 502, .type = "private", .title = "Борис"});
  ASSERT_TRUE(telegram.Start().ok());
  auto http = net::MakeCurlHttpClient({.user_agent = "callbrief-test"});
  auto client = [&] {
    return MakeTelegramClient(*http,
                              {.api_base_url = telegram.BaseUrl(), .bot_token = telegram.Token()});
  };
  auto unpaced = client();
  ASSERT_TRUE(unpaced->SendMessage({.chat_id = "501"}, "1").ok());
  auto refused = unpaced->SendMessage({.chat_id = "501"}, "2");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kRateLimited);
  EXPECT_TRUE(refused.error().retry_after.has_value());

  auto paced = MakePacedTelegramClient(
      client(), std::make_shared<TelegramPacer>(core::SystemClock::Instance()),
      [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); });
  telegram.ClearRequests();
  for (const char* text : {"a", "b", "c"}) {
    auto sent = paced->SendMessage({.chat_id = "502"}, text);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
  }
  for (const auto& request : telegram.Requests()) EXPECT_EQ(request.status, 200);
  EXPECT_EQ(telegram.Messages(502).size(), 3u);
}

}  // namespace
}  // namespace callbrief::notify
