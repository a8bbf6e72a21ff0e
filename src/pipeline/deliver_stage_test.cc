// The deliver stage over scripted channels and a real store: which channels run, what each
// outcome is recorded as (the one error rule), what the stage answers, and what happens when a
// write fails or is refused. Each channel against its real service: tests/fakes/
// delivery_channels_test.cc.

#include "pipeline/deliver_stage.h"

#include <gtest/gtest.h>

#include "testing/claimed_calls.h"
#include "testing/faulty_call_store.h"
#include "testing/manual_clock.h"

namespace callbrief::pipeline {
namespace {

using core::ErrorKind;

constexpr std::int64_t kNowMs = 1'800'000'000'000;

// A channel that answers from a script, recording its attempt before it "sends" as a real channel
// must (delivery_channel.h); each run takes the next answer, the last one repeating.
class ScriptedChannel final : public DeliveryChannel {
 public:
  ScriptedChannel(Channel channel, bool required, std::vector<core::Result<Delivered>> answers)
      : channel_(channel), required_(required), answers_(std::move(answers)) {}

  Channel channel() const override { return channel_; }
  bool required() const override { return required_; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override {
    const std::size_t i = std::min(runs++, answers_.size() - 1);
    record.attempts += 1;
    if (auto saved = job.save(record); !saved.ok()) return saved.error();
    if (answers_[i].ok() && answers_[i]->status == DeliveryStatus::kDone) ++sent;
    return answers_[i];
  }

  std::size_t runs = 0;
  int sent = 0;  // Deliveries that reached the outside world.

 private:
  const Channel channel_;
  const bool required_;
  std::vector<core::Result<Delivered>> answers_;
};

Delivered Done(std::string id = "id-1") { return Delivered::Done(std::move(id), "✅ delivered"); }

class DeliverStageTest : public ::testing::Test {
 protected:
  // A stage over `channels` (not owned: the test keeps looking at them) and `store`.
  struct Borrowed final : DeliveryChannel {
    explicit Borrowed(DeliveryChannel& c) : c(c) {}
    Channel channel() const override { return c.channel(); }
    bool required() const override { return c.required(); }
    core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& r) override {
      return c.Deliver(job, r);
    }
    DeliveryChannel& c;
  };
  DeliverStage Stage(std::vector<DeliveryChannel*> channels, store::CallStore* store = nullptr) {
    std::vector<std::unique_ptr<DeliveryChannel>> owned;
    for (DeliveryChannel* c : channels) owned.push_back(std::make_unique<Borrowed>(*c));
    return DeliverStage(store ? *store : calls_.store(), clock_, {}, std::move(owned));
  }

  store::CallDetails Claimed() { return calls_.Claim(store::testing::MakeCall("CALL.1"), kNowMs); }
  store::CallDetails Again() { return calls_.ClaimAgain("CALL.1", kNowMs + 600'000); }
  store::Delivery Stored(Channel channel) {
    return calls_.DeliveryOf("CALL.1", ChannelName(channel));
  }

  testing::ClaimedCalls calls_;
  testing::ManualClock clock_{core::FromUnixMillis(kNowMs)};
};

TEST_F(DeliverStageTest, EveryChannelDeliversOnceAndTheCallIsDone) {
  ScriptedChannel telegram(Channel::kTelegram, true, {Done("{\"message_ids\":[7]}")});
  ScriptedChannel timeline(Channel::kTimeline, true, {Done("4567")});
  auto stage = Stage({&timeline, &telegram});

  auto result = stage.Run(Claimed());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kDone);
  EXPECT_EQ(Stored(Channel::kTimeline).status, "done");
  EXPECT_EQ(Stored(Channel::kTimeline).external_id, "4567");
  EXPECT_EQ(Stored(Channel::kTelegram).external_id, "{\"message_ids\":[7]}");
  EXPECT_EQ(Stored(Channel::kTelegram).delivered_at_ms, kNowMs);
  EXPECT_EQ(Stored(Channel::kTelegram).attempts, 1);

  ASSERT_TRUE(stage.Run(Again()).ok());
  EXPECT_EQ(telegram.runs, 1u) << "a done delivery is never run again";
  EXPECT_EQ(timeline.runs, 1u);
}

TEST_F(DeliverStageTest, ASkippedChannelRecordsWhyAndDoesNotHoldTheCall) {
  ScriptedChannel timeline(Channel::kTimeline, true,
                           {Delivered::Skipped("the call is bound to no CRM entity")});
  auto stage = Stage({&timeline});
  auto result = stage.Run(Claimed());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->next, store::Stage::kDone);
  EXPECT_EQ(Stored(Channel::kTimeline).status, "skipped");
  EXPECT_EQ(Stored(Channel::kTimeline).last_error, "the call is bound to no CRM entity");
  ASSERT_TRUE(stage.Run(Again()).ok());
  EXPECT_EQ(timeline.runs, 1u);
}

// The one rule (DeliveryStatusAfter), the same for every channel.
TEST_F(DeliverStageTest, OnlyAPermanentErrorFailsADeliveryAConfigurationErrorLeavesItPending) {
  const struct {
    core::Error error;
    const char* status;
  } cases[] = {
      {core::Error::Transient("HTTP 502"), "pending"},
      {core::Error::RateLimited("HTTP 429", std::chrono::seconds(3)), "pending"},
      {core::Error::Config("the bot was removed from the chat"), "pending"},
      {core::Error::Permanent("HTTP 400: message is too long"), "failed"},
      {core::Error::InvalidInput("malformed"), "failed"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DeliveryStatusName(DeliveryStatusAfter(c.error)), c.status) << c.error.message;
  }
  for (Channel channel : {Channel::kTelegram, Channel::kTimeline, Channel::kCardTranscript}) {
    for (const auto& c : cases) {
      testing::ClaimedCalls fresh;
      ScriptedChannel scripted(channel, /*required=*/true, {c.error});
      std::vector<std::unique_ptr<DeliveryChannel>> one;
      one.push_back(std::make_unique<Borrowed>(scripted));
      DeliverStage stage(fresh.store(), clock_, {}, std::move(one));
      auto result = stage.Run(fresh.Claim(store::testing::MakeCall("CALL.1"), kNowMs));
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().kind, c.error.kind) << "the retry policy decides on the kind";
      const store::Delivery stored = fresh.DeliveryOf("CALL.1", ChannelName(channel));
      EXPECT_EQ(stored.status, c.status) << ChannelName(channel) << ": " << c.error.message;
      EXPECT_EQ(stored.last_error, c.error.message);
    }
  }
}

TEST_F(DeliverStageTest, ARequiredChannelIsTriedAgainOnTheNextRunUntilDelivered) {
  ScriptedChannel telegram(Channel::kTelegram, true,
                           {core::Error::Config("TELEGRAM_BOT_TOKEN is not set"), Done()});
  auto stage = Stage({&telegram});
  ASSERT_FALSE(stage.Run(Claimed()).ok());
  auto again = stage.Run(Again());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Stored(Channel::kTelegram).status, "done");
  EXPECT_EQ(Stored(Channel::kTelegram).last_error, "");
  EXPECT_EQ(Stored(Channel::kTelegram).attempts, 2);
  EXPECT_EQ(telegram.sent, 1);
}

TEST_F(DeliverStageTest, OneChannelsOutageDoesNotHoldBackTheOthers) {
  ScriptedChannel timeline(Channel::kTimeline, true, {core::Error::Transient("HTTP 503")});
  ScriptedChannel telegram(Channel::kTelegram, true, {Done()});
  auto stage = Stage({&timeline, &telegram});
  auto result = stage.Run(Claimed());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "HTTP 503");
  EXPECT_EQ(telegram.sent, 1);
  EXPECT_EQ(Stored(Channel::kTelegram).status, "done");
  EXPECT_EQ(Stored(Channel::kTimeline).status, "pending");
}

TEST_F(DeliverStageTest, TheMostSevereErrorDecidesWhatHappensToTheCall) {
  ScriptedChannel timeline(Channel::kTimeline, true, {core::Error::Transient("HTTP 503")});
  ScriptedChannel telegram(Channel::kTelegram, true, {core::Error::Config("no bot")});
  ScriptedChannel card(Channel::kCardTranscript, true, {core::Error::RateLimited("slow", {})});
  auto result = Stage({&timeline, &telegram, &card}).Run(Claimed());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "no bot") << "parked, not retried into a failure";

  ScriptedChannel broken(Channel::kTimeline, true, {core::Error::Permanent("HTTP 400")});
  ScriptedChannel unset(Channel::kTelegram, true, {core::Error::Config("no bot")});
  auto worse = Stage({&unset, &broken}).Run(Again());
  ASSERT_FALSE(worse.ok());
  EXPECT_EQ(worse.error().message, "HTTP 400") << "a permanent failure needs a person now";
}

TEST_F(DeliverStageTest, ABestEffortChannelsPermanentFailureIsRecordedAndTheCallIsDone) {
  ScriptedChannel telegram(Channel::kTelegram, true, {Done()});
  ScriptedChannel card(Channel::kCardTranscript, false,
                       {core::Error::Permanent("Call CALL.1 is not found")});
  auto stage = Stage({&telegram, &card});
  auto result = stage.Run(Claimed());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kDone);
  EXPECT_EQ(Stored(Channel::kCardTranscript).status, "failed");
  EXPECT_EQ(Stored(Channel::kCardTranscript).last_error, "Call CALL.1 is not found");
  ASSERT_TRUE(stage.Run(Again()).ok());
  EXPECT_EQ(card.runs, 1u) << "a best-effort channel's failure is final";
}

TEST_F(DeliverStageTest, ABestEffortChannelsPassingTroubleHoldsTheCallLikeAnyOther) {
  ScriptedChannel card(Channel::kCardTranscript, false, {core::Error::Transient("HTTP 503")});
  auto result = Stage({&card}).Run(Claimed());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(Stored(Channel::kCardTranscript).status, "pending");
}

TEST_F(DeliverStageTest, AfterATakeoverNothingIsSentAndTheStageStopsAtOnce) {
  store::CallDetails mine = Claimed();
  // This worker was paused past its lease, and another claimed the call meanwhile.
  auto other = calls_.store().ClaimDueCall("other", kNowMs + testing::ClaimedCalls::kLeaseMs + 1,
                                           testing::ClaimedCalls::kLeaseMs, {});
  ASSERT_TRUE(other.ok() && other->has_value());
  ScriptedChannel timeline(Channel::kTimeline, true, {Done()});
  ScriptedChannel telegram(Channel::kTelegram, true, {Done()});

  auto result = Stage({&timeline, &telegram}).Run(mine);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(store::IsLeaseLost(result.error())) << result.error().message;
  EXPECT_EQ(timeline.sent, 0);
  EXPECT_EQ(telegram.runs, 0u) << "the call is another worker's now";
  EXPECT_EQ(Stored(Channel::kTimeline).status, "") << "nothing stored under a stale claim";
}

TEST_F(DeliverStageTest, WhenTheDoneRecordCannotBeStoredTheStageFailsWithTheStoresError) {
  testing::FaultyCallStore faulty(calls_.store());
  ScriptedChannel telegram(Channel::kTelegram, true, {Done()});
  auto stage = Stage({&telegram}, &faulty);
  store::CallDetails claimed = Claimed();
  faulty.FailWrite(2, ErrorKind::kTransient);  // 1: the attempt; 2: the record saying done.

  auto result = stage.Run(claimed);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(faulty.Writes(), (std::vector<std::string>{"SaveDelivery", "SaveDelivery"}));
  EXPECT_EQ(Stored(Channel::kTelegram).status, "pending");
  EXPECT_EQ(Stored(Channel::kTelegram).attempts, 1) << "the next run knows it was attempted";
}

TEST_F(DeliverStageTest, WhenAFailureCannotBeStoredTheChannelsErrorIsStillReturned) {
  testing::FaultyCallStore faulty(calls_.store());
  ScriptedChannel timeline(Channel::kTimeline, true, {core::Error::Permanent("HTTP 400")});
  auto stage = Stage({&timeline}, &faulty);
  store::CallDetails claimed = Claimed();
  faulty.FailWrite(2, ErrorKind::kTransient);

  auto result = stage.Run(claimed);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "HTTP 400") << "what the operator must see";
}

TEST_F(DeliverStageTest, WhenABestEffortFailureCannotBeStoredTheCallIsNotDoneWithoutIt) {
  testing::FaultyCallStore faulty(calls_.store());
  ScriptedChannel card(Channel::kCardTranscript, false, {core::Error::Permanent("refused")});
  auto stage = Stage({&card}, &faulty);
  store::CallDetails claimed = Claimed();
  faulty.FailWrite(2, ErrorKind::kTransient);

  auto result = stage.Run(claimed);
  ASSERT_FALSE(result.ok()) << "done would leave the failure unrecorded forever";
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
}

TEST_F(DeliverStageTest, AStatusThisVersionDoesNotKnowIsAClearErrorNotAGuess) {
  store::CallDetails claimed = Claimed();
  ASSERT_TRUE(calls_.store()
                  .SaveDelivery(store::LeaseOf(claimed.call),
                                {.channel = "telegram", .status = "bounced", .attempts = 1})
                  .ok());
  ScriptedChannel telegram(Channel::kTelegram, true, {Done()});
  auto result = Stage({&telegram}).Run(Again());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("\"bounced\""), std::string::npos);
  EXPECT_EQ(telegram.runs, 0u);
}

// What the stage told its observer: "channel status", one per delivery that ended a run.
class DeliveryLog final : public core::Observer {
 public:
  void DeliveryFinished(std::string_view channel, std::string_view status) override {
    lines.push_back(std::string(channel) + " " + std::string(status));
  }
  std::vector<std::string> lines;
};

TEST_F(DeliverStageTest, EachStoredDeliveryOutcomeIsObservedOncePerRun) {
  ScriptedChannel timeline(Channel::kTimeline, true, {Delivered::Skipped("no CRM entity")});
  ScriptedChannel telegram(Channel::kTelegram, true, {core::Error::Transient("HTTP 502"), Done()});
  ScriptedChannel card(Channel::kCardTranscript, false,
                       {core::Error::Permanent("HTTP 400 from attachTranscription")});
  DeliveryLog observed;
  std::vector<std::unique_ptr<DeliveryChannel>> owned;
  for (DeliveryChannel* c : std::vector<DeliveryChannel*>{&timeline, &telegram, &card}) {
    owned.push_back(std::make_unique<Borrowed>(*c));
  }
  DeliverStage stage(calls_.store(), clock_, {}, std::move(owned), observed);
  EXPECT_FALSE(stage.Run(Claimed()).ok());
  ASSERT_TRUE(stage.Run(Again()).ok());
  EXPECT_EQ(observed.lines,
            (std::vector<std::string>{"bitrix_timeline skipped", "telegram pending",
                                      "bitrix_transcript failed", "telegram done"}));
}

TEST(DeliveryNames, EveryChannelAndStatusRoundTripsThroughItsStoredName) {
  for (Channel c : {Channel::kTelegram, Channel::kTimeline, Channel::kCardTranscript,
                    Channel::kTasks, Channel::kAlerts}) {
    EXPECT_EQ(ChannelFromName(ChannelName(c)), c);
  }
  EXPECT_EQ(ChannelName(Channel::kTimeline), "bitrix_timeline");
  EXPECT_EQ(ChannelName(Channel::kCardTranscript), "bitrix_transcript");
  EXPECT_EQ(ChannelName(Channel::kTasks), "bitrix_tasks");
  EXPECT_EQ(ChannelName(Channel::kAlerts), "telegram_alerts");
  for (DeliveryStatus s : {DeliveryStatus::kPending, DeliveryStatus::kDone,
                           DeliveryStatus::kSkipped, DeliveryStatus::kFailed}) {
    EXPECT_EQ(DeliveryStatusFromName(DeliveryStatusName(s)), s);
  }
  EXPECT_EQ(ChannelFromName("fax"), std::nullopt);
  EXPECT_EQ(DeliveryStatusFromName("Done"), std::nullopt);
}

}  // namespace
}  // namespace callbrief::pipeline
