// The summarize stage over a scripted summarizer and a real store: what it sends, when it asks no
// model, what it stores and answers, and how a provider's error reaches the retry policy. The
// request itself against the OpenAI-compatible emulator: tests/fakes/openai_clients_test.cc;
// personal-data masking: pii_report_test.cc.
#include "pipeline/summarize_stage.h"

#include <gtest/gtest.h>

#include "testing/claimed_calls.h"
#include "testing/manual_clock.h"

namespace callbrief::pipeline {
namespace {

using core::ErrorKind;

constexpr std::int64_t kNowMs = 1'800'000'000'000;

// Answers from a script (the last answer repeating) and keeps what it was asked.
class ScriptedSummarizer final : public llm::Summarizer {
 public:
  explicit ScriptedSummarizer(std::vector<core::Result<llm::SummaryResult>> answers)
      : answers_(std::move(answers)) {}
  core::Result<llm::SummaryResult> Summarize(const llm::SummaryInput& input) override {
    received.push_back(input);
    return answers_[std::min(received.size(), answers_.size()) - 1];
  }
  // The stage scores inside the summary request; a scoring-only request is re-scoring's.
  core::Result<llm::ScoreResult> Score(const llm::SummaryInput&) override {
    ADD_FAILURE() << "the summarize stage made a scoring-only request";
    return core::Error::Permanent("not expected");
  }
  std::vector<llm::SummaryInput> received;

 private:
  std::vector<core::Result<llm::SummaryResult>> answers_;
};

llm::SummaryResult ModelSummary() {
  llm::SummaryResult result;
  result.summary.summary = "Клиент переносит доставку на пятницу.";
  result.summary.call_kind = "conversation";
  result.summary.sentiment = "positive";
  result.usage.push_back({.provider = "openai-chat",
                          .model = "gpt-4o-mini",
                          .operation = "summarize",
                          .input_tokens = 1200,
                          .output_tokens = 180,
                          .latency_ms = 900,
                          .cost_usd = 0.0003});
  return result;
}

// An outgoing call with a real conversation: the summary needs a model.
store::CallDetails Conversation(testing::ClaimedCalls& calls) {
  store::IncomingCall call = store::testing::MakeCall("CALL.1");
  call.direction = store::Direction::kOutgoing;
  store::CallDetails details = calls.Claim(call, kNowMs);
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"manager", "Добрый день, компания Ромашка, Анна. Звоню по вашему заказу."},
      {"client", "Здравствуйте. Можно перенести доставку на пятницу?"},
      {"manager", "Да, перенесу на пятницу и пришлю подтверждение письмом."},
      {"client", "Спасибо, буду ждать."},
  };
  for (const auto& [speaker, text] : lines) {
    details.segments.push_back({.index = static_cast<int>(details.segments.size()),
                                .start_ms = 4000 * std::ssize(details.segments),
                                .speaker = speaker,
                                .text = text});
  }
  return details;
}

class SummarizeStageTest : public ::testing::Test {
 protected:
  testing::ClaimedCalls calls_;
  testing::ManualClock clock_{core::FromUnixMillis(kNowMs)};
};

TEST_F(SummarizeStageTest, AConversationIsSummarizedByTheModelAndMovesToDeliverWithItsSummary) {
  ScriptedSummarizer summarizer({ModelSummary()});
  SummarizeStage stage(&summarizer, calls_.store(), clock_, "ru");
  auto result = stage.Run(Conversation(calls_));
  ASSERT_TRUE(result.ok()) << result.error().message;

  ASSERT_EQ(summarizer.received.size(), 1u);
  const llm::SummaryInput& sent = summarizer.received[0];
  ASSERT_EQ(sent.transcript.size(), 4u);
  EXPECT_EQ(sent.transcript[1].speaker, "client");
  EXPECT_EQ(sent.transcript[1].start_ms, 4000);
  EXPECT_EQ(sent.direction, "outgoing");
  EXPECT_EQ(sent.from_number, "+79009876543") << "an outgoing call is from the portal's number";
  EXPECT_EQ(sent.to_number, "+79001234567");
  EXPECT_EQ(sent.language, "ru");

  EXPECT_EQ(result->next, store::Stage::kDeliver);
  ASSERT_TRUE(result->summary);
  EXPECT_EQ(result->summary->model, "gpt-4o-mini");
  EXPECT_EQ(result->summary->sentiment, "positive");
  EXPECT_EQ(result->summary->call_kind, "conversation");
  EXPECT_EQ(result->summary->created_at_ms, kNowMs);
  EXPECT_NE(result->summary->summary_json.find("пятницу"), std::string::npos);
  EXPECT_FALSE(result->pii_report_json) << "no masking, no report";
}

TEST_F(SummarizeStageTest, EveryRequestsTokensAndCostAreRecordedWithTheCall) {
  ScriptedSummarizer summarizer({ModelSummary()});
  SummarizeStage stage(&summarizer, calls_.store(), clock_, "ru");
  ASSERT_TRUE(stage.Run(Conversation(calls_)).ok());

  const std::vector<store::UsageRow> usage = calls_.Stored("CALL.1").usage;
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].stage, store::Stage::kSummarize);
  EXPECT_EQ(usage[0].model, "gpt-4o-mini");
  EXPECT_EQ(usage[0].input_tokens, 1200);
  EXPECT_EQ(usage[0].output_tokens, 180);
  ASSERT_TRUE(usage[0].cost_usd);
  EXPECT_DOUBLE_EQ(*usage[0].cost_usd, 0.0003);
  EXPECT_EQ(usage[0].at_ms, kNowMs);
}

TEST_F(SummarizeStageTest, ACallWithoutSpeechIsSummarizedByRulesWithoutAskingTheModel) {
  ScriptedSummarizer summarizer({ModelSummary()});
  SummarizeStage stage(&summarizer, calls_.store(), clock_, "ru");
  auto result = stage.Run(calls_.Claim(store::testing::MakeCall("CALL.1"), kNowMs));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(summarizer.received.empty()) << "no request is paid for silence";
  EXPECT_EQ(result->next, store::Stage::kDeliver);
  ASSERT_TRUE(result->summary);
  EXPECT_EQ(result->summary->model, "rules");
  EXPECT_TRUE(calls_.Stored("CALL.1").usage.empty());
}

TEST_F(SummarizeStageTest, AConversationWithoutAnApiKeyIsAConfigurationErrorNamingTheSetting) {
  SummarizeStage stage(/*summarizer=*/nullptr, calls_.store(), clock_, "ru");
  auto result = stage.Run(Conversation(calls_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig) << "the call parks until the key is set";
  EXPECT_NE(result.error().message.find("OPENAI_API_KEY"), std::string::npos);
}

TEST_F(SummarizeStageTest, TheProvidersErrorReachesTheRetryPolicyWithItsKindAndWait) {
  ScriptedSummarizer summarizer(
      {core::Error::RateLimited("summarizing: HTTP 429", std::chrono::seconds(20))});
  SummarizeStage stage(&summarizer, calls_.store(), clock_, "ru");
  auto result = stage.Run(Conversation(calls_));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kRateLimited);
  ASSERT_TRUE(result.error().retry_after);
  EXPECT_EQ(*result.error().retry_after, std::chrono::seconds(20));
  EXPECT_TRUE(calls_.Stored("CALL.1").usage.empty()) << "nothing was spent";
}

}  // namespace
}  // namespace callbrief::pipeline
