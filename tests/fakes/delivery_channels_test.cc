// Each delivery channel (src/pipeline/*_channel.h) through the deliver stage, against the
// emulated service over real HTTP (FakeTelegram, FakeBitrix24) and a real store: what arrives,
// what is recorded, and that a retry never sends twice.

#include <gtest/gtest.h>

#include "bitrix/rest_client.h"
#include "fakes/fake_bitrix24.h"
#include "fakes/fake_telegram.h"
#include "fakes/manual_clock.h"
#include "net/http_client.h"
#include "notify/telegram_client.h"
#include "pipeline/card_transcript_channel.h"
#include "pipeline/deliver_stage.h"
#include "pipeline/telegram_channel.h"
#include "pipeline/timeline_channel.h"
#include "testing/claimed_calls.h"
#include "testing/faulty_call_store.h"

namespace callbrief::pipeline {
namespace {

using core::ErrorKind;
using fakes::CallBuilder;

constexpr std::int64_t kChat = -1001234567890;

class ChannelTest : public ::testing::Test {
 protected:
  std::int64_t NowMs() const { return core::ToUnixMillis(clock_.Now()); }

  // The stage with one channel, writing through `store` (the real one by default).
  DeliverStage Stage(std::unique_ptr<DeliveryChannel> channel, store::CallStore* store = nullptr) {
    std::vector<std::unique_ptr<DeliveryChannel>> channels;
    channels.push_back(std::move(channel));
    return DeliverStage(store ? *store : calls_.store(), clock_, {}, std::move(channels));
  }

  // A call as the deliver stage gets it: stored, claimed, with its facts and a stereo transcript.
  store::CallDetails Claimed(const std::string& call_id) {
    store::CallDetails details = calls_.Claim(store::testing::MakeCall(call_id), NowMs());
    details.segments = {{.index = 0,
                         .start_ms = 0,
                         .end_ms = 2000,
                         .speaker = "manager",
                         .text = "Добрый день, компания Ромашка."},
                        {.index = 1,
                         .start_ms = 2500,
                         .end_ms = 5000,
                         .speaker = "client",
                         .text = "Здравствуйте, хочу заказать доставку."}};
    return details;
  }
  // The next run of the stage, a little later, with everything the earlier runs stored.
  store::CallDetails Again(const store::CallDetails& before,
                           std::chrono::milliseconds later = std::chrono::seconds(10)) {
    clock_.Advance(later);
    store::CallDetails details = calls_.ClaimAgain(before.call.bitrix_call_id, NowMs());
    details.segments = before.segments;
    details.call.crm_entity_type = before.call.crm_entity_type;
    details.call.crm_entity_id = before.call.crm_entity_id;
    details.call.crm_activity_id = before.call.crm_activity_id;
    return details;
  }
  store::Delivery Stored(const store::CallDetails& details, Channel channel) {
    return calls_.DeliveryOf(details.call.bitrix_call_id, ChannelName(channel));
  }

  fakes::ManualClock clock_;
  testing::ClaimedCalls calls_;
  std::unique_ptr<net::HttpClient> http_ =
      net::MakeCurlHttpClient({.user_agent = "callbrief-test"});
};

// ---- Telegram ----

class TelegramChannelTest : public ChannelTest {
 protected:
  void SetUp() override {
    telegram_.AddChat({.id = kChat});
    ASSERT_TRUE(telegram_.Start().ok());
    client_ = notify::MakeTelegramClient(
        *http_, {.api_base_url = telegram_.BaseUrl(), .bot_token = telegram_.Token()});
  }
  std::unique_ptr<DeliveryChannel> Telegram(store::CallStore* store = nullptr) {
    return std::make_unique<TelegramChannel>(client_.get(), store ? *store : calls_.store(),
                                             notify::ChatTarget{.chat_id = std::to_string(kChat)},
                                             notify::DeliveryOptions{});
  }

  fakes::FakeTelegram telegram_;
  std::unique_ptr<notify::TelegramClient> client_;
};

TEST_F(TelegramChannelTest, SendsOneMessageAndRecordsItsId) {
  store::CallDetails call = Claimed("CALL.1");
  auto result = Stage(Telegram()).Run(call);
  ASSERT_TRUE(result.ok()) << result.error().message;
  auto messages = telegram_.Messages(kChat);
  ASSERT_EQ(messages.size(), 1u);
  const store::Delivery stored = Stored(call, Channel::kTelegram);
  EXPECT_EQ(stored.status, "done");
  EXPECT_NE(stored.external_id.find(std::to_string(messages[0].message_id)), std::string::npos)
      << stored.external_id;
}

TEST_F(TelegramChannelTest, WhenTheDoneRecordIsLostTheRetrySendsNothingTwice) {
  testing::FaultyCallStore faulty(calls_.store());
  store::CallDetails call = Claimed("CALL.1");
  // Writes: the attempt, the progress after the message, then "done" — which the database loses.
  faulty.FailWrite(3, ErrorKind::kTransient);
  auto stage = Stage(Telegram(&faulty), &faulty);
  auto first = stage.Run(call);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(Stored(call, Channel::kTelegram).status, "pending");

  auto second = stage.Run(Again(call));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(telegram_.Messages(kChat).size(), 1u) << "the stored progress said it was sent";
  EXPECT_EQ(Stored(call, Channel::kTelegram).status, "done");
}

TEST_F(TelegramChannelTest, ATooManyRequestsAnswerLeavesItPendingAndTheRetrySendsOnce) {
  telegram_.InjectFault("sendMessage", fakes::TelegramFault::TooManyRequests(1));
  store::CallDetails call = Claimed("CALL.1");
  auto stage = Stage(Telegram());
  auto first = stage.Run(call);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(Stored(call, Channel::kTelegram).status, "pending");
  ASSERT_TRUE(stage.Run(Again(call)).ok());
  EXPECT_EQ(telegram_.Messages(kChat).size(), 1u);
}

TEST_F(TelegramChannelTest, ABotRemovedFromTheChatWaitsForTheOperatorAsPending) {
  // The Bot API's answer when the bot was kicked (tdlib/telegram-bot-api Client.cpp).
  telegram_.InjectFault("sendMessage", fakes::TelegramFault::FromServer(
                                           403, "Forbidden: bot was kicked from the group chat"));
  store::CallDetails call = Claimed("CALL.1");
  auto result = Stage(Telegram()).Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  const store::Delivery stored = Stored(call, Channel::kTelegram);
  EXPECT_EQ(stored.status, "pending") << "sent once the operator adds the bot back";
  EXPECT_NE(stored.last_error.find("kicked"), std::string::npos) << stored.last_error;
}

TEST_F(TelegramChannelTest, WithoutABotTheDeliveryWaitsForTheSetting) {
  std::vector<std::unique_ptr<DeliveryChannel>> channels;
  channels.push_back(std::make_unique<TelegramChannel>(
      nullptr, calls_.store(), notify::ChatTarget{}, notify::DeliveryOptions{}));
  DeliverStage stage(calls_.store(), clock_, {}, std::move(channels));
  store::CallDetails call = Claimed("CALL.1");
  auto result = stage.Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(Stored(call, Channel::kTelegram).status, "pending");
  EXPECT_NE(Stored(call, Channel::kTelegram).last_error.find("TELEGRAM_BOT_TOKEN"),
            std::string::npos);
}

TEST_F(TelegramChannelTest, AGroupThatBecameASupergroupIsFollowedAndRemembered) {
  constexpr std::int64_t kGroup = -4001, kSupergroup = -1004001;
  telegram_.AddChat({.id = kGroup});
  telegram_.UpgradeToSupergroup(kGroup, kSupergroup);
  auto channel = std::make_unique<TelegramChannel>(
      client_.get(), calls_.store(), notify::ChatTarget{.chat_id = std::to_string(kGroup)},
      notify::DeliveryOptions{});
  ASSERT_TRUE(Stage(std::move(channel)).Run(Claimed("CALL.1")).ok());
  EXPECT_EQ(telegram_.Messages(kSupergroup).size(), 1u);
  auto remembered = calls_.store().GetSetting(MigratedChatSetting(std::to_string(kGroup)));
  ASSERT_TRUE(remembered.ok() && remembered->has_value());
  EXPECT_EQ(**remembered, std::to_string(kSupergroup));
}

// ---- The CRM timeline ----

class TimelineChannelTest : public ChannelTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(portal_.Start().ok());
    rest_ = bitrix::MakeRestClient(*http_, nullptr, {.webhook_url = portal_.WebhookUrl()});
  }
  std::unique_ptr<DeliveryChannel> Timeline() {
    return std::make_unique<TimelineChannel>(rest_.get(), clock_, std::chrono::seconds(60));
  }
  // A call of the portal's bound to contact 15, as the resolve stage stores it.
  store::CallDetails ClaimedOnContact() {
    const std::string id = portal_.AddCall(CallBuilder().Contact(15).Build());
    store::CallDetails details = Claimed(id);
    details.call.crm_entity_type = "CONTACT";
    details.call.crm_entity_id = 15;
    return details;
  }

  fakes::FakeBitrix24 portal_;
  std::unique_ptr<bitrix::RestClient> rest_;
};

TEST_F(TimelineChannelTest, CommentsOnceOnTheCallsContact) {
  store::CallDetails call = ClaimedOnContact();
  auto stage = Stage(Timeline());
  ASSERT_TRUE(stage.Run(call).ok());
  ASSERT_TRUE(stage.Run(Again(call)).ok());
  auto comments = portal_.TimelineComments("contact", 15);
  ASSERT_EQ(comments.size(), 1u);
  const store::Delivery stored = Stored(call, Channel::kTimeline);
  EXPECT_EQ(stored.status, "done");
  EXPECT_EQ(stored.external_id, std::to_string(comments[0].id));
}

TEST_F(TimelineChannelTest, ACallBoundToNoCrmEntityIsSkippedWithTheReason) {
  store::CallDetails call = Claimed("CALL.1");
  ASSERT_TRUE(Stage(Timeline()).Run(call).ok());
  EXPECT_EQ(Stored(call, Channel::kTimeline).status, "skipped");
  EXPECT_EQ(Stored(call, Channel::kTimeline).last_error, "the call is bound to no CRM entity");
  EXPECT_EQ(portal_.Requests().size(), 0u);
}

TEST_F(TimelineChannelTest, AfterAnUnknownOutcomeItWaitsLooksAndStillCommentsOnce) {
  portal_.InjectFault("crm.timeline.comment.add", fakes::Fault::InternalError());
  store::CallDetails call = ClaimedOnContact();
  auto stage = Stage(Timeline());
  auto first = stage.Run(call);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(Stored(call, Channel::kTimeline).status, "pending");

  // The failed request may still land until BITRIX24_TIMEOUT has passed: no new one before.
  auto early = stage.Run(Again(call, std::chrono::seconds(5)));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(portal_.CountRequests("crm.timeline.comment.add"), 1);

  ASSERT_TRUE(stage.Run(Again(call, std::chrono::seconds(60))).ok());
  EXPECT_EQ(portal_.CountRequests("crm.timeline.comment.list"), 1) << "looked first";
  EXPECT_EQ(portal_.TimelineComments("contact", 15).size(), 1u);
}

TEST_F(TimelineChannelTest, AWebhookWithoutTheCrmScopeWaitsForTheOperatorAsPending) {
  portal_.SetGrantedScopes({"disk", "telephony", "user"});
  store::CallDetails call = ClaimedOnContact();
  auto result = Stage(Timeline()).Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  // It used to be recorded as failed while the call waited to deliver it after the fix.
  EXPECT_EQ(Stored(call, Channel::kTimeline).status, "pending");
}

TEST_F(TimelineChannelTest, ARefusedCommentFailsTheDeliveryAndTheCall) {
  portal_.InjectFault(
      "crm.timeline.comment.add",
      fakes::Fault::Raw(400,
                        R"({"error":100,"error_description":"Required fields are not set."})"));
  store::CallDetails call = ClaimedOnContact();
  auto result = Stage(Timeline()).Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Stored(call, Channel::kTimeline).status, "failed");
}

// ---- The transcript on the call's card ----

class CardTranscriptChannelTest : public TimelineChannelTest {
 protected:
  std::unique_ptr<DeliveryChannel> Card() {
    return std::make_unique<CardTranscriptChannel>(rest_.get());
  }
};

TEST_F(CardTranscriptChannelTest, AttachesTheTranscriptWithEachLinesSide) {
  const std::string id = portal_.AddCall(CallBuilder().Build());
  store::CallDetails call = Claimed(id);
  ASSERT_TRUE(Stage(Card()).Run(call).ok());
  auto attached = portal_.AttachedTranscript(id);
  ASSERT_TRUE(attached.has_value());
  EXPECT_NE(attached->dump().find("User"), std::string::npos) << attached->dump();
  EXPECT_NE(attached->dump().find("Client"), std::string::npos) << attached->dump();
  EXPECT_EQ(Stored(call, Channel::kCardTranscript).status, "done");
}

TEST_F(CardTranscriptChannelTest, AMonoRecordingIsSkippedRatherThanGuessed) {
  const std::string id = portal_.AddCall(CallBuilder().Build());
  store::CallDetails call = Claimed(id);
  for (store::TranscriptSegment& s : call.segments) s.speaker = "";
  ASSERT_TRUE(Stage(Card()).Run(call).ok());
  EXPECT_FALSE(portal_.AttachedTranscript(id).has_value());
  EXPECT_EQ(Stored(call, Channel::kCardTranscript).status, "skipped");
}

TEST_F(CardTranscriptChannelTest, ACallThePortalDoesNotKnowIsRecordedAsFailedAndTheCallIsDone) {
  store::CallDetails call = Claimed("CALL.UNKNOWN");
  auto result = Stage(Card()).Run(call);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kDone);
  EXPECT_EQ(Stored(call, Channel::kCardTranscript).status, "failed");
}

}  // namespace
}  // namespace callbrief::pipeline
