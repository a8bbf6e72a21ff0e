// Each delivery channel (src/pipeline/*_channel.h) through the deliver stage, against the
// emulated service over real HTTP (FakeTelegram, FakeBitrix24) and a real store: what arrives,
// what is recorded, and that a retry never sends twice.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "bitrix/rest_client.h"
#include "fakes/fake_bitrix24.h"
#include "fakes/fake_telegram.h"
#include "fakes/manual_clock.h"
#include "llm/summary.h"
#include "net/http_client.h"
#include "notify/telegram_client.h"
#include "pipeline/alerts_channel.h"
#include "pipeline/card_transcript_channel.h"
#include "pipeline/deliver_stage.h"
#include "pipeline/tasks_channel.h"
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
    details.call.portal_user_id = before.call.portal_user_id;
    details.summary = before.summary;
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

// ---- Tasks from action items ----

class TasksChannelTest : public TimelineChannelTest {
 protected:
  void SetUp() override {
    TimelineChannelTest::SetUp();
    portal_.SetGrantedScopes({"crm", "task", "telephony", "user"});
  }
  std::unique_ptr<DeliveryChannel> Tasks(bitrix::RestClient* rest = nullptr) {
    return std::make_unique<TasksChannel>(rest ? rest : rest_.get(), clock_,
                                          std::chrono::seconds(60));
  }
  // A call of operator 7 on contact 15 whose summary names `tasks`.
  store::CallDetails WithTasks(std::vector<llm::SummaryTask> tasks) {
    store::CallDetails details = ClaimedOnContact();
    details.call.portal_user_id = 7;
    details.summary = SummaryOf(std::move(tasks));
    return details;
  }
  static store::Summary SummaryOf(std::vector<llm::SummaryTask> tasks) {
    llm::CallSummary summary;
    summary.summary = "Клиент просит КП.";
    summary.tasks = std::move(tasks);
    store::Summary stored;
    stored.model = "test";
    stored.summary_json = summary.ToJson().dump();
    return stored;
  }
  static std::vector<llm::SummaryTask> TwoTasks() {
    return {{.text = "Отправить КП", .owner = "менеджер", .due = "2026-11-27"},
            {.text = "Перезвонить клиенту", .owner = std::nullopt, .due = "на неделе"}};
  }
};

TEST_F(TasksChannelTest, MakesOneTaskPerActionItemForTheOperatorOnTheCallsCrmItem) {
  store::CallDetails call = WithTasks(TwoTasks());
  ASSERT_TRUE(Stage(Tasks()).Run(call).ok());
  std::vector<fakes::PortalTask> tasks = portal_.Tasks();
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].title, "Отправить КП");
  EXPECT_EQ(tasks[1].title, "Перезвонить клиенту");
  for (const fakes::PortalTask& task : tasks) {
    EXPECT_EQ(task.responsible_id, 7);
    EXPECT_EQ(task.crm_bindings, std::vector<std::string>{"C_15"});
  }
  EXPECT_NE(tasks[0].description.find("[QUOTE]Отправить КП[/QUOTE]"), std::string::npos);
  EXPECT_NE(tasks[0].description.find("callbrief:" + call.call.bitrix_call_id + "/task-1"),
            std::string::npos)
      << tasks[0].description;
  core::TimePoint deadline;
  ASSERT_TRUE(core::ParseIso8601("2026-11-27T18:00:00+03:00", &deadline));
  EXPECT_EQ(tasks[0].deadline, deadline);
  EXPECT_FALSE(tasks[1].deadline.has_value()) << "\"на неделе\" names no day";
  const store::Delivery stored = Stored(call, Channel::kTasks);
  EXPECT_EQ(stored.status, "done");
  EXPECT_EQ(stored.external_id, std::to_string(tasks[0].id) + "," + std::to_string(tasks[1].id));
  EXPECT_EQ(portal_.CountRequests("tasks.task.list"), 0) << "nothing to look for the first time";
}

TEST_F(TasksChannelTest, TheDealBoundToTheCallsActivityIsTheTasksCrmItem) {
  const std::string id = portal_.AddCall(CallBuilder().Contact(15).Deal(77).Build());
  store::CallDetails call = Claimed(id);
  call.call.crm_entity_type = "CONTACT";
  call.call.crm_entity_id = 15;
  call.call.crm_activity_id = portal_.FindCall(id)->crm_activity_id;
  call.call.portal_user_id = 7;
  call.summary = SummaryOf(TwoTasks());
  ASSERT_TRUE(Stage(Tasks()).Run(call).ok());
  std::vector<fakes::PortalTask> tasks = portal_.Tasks();
  ASSERT_EQ(tasks.size(), 2u);
  for (const fakes::PortalTask& task : tasks) {
    EXPECT_EQ(task.crm_bindings, std::vector<std::string>{"D_77"});
  }
}

TEST_F(TasksChannelTest, WhenTheDoneRecordIsLostTheRetryFindsTheTaskAndMakesNoOther) {
  testing::FaultyCallStore faulty(calls_.store());
  store::CallDetails call = WithTasks({{.text = "Отправить КП"}});
  // Writes: the attempt, then "done" — which the database loses after the task was made.
  faulty.FailWrite(2, ErrorKind::kTransient);
  auto stage = Stage(Tasks(), &faulty);
  ASSERT_FALSE(stage.Run(call).ok());
  EXPECT_EQ(Stored(call, Channel::kTasks).status, "pending");
  ASSERT_EQ(portal_.Tasks().size(), 1u);

  // The lost request might still be running: nothing is looked for or made before it settles.
  auto early = stage.Run(Again(call, std::chrono::seconds(5)));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(portal_.CountRequests("tasks.task.list"), 0);

  ASSERT_TRUE(stage.Run(Again(call, std::chrono::seconds(60))).ok());
  EXPECT_EQ(portal_.CountRequests("tasks.task.list"), 1) << "looked first";
  EXPECT_EQ(portal_.CountRequests("tasks.task.add"), 1);
  ASSERT_EQ(portal_.Tasks().size(), 1u);
  EXPECT_EQ(Stored(call, Channel::kTasks).status, "done");
  EXPECT_EQ(Stored(call, Channel::kTasks).external_id, std::to_string(portal_.Tasks()[0].id));
}

TEST_F(TasksChannelTest, AnAddThatTimedOutAfterTakingEffectIsFoundAndTheRestAreMade) {
  // Bitrix24 makes the first task but answers after the client gave up.
  portal_.InjectFault("tasks.task.add", fakes::Fault::AnswerLate(std::chrono::seconds(3)));
  auto impatient = bitrix::MakeRestClient(
      *http_, nullptr,
      {.webhook_url = portal_.WebhookUrl(), .timeout = std::chrono::milliseconds(300)});
  store::CallDetails call = WithTasks(TwoTasks());
  auto stage = Stage(Tasks(impatient.get()));
  auto first = stage.Run(call);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().kind, ErrorKind::kTransient) << first.error().message;
  EXPECT_EQ(portal_.Tasks().size(), 1u);

  ASSERT_TRUE(stage.Run(Again(call, std::chrono::seconds(70))).ok());
  std::vector<fakes::PortalTask> tasks = portal_.Tasks();
  ASSERT_EQ(tasks.size(), 2u) << "one task per action item, none twice";
  EXPECT_EQ(tasks[0].title, "Отправить КП");
  EXPECT_EQ(tasks[1].title, "Перезвонить клиенту");
  EXPECT_EQ(Stored(call, Channel::kTasks).external_id,
            std::to_string(tasks[0].id) + "," + std::to_string(tasks[1].id));
}

TEST_F(TasksChannelTest, NoActionItemsOrNoOperatorIsSkippedWithTheReasonAndNoRequest) {
  store::CallDetails none = WithTasks({});
  ASSERT_TRUE(Stage(Tasks()).Run(none).ok());
  EXPECT_EQ(Stored(none, Channel::kTasks).status, "skipped");
  EXPECT_EQ(Stored(none, Channel::kTasks).last_error, "the summary names no action items");

  store::CallDetails unassigned = WithTasks(TwoTasks());
  unassigned.call.portal_user_id.reset();
  ASSERT_TRUE(Stage(Tasks()).Run(unassigned).ok());
  EXPECT_EQ(Stored(unassigned, Channel::kTasks).status, "skipped");
  EXPECT_EQ(Stored(unassigned, Channel::kTasks).last_error,
            "the call has no operator in Bitrix24 to give its tasks to");
  EXPECT_EQ(portal_.Requests().size(), 0u);
}

TEST_F(TasksChannelTest, AWebhookWithoutTheTaskScopeWaitsForTheOperatorAsPending) {
  portal_.SetGrantedScopes({"crm", "telephony", "user"});
  store::CallDetails call = WithTasks(TwoTasks());
  auto result = Stage(Tasks()).Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  const store::Delivery stored = Stored(call, Channel::kTasks);
  EXPECT_EQ(stored.status, "pending");
  EXPECT_NE(stored.last_error.find("\"task\" scope"), std::string::npos) << stored.last_error;
}

TEST_F(TasksChannelTest, ATaskThePortalRefusesIsRecordedAsFailedAndTheCallIsDone) {
  store::CallDetails call = WithTasks(TwoTasks());
  call.call.portal_user_id = 4040;  // No such user on the portal.
  auto result = Stage(Tasks()).Run(call);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kDone);
  const store::Delivery stored = Stored(call, Channel::kTasks);
  EXPECT_EQ(stored.status, "failed");
  EXPECT_NE(stored.last_error.find("Assignee"), std::string::npos) << stored.last_error;
  EXPECT_TRUE(portal_.Tasks().empty());
}

// ---- Alerts ----

class AlertsChannelTest : public ChannelTest {
 protected:
  static constexpr std::int64_t kAlertChat = -1009998887776;
  static constexpr std::int64_t kTopic = 77;

  void SetUp() override {
    telegram_.AddChat(
        {.id = kAlertChat, .title = "Оповещения", .is_forum = true, .topics = {kTopic}});
    ASSERT_TRUE(telegram_.Start().ok());
    client_ = notify::MakeTelegramClient(
        *http_, {.api_base_url = telegram_.BaseUrl(), .bot_token = telegram_.Token()});
  }
  // The stage with the alerts channel (both rules on), writing through `store`, with call links.
  DeliverStage Stage(store::CallStore* store = nullptr,
                     AlertRules rules = {.tracker_hits = true, .negative_tone = true}) {
    std::vector<std::unique_ptr<DeliveryChannel>> channels;
    channels.push_back(std::make_unique<AlertsChannel>(
        client_.get(),
        notify::ChatTarget{.chat_id = std::to_string(kAlertChat), .thread_id = kTopic}, rules));
    return DeliverStage(store ? *store : calls_.store(), clock_,
                        {.public_url = "https://calls.example.com"}, std::move(channels));
  }
  // A call whose client said "другой поставщик" (tracker 5, alerting) and "дорого" (tracker 6,
  // not alerting), with a summary of tone `sentiment`.
  store::CallDetails WithHits(const std::string& sentiment) {
    store::CallDetails details = Claimed("CALL.1");
    details.segments[1].text = "Другой поставщик дешевле, у вас дорого.";
    details.tracker_hits = {{.tracker_id = 5,
                             .tracker_name = "Конкуренты",
                             .phrase = "другой поставщик",
                             .said = "Другой поставщик",
                             .speaker = "client",
                             .start_ms = 2500,
                             .tracker_alerts = true},
                            {.tracker_id = 6,
                             .tracker_name = "Цена",
                             .phrase = "дорого",
                             .said = "дорого",
                             .speaker = "client",
                             .start_ms = 2500,
                             .tracker_alerts = false}};
    llm::CallSummary summary;
    summary.summary = "Клиент недоволен ценой и уходит к конкуренту.";
    summary.sentiment = sentiment;
    details.summary = store::Summary{.model = "test",
                                     .summary_json = summary.ToJson().dump(),
                                     .call_kind = "conversation",
                                     .sentiment = sentiment};
    return details;
  }

  // The next run: the store here keeps no trackers, so the hits are carried over by hand.
  store::CallDetails AgainWithHits(const store::CallDetails& before) {
    store::CallDetails details = Again(before);
    details.tracker_hits = before.tracker_hits;
    return details;
  }

  fakes::FakeTelegram telegram_;
  std::unique_ptr<notify::TelegramClient> client_;
};

TEST_F(AlertsChannelTest, EachRuleThatFiresSendsOneAlertToTheAlertTopicWithTheQuoteAndTheLink) {
  store::CallDetails call = WithHits("negative");
  auto result = Stage().Run(call);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto messages = telegram_.Messages(kAlertChat);
  ASSERT_EQ(messages.size(), 2u) << "the tracker marked for alerts and the tone; not the other";
  for (const auto& message : messages) EXPECT_EQ(message.thread_id, kTopic);
  EXPECT_NE(messages[0].text.find("Трекер «Конкуренты»"), std::string::npos) << messages[0].text;
  EXPECT_NE(messages[0].text.find("Другой поставщик дешевле, у вас дорого."), std::string::npos);
  EXPECT_NE(messages[0].raw_text.find(
                fmt::format("https://calls.example.com/calls/{}#t=2.5", call.call.id)),
            std::string::npos)
      << messages[0].raw_text;
  EXPECT_NE(messages[1].text.find("Негативный тон"), std::string::npos) << messages[1].text;
  EXPECT_NE(messages[1].text.find("уходит к конкуренту"), std::string::npos);
  const store::Delivery stored = Stored(call, Channel::kAlerts);
  EXPECT_EQ(stored.status, "done");
  EXPECT_NE(stored.external_id.find("\"tracker:5\""), std::string::npos) << stored.external_id;
}

TEST_F(AlertsChannelTest, ACallNoRuleFiresOnIsSkippedWithTheReasonAndNothingIsSent) {
  store::CallDetails call = WithHits("neutral");
  call.tracker_hits.erase(call.tracker_hits.begin());
  ASSERT_TRUE(Stage().Run(call).ok());
  EXPECT_TRUE(telegram_.Messages().empty());
  const store::Delivery stored = Stored(call, Channel::kAlerts);
  EXPECT_EQ(stored.status, "skipped");
  EXPECT_NE(stored.last_error.find("no alert rule"), std::string::npos);
}

TEST_F(AlertsChannelTest, RulesSwitchedOffSendNothing) {
  store::CallDetails call = WithHits("negative");
  ASSERT_TRUE(Stage(nullptr, {.tracker_hits = false, .negative_tone = false}).Run(call).ok());
  EXPECT_TRUE(telegram_.Messages().empty());
}

TEST_F(AlertsChannelTest, ARefusedAlertIsTriedAgainAndEachRuleIsSentOnce) {
  store::CallDetails call = WithHits("negative");
  auto stage = Stage();
  telegram_.InjectFault("sendMessage", fakes::TelegramFault::InternalError());
  auto refused = stage.Run(call);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kTransient);
  EXPECT_NE(refused.error().message.find("TELEGRAM_ALERT_CHAT_ID"), std::string::npos);
  EXPECT_TRUE(telegram_.Messages(kAlertChat).empty());
  EXPECT_EQ(Stored(call, Channel::kAlerts).status, "pending");

  ASSERT_TRUE(stage.Run(AgainWithHits(call)).ok());
  ASSERT_TRUE(stage.Run(AgainWithHits(call)).ok());
  EXPECT_EQ(telegram_.Messages(kAlertChat).size(), 2u) << "each rule once, however many runs";
}

TEST_F(AlertsChannelTest, WhenTheDoneRecordIsLostTheRetrySendsNothingTwice) {
  testing::FaultyCallStore faulty(calls_.store());
  store::CallDetails call = WithHits("negative");
  // Writes: before alert 1, after it, before alert 2, after it, then "done" — lost.
  faulty.FailWrite(5, ErrorKind::kTransient);
  auto stage = Stage(&faulty);
  ASSERT_FALSE(stage.Run(call).ok());
  EXPECT_EQ(telegram_.Messages(kAlertChat).size(), 2u);
  auto again = AgainWithHits(call);
  ASSERT_TRUE(stage.Run(again).ok());
  EXPECT_EQ(telegram_.Messages(kAlertChat).size(), 2u);
  EXPECT_EQ(Stored(call, Channel::kAlerts).status, "done");
}

TEST_F(AlertsChannelTest, AnAlertWhoseRequestWasCutShortByACrashIsNotSentAgain) {
  store::CallDetails call = WithHits("negative");
  // What a process killed during the tracker alert's request leaves: the record saved before it.
  ASSERT_TRUE(calls_.store()
                  .SaveDelivery(store::LeaseOf(call.call),
                                {.channel = "telegram_alerts",
                                 .status = "pending",
                                 .attempts = 1,
                                 .external_id = R"({"sent":{},"trying":"tracker:5"})"})
                  .ok());
  auto again = AgainWithHits(call);
  auto result = Stage().Run(again);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto messages = telegram_.Messages(kAlertChat);
  ASSERT_EQ(messages.size(), 1u) << "the tracker alert may have arrived: only the tone's is sent";
  EXPECT_NE(messages[0].text.find("Негативный тон"), std::string::npos);
  const store::Delivery stored = Stored(call, Channel::kAlerts);
  EXPECT_EQ(stored.status, "done");
  EXPECT_NE(stored.external_id.find(R"("tracker:5":0)"), std::string::npos) << stored.external_id;
}

TEST_F(AlertsChannelTest, WithoutABotAnAlertWaitsForTheSetting) {
  std::vector<std::unique_ptr<DeliveryChannel>> channels;
  channels.push_back(std::make_unique<AlertsChannel>(
      nullptr, notify::ChatTarget{}, AlertRules{.tracker_hits = true, .negative_tone = true}));
  DeliverStage stage(calls_.store(), clock_, {}, std::move(channels));
  store::CallDetails call = WithHits("negative");
  auto result = stage.Run(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(Stored(call, Channel::kAlerts).status, "pending");
}

}  // namespace
}  // namespace callbrief::pipeline
