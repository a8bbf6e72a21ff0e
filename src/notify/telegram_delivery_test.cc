#include "notify/telegram_delivery.h"

#include <deque>
#include <variant>

#include <gtest/gtest.h>

#include "notify/message_text.h"
#include "notify/telegram_format.h"
#include "notify/test_fixtures.h"

namespace callbrief::notify {
namespace {

using core::Error;
using core::ErrorKind;
using testing::FullCall;
using testing::SeedCall;

// A TelegramClient answering sends from a script (a message id or an error) and recording them.
class ScriptedTelegram final : public TelegramClient {
 public:
  struct Sent {
    std::string chat_id;
    std::optional<std::int64_t> thread_id;
    std::string text;  // The HTML, or "document:<file name>".
  };

  void Answer(std::int64_t id) { script_.push_back(id); }
  void Answer(Error error) { script_.push_back(std::move(error)); }
  const std::vector<Sent>& sent() const { return sent_; }

  core::Result<std::int64_t> SendMessage(const ChatTarget& chat, std::string_view html) override {
    return Next(chat, std::string(html));
  }
  core::Result<std::int64_t> SendDocument(const ChatTarget& chat,
                                          const TelegramDocument& document) override {
    return Next(chat, "document:" + document.file_name);
  }
  core::Result<BotIdentity> GetMe() override { return Error::Permanent("not scripted"); }
  core::Result<ChatAccess> CheckChat(const ChatTarget&) override {
    return Error::Permanent("not scripted");
  }

 private:
  core::Result<std::int64_t> Next(const ChatTarget& chat, std::string text) {
    sent_.push_back({chat.chat_id, chat.thread_id, std::move(text)});
    if (script_.empty()) return Error::Transient("script exhausted");
    auto next = std::move(script_.front());
    script_.pop_front();
    if (auto* error = std::get_if<Error>(&next)) return *error;
    return std::get<std::int64_t>(next);
  }

  std::deque<std::variant<std::int64_t, Error>> script_;
  std::vector<Sent> sent_;
};

Error Migration(std::string new_id) {
  Error error = Error::Config("Telegram sendMessage: migrated");
  error.code = "migrate_to_chat_id:" + new_id;
  return error;
}

CallMessage WithTranscript(int lines) {
  CallMessage call = FullCall();
  call.transcript.clear();
  for (int i = 0; i < lines; ++i) {
    call.transcript.push_back(
        {.start_ms = i * 3000, .speaker = "client", .text = "Реплика клиента"});
  }
  return call;
}

const ChatTarget kTarget{.chat_id = "-100500", .thread_id = 12};

class DeliveryTest : public ::testing::Test {
 protected:
  ProgressSink Recorder() {
    return [this](const DeliveryProgress& progress) {
      reported_.push_back(progress);
      return core::Ok();
    };
  }

  ScriptedTelegram telegram_;
  std::vector<DeliveryProgress> reported_;
};

TEST(PlanTelegramDeliveryTest, ShortTranscriptGoesInlineInAuto) {
  TelegramDelivery plan = PlanTelegramDelivery(FullCall(), {});
  ASSERT_EQ(plan.parts.size(), 1u);
  EXPECT_NE(plan.parts[0].find("📜 Расшифровка"), std::string::npos);
  EXPECT_FALSE(plan.document);
}

TEST(PlanTelegramDeliveryTest, LongTranscriptBecomesADocumentInAuto) {
  CallMessage call = WithTranscript(400);
  TelegramDelivery plan = PlanTelegramDelivery(call, {});
  ASSERT_EQ(plan.parts.size(), 1u);
  EXPECT_EQ(plan.parts[0].find("📜 Расшифровка"), std::string::npos);
  ASSERT_TRUE(plan.document);
  EXPECT_EQ(plan.document->file_name, TranscriptFileName(call));
  EXPECT_EQ(plan.document->content, FormatTranscriptText(call));
  EXPECT_EQ(plan.document->caption_html,
            "<b>📜 Расшифровка звонка</b>\n+74950000001 → +79161234567, 1ч 2м 5с");
}

TEST(PlanTelegramDeliveryTest, AShortTranscriptWithMoreEntitiesThanAMessageKeepsIsADocumentInAuto) {
  // 110 lines "Клиент: да" are short (about 1,900 units) but each has a bold name: inline, they
  // would need a second message only because Telegram keeps 100 entities per message.
  CallMessage call = FullCall();
  call.transcript.clear();
  for (int i = 0; i < 110; ++i) {
    call.transcript.push_back({.start_ms = i * 2000, .speaker = "client", .text = "да"});
  }
  CallMessage without = call;
  without.transcript.clear();
  ASSERT_LT(VisibleUtf16Length(FormatTelegramHtml(call)) -
                VisibleUtf16Length(FormatTelegramHtml(without)),
            DeliveryOptions{}.inline_transcript_max_utf16);
  TelegramDelivery plan = PlanTelegramDelivery(call, {});
  ASSERT_EQ(plan.parts.size(), 1u);
  EXPECT_EQ(plan.parts[0].find("📜 Расшифровка"), std::string::npos);
  EXPECT_TRUE(plan.document);
  // A few lines fewer fit one message with every name bold: inline.
  call.transcript.resize(80);
  plan = PlanTelegramDelivery(call, {});
  ASSERT_EQ(plan.parts.size(), 1u);
  EXPECT_NE(plan.parts[0].find("📜 Расшифровка"), std::string::npos);
  EXPECT_LE(TelegramEntityCount(plan.parts[0]), kTelegramMaxEntities);
  EXPECT_FALSE(plan.document);
}

TEST(PlanTelegramDeliveryTest, ModesAreObeyed) {
  CallMessage call = WithTranscript(400);
  TelegramDelivery off = PlanTelegramDelivery(call, {.transcript = TranscriptMode::kOff});
  EXPECT_EQ(off.parts.size(), 1u);
  EXPECT_FALSE(off.document);
  TelegramDelivery inline_all = PlanTelegramDelivery(call, {.transcript = TranscriptMode::kInline});
  EXPECT_GT(inline_all.parts.size(), 1u);
  EXPECT_FALSE(inline_all.document);
  CallMessage short_call = FullCall();
  TelegramDelivery document =
      PlanTelegramDelivery(short_call, {.transcript = TranscriptMode::kDocument});
  short_call.transcript.clear();
  EXPECT_EQ(document.parts, FormatTelegramMessages(short_call));
  EXPECT_TRUE(document.document);
}

TEST(PlanTelegramDeliveryTest, NoTranscriptNoDocument) {
  TelegramDelivery plan =
      PlanTelegramDelivery(SeedCall(), {.transcript = TranscriptMode::kDocument});
  EXPECT_EQ(plan.parts, FormatTelegramMessages(SeedCall()));
  EXPECT_FALSE(plan.document);
}

TEST_F(DeliveryTest, SendsPartsThenDocumentReportingEachStep) {
  TelegramDelivery plan{.parts = {"a", "b"}, .document = TelegramDocument{.file_name = "t.txt"}};
  telegram_.Answer(11);
  telegram_.Answer(12);
  telegram_.Answer(13);
  auto done = DeliverToTelegram(telegram_, kTarget, plan, {}, Recorder());
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->chat_id, "-100500");
  EXPECT_EQ(done->message_ids, (std::vector<std::int64_t>{11, 12}));
  EXPECT_EQ(done->document_message_id, 13);
  EXPECT_TRUE(done->IsComplete(plan));
  ASSERT_EQ(telegram_.sent().size(), 3u);
  EXPECT_EQ(telegram_.sent()[0].text, "a");
  EXPECT_EQ(telegram_.sent()[1].text, "b");
  EXPECT_EQ(telegram_.sent()[2].text, "document:t.txt");
  for (const auto& sent : telegram_.sent()) {
    EXPECT_EQ(sent.chat_id, "-100500");
    EXPECT_EQ(sent.thread_id, 12);
  }
  ASSERT_EQ(reported_.size(), 3u);
  EXPECT_EQ(reported_[0].message_ids, (std::vector<std::int64_t>{11}));
  EXPECT_EQ(reported_[1].message_ids, (std::vector<std::int64_t>{11, 12}));
  EXPECT_EQ(reported_[2].document_message_id, 13);
}

TEST_F(DeliveryTest, FailureStopsAfterReportingWhatWasSent) {
  TelegramDelivery plan{.parts = {"a", "b", "c"}};
  telegram_.Answer(11);
  telegram_.Answer(Error::RateLimited("Telegram sendMessage: flood", std::chrono::seconds(3)));
  auto done = DeliverToTelegram(telegram_, kTarget, plan, {}, Recorder());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(done.error().retry_after, std::chrono::seconds(3));
  EXPECT_EQ(done.error().message.rfind("delivering to Telegram (part 2 of 3): ", 0), 0u)
      << done.error().message;
  EXPECT_EQ(telegram_.sent().size(), 2u);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].message_ids, (std::vector<std::int64_t>{11}));
}

TEST_F(DeliveryTest, RetryAfterPartialSuccessSendsOnlyTheRest) {
  TelegramDelivery plan{.parts = {"a", "b", "c"}, .document = TelegramDocument{.file_name = "t"}};
  telegram_.Answer(22);
  telegram_.Answer(23);
  DeliveryProgress earlier{.chat_id = "-100500", .message_ids = {21}};
  telegram_.Answer(24);
  auto done = DeliverToTelegram(telegram_, kTarget, plan, earlier, Recorder());
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->message_ids, (std::vector<std::int64_t>{21, 22, 23}));
  EXPECT_EQ(done->document_message_id, 24);
  ASSERT_EQ(telegram_.sent().size(), 3u);
  EXPECT_EQ(telegram_.sent()[0].text, "b");
  EXPECT_EQ(telegram_.sent()[1].text, "c");
  EXPECT_EQ(telegram_.sent()[2].text, "document:t");
}

TEST_F(DeliveryTest, CompleteProgressSendsNothing) {
  TelegramDelivery plan{.parts = {"a"}, .document = TelegramDocument{.file_name = "t"}};
  DeliveryProgress earlier{.chat_id = "-100500", .message_ids = {5}, .document_message_id = 6};
  auto done = DeliverToTelegram(telegram_, kTarget, plan, earlier, Recorder());
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(telegram_.sent().empty());
  EXPECT_TRUE(reported_.empty());
}

TEST_F(DeliveryTest, MigrationIsFollowedReportedAndKeptForTheRest) {
  TelegramDelivery plan{.parts = {"a", "b"}};
  telegram_.Answer(Migration("-100999"));
  telegram_.Answer(31);
  telegram_.Answer(32);
  auto done = DeliverToTelegram(telegram_, {.chat_id = "-500"}, plan, {}, Recorder());
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->chat_id, "-100999");
  ASSERT_EQ(telegram_.sent().size(), 3u);
  EXPECT_EQ(telegram_.sent()[0].chat_id, "-500");
  EXPECT_EQ(telegram_.sent()[1].chat_id, "-100999");
  EXPECT_EQ(telegram_.sent()[1].text, "a");
  EXPECT_EQ(telegram_.sent()[2].chat_id, "-100999");
  ASSERT_GE(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].chat_id, "-100999");  // Before anything is sent to the new chat.
  EXPECT_TRUE(reported_[0].message_ids.empty());
}

TEST_F(DeliveryTest, RememberedChatIsUsedInsteadOfTheTarget) {
  TelegramDelivery plan{.parts = {"a", "b"}};
  telegram_.Answer(41);
  auto done = DeliverToTelegram(telegram_, {.chat_id = "-500"}, plan,
                                {.chat_id = "-100999", .message_ids = {40}}, Recorder());
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(telegram_.sent().size(), 1u);
  EXPECT_EQ(telegram_.sent()[0].chat_id, "-100999");
  EXPECT_EQ(telegram_.sent()[0].text, "b");
}

TEST_F(DeliveryTest, SecondMigrationInARowIsReturned) {
  TelegramDelivery plan{.parts = {"a"}};
  telegram_.Answer(Migration("-100999"));
  telegram_.Answer(Migration("-100998"));
  auto done = DeliverToTelegram(telegram_, {.chat_id = "-500"}, plan, {}, Recorder());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(MigratedChatId(done.error()), "-100998");
  EXPECT_EQ(telegram_.sent().size(), 2u);
}

TEST_F(DeliveryTest, ProgressSinkFailureStopsBeforeTheNextSend) {
  TelegramDelivery plan{.parts = {"a", "b"}};
  telegram_.Answer(1);
  telegram_.Answer(2);
  auto done = DeliverToTelegram(telegram_, kTarget, plan, {}, [](const DeliveryProgress&) {
    return core::Status(Error::Transient("store is down"));
  });
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().message, "store is down");
  EXPECT_EQ(telegram_.sent().size(), 1u);
}

}  // namespace
}  // namespace callbrief::notify
