// Scorecards end to end through the summarize stage (issue 16, item 2): the stored checklist is
// sent with the summary request to the OpenAI emulator over real HTTP, the emulated model's
// answers come back, and every quote is checked against the transcript before the scorecard is
// stored. A quote the model invented is refused: its criterion is "unanswered". Re-scoring
// (issue 16, item 6) asks again in a scoring-only request and replaces the scorecard alone.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analytics/scorecard.h"
#include "fakes/fake_openai.h"
#include "llm/summarizer.h"
#include "net/http_client.h"
#include "pipeline/rescore.h"
#include "pipeline/summarize_stage.h"
#include "store/call_store.h"
#include "testing/manual_clock.h"
#include "testing/temp_dir.h"

namespace callbrief {
namespace {

using json = nlohmann::json;

class ScorecardRoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.Start().ok());
    auto opened = store::OpenStore("sqlite://" + dir_.File("calls.db"), true);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    summarizer_ = llm::MakeOpenAiSummarizer(
        *http_, {.base_url = fake_.BaseUrl(), .api_key = fake_.api_key()});
  }

  static store::CallDetails Call() {
    store::CallDetails details;
    details.call.id = 1;
    details.call.bitrix_call_id = "round-trip";
    details.segments = {
        {0, 0, 3000, "manager", "Здравствуйте! Меня зовут Анна, компания «СтройМаркет»."},
        {1, 3500, 6000, "client", "Добрый день. Нужен цемент, тонн пять."},
        {2, 6500, 9000, "manager", "Пять тонн М500 — 42 000 рублей с доставкой."},
        {3, 9500, 12000, "client", "Хорошо, созвонимся в четверг."},
        {4, 12500, 14000, "manager", "Спасибо, до свидания!"},
    };
    return details;
  }

  json Scorecard() {
    pipeline::SummarizeStage stage(summarizer_.get(), *store_, clock_, "ru");
    auto result = stage.Run(Call());
    EXPECT_TRUE(result.ok()) << result.error().message;
    if (!result.ok() || !result->scorecard) return json();
    return json::parse(result->scorecard->scorecard_json);
  }

  static const json& Criterion(const json& scorecard, std::string_view id) {
    for (const json& c : scorecard["criteria"]) {
      if (c["id"] == id) return c;
    }
    static const json kNone;
    return kNone;
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  fakes::FakeOpenAi fake_;
  std::unique_ptr<net::HttpClient> http_ = net::MakeCurlHttpClient({.user_agent = "test"});
  std::unique_ptr<store::CallStore> store_;
  std::unique_ptr<llm::Summarizer> summarizer_;
};

TEST_F(ScorecardRoundTripTest, TheShippedChecklistIsScoredWithVerbatimEvidence) {
  json scorecard = Scorecard();
  ASSERT_TRUE(scorecard.is_object());
  EXPECT_EQ(scorecard["checklist_id"], "sales");
  ASSERT_EQ(scorecard["criteria"].size(), 6u);
  // The emulated model quotes the first line of each criterion's side.
  const json& greeting = Criterion(scorecard, "greeting");
  EXPECT_EQ(greeting["verdict"], "yes");
  EXPECT_EQ(greeting["quote"], "Здравствуйте! Меня зовут Анна, компания «СтройМаркет».");
  EXPECT_EQ(greeting["quote_start_ms"], 0);
  EXPECT_EQ(scorecard["score"], 100);
  EXPECT_EQ(scorecard["unanswered"], 0);
  // One request: the checklist travelled with the summary.
  EXPECT_EQ(fake_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions), 1);
}

TEST_F(ScorecardRoundTripTest, AnInventedQuoteIsRefusedAndTheCriterionUnanswered) {
  fake_.InventScorecardQuote("next_step");
  json scorecard = Scorecard();
  ASSERT_TRUE(scorecard.is_object());
  const json& next_step = Criterion(scorecard, "next_step");
  EXPECT_EQ(next_step["verdict"], "unanswered");
  EXPECT_TRUE(next_step["quote_start_ms"].is_null());
  EXPECT_EQ(next_step["refused"], "the quote is not in the transcript");
  EXPECT_EQ(scorecard["unanswered"], 1);
  // next_step weighs 3 of the shipped checklist's 11: the invented evidence scores nothing.
  EXPECT_EQ(scorecard["score"], 73);
  EXPECT_EQ(Criterion(scorecard, "greeting")["verdict"], "yes");
}

TEST_F(ScorecardRoundTripTest, TheActiveStoredChecklistIsTheOneScored) {
  analytics::Checklist mine{.id = "support",
                            .name = "Поддержка",
                            .criteria = {{"answer", "Клиент получил ответ?", 1, true, "client"}}};
  ASSERT_TRUE(
      store_->SaveChecklist({mine.id, mine.name, analytics::ChecklistToJson(mine).dump(), true, 0})
          .ok());
  json scorecard = Scorecard();
  EXPECT_EQ(scorecard["checklist_id"], "support");
  ASSERT_EQ(scorecard["criteria"].size(), 1u);
  EXPECT_EQ(scorecard["criteria"][0]["quote"], "Добрый день. Нужен цемент, тонн пять.");
  EXPECT_EQ(scorecard["criteria"][0]["quote_start_ms"], 3500);
}

TEST_F(ScorecardRoundTripTest, NoActiveChecklistNoScorecard) {
  ASSERT_TRUE(store_->SaveChecklist({"off", "Выкл", "{}", false, 0}).ok());
  pipeline::SummarizeStage stage(summarizer_.get(), *store_, clock_, "ru");
  auto result = stage.Run(Call());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->scorecard.has_value());
  auto sent = fake_.Requests().back().body;
  EXPECT_FALSE(
      sent["response_format"]["json_schema"]["schema"]["properties"].contains("scorecard"));
}

// Everything about a stored call but its scorecard and usage, as text: equal before and after
// re-scoring, or re-scoring touched what it must not.
std::string AllButTheScorecard(const store::CallDetails& d) {
  std::string out =
      fmt::format("stage={} updated={} error={} pii={}\n", store::StageName(d.call.stage),
                  d.call.updated_at_ms, d.call.last_error, d.call.pii_report_json);
  for (const store::TranscriptSegment& s : d.segments) {
    out +=
        fmt::format("segment {} {}-{} {}: {}\n", s.index, s.start_ms, s.end_ms, s.speaker, s.text);
  }
  if (d.summary) {
    out += fmt::format("summary {} {} {} {} {}\n", d.summary->model, d.summary->summary_json,
                       d.summary->call_kind, d.summary->sentiment, d.summary->created_at_ms);
  }
  for (const store::Delivery& x : d.deliveries) {
    out += fmt::format("delivery {} {} {} {} {}\n", x.channel, x.status, x.attempts, x.external_id,
                       x.delivered_at_ms.value_or(-1));
  }
  for (const store::StageRun& r : d.stage_runs) {
    out += fmt::format("run {} {} {}\n", store::StageName(r.stage), r.attempt, r.started_at_ms);
  }
  return out;
}

class RescoreRoundTripTest : public ScorecardRoundTripTest {
 protected:
  // The call summarized (and scored against the shipped checklist) and delivered to Telegram,
  // as the pipeline leaves it: stage done.
  store::CallDetails DeliveredCall() {
    store::IncomingCall incoming;
    incoming.bitrix_call_id = "round-trip";
    incoming.received_at_ms = kNow;
    EXPECT_TRUE(store_->RecordIncomingCalls(std::span(&incoming, 1)).ok());
    auto claimed = store_->ClaimDueCall("worker", kNow, 60'000, {});
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    if (!claimed.ok() || !claimed->has_value()) return {};
    store::CallDetails details = Call();
    details.call = **claimed;
    pipeline::SummarizeStage stage(summarizer_.get(), *store_, clock_, "ru");
    auto summarized = stage.Run(details);
    EXPECT_TRUE(summarized.ok()) << summarized.error().message;
    if (!summarized.ok()) return {};
    const store::LeaseToken claim = store::LeaseOf(**claimed);
    EXPECT_TRUE(store_
                    ->FinishStage({.call_id = claim.call_id,
                                   .lease_owner = claim.owner,
                                   .lease_epoch = claim.epoch,
                                   .ran = store::Stage::kSummarize,
                                   .started_at_ms = kNow,
                                   .finished_at_ms = kNow + 10,
                                   .next = store::Stage::kDeliver,
                                   .segments = details.segments,
                                   .summary = summarized->summary,
                                   .scorecard = summarized->scorecard})
                    .ok());
    auto again = store_->ClaimDueCall("worker", kNow + 20, 60'000, {});
    EXPECT_TRUE(again.ok() && again->has_value());
    if (!again.ok() || !again->has_value()) return {};
    const store::LeaseToken delivering = store::LeaseOf(**again);
    EXPECT_TRUE(store_
                    ->SaveDelivery(delivering, {.channel = "telegram",
                                                .status = "done",
                                                .attempts = 1,
                                                .external_id = "777",
                                                .delivered_at_ms = kNow + 30})
                    .ok());
    EXPECT_TRUE(store_
                    ->FinishStage({.call_id = delivering.call_id,
                                   .lease_owner = delivering.owner,
                                   .lease_epoch = delivering.epoch,
                                   .ran = store::Stage::kDeliver,
                                   .started_at_ms = kNow + 20,
                                   .finished_at_ms = kNow + 40,
                                   .next = store::Stage::kDone})
                    .ok());
    auto found = store_->FindCall("round-trip");
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : store::CallDetails{};
  }

  static constexpr std::int64_t kNow = 1'800'000'000'000;
};

TEST_F(RescoreRoundTripTest, ReScoringReplacesTheScorecardAndNothingElse) {
  const store::CallDetails before = DeliveredCall();
  ASSERT_TRUE(before.scorecard.has_value());
  ASSERT_EQ(before.scorecard->checklist_id, "sales");
  ASSERT_EQ(before.deliveries.size(), 1u);
  const int requests = fake_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions);

  // The team changes its checklist after the call was processed.
  analytics::Checklist mine{.id = "support",
                            .name = "Поддержка",
                            .criteria = {{"answer", "Клиент получил ответ?", 1, true, "client"}}};
  ASSERT_TRUE(
      store_->SaveChecklist({mine.id, mine.name, analytics::ChecklistToJson(mine).dump(), true, 0})
          .ok());
  pipeline::Rescorer rescorer(summarizer_.get(), *store_, clock_, "ru");
  auto rescored = rescorer.Rescore(before);
  ASSERT_TRUE(rescored.ok()) << rescored.error().message;

  auto found = store_->FindCall("round-trip");
  ASSERT_TRUE(found.ok() && found->has_value());
  const store::CallDetails& after = **found;
  ASSERT_TRUE(after.scorecard.has_value());
  EXPECT_EQ(after.scorecard->checklist_id, "support");
  EXPECT_EQ(after.scorecard->score, 100);
  EXPECT_EQ(json::parse(after.scorecard->scorecard_json)["criteria"][0]["quote_start_ms"], 3500);
  EXPECT_EQ(AllButTheScorecard(after), AllButTheScorecard(before));

  // One more request, asking for the scorecard alone: no summary field is asked again.
  ASSERT_EQ(fake_.CountRequests(fakes::OpenAiEndpoint::kChatCompletions), requests + 1);
  const json asked =
      fake_.Requests().back().body["response_format"]["json_schema"]["schema"]["properties"];
  EXPECT_TRUE(asked.contains("scorecard"));
  EXPECT_FALSE(asked.contains("summary"));
  // Its cost is the call's: recorded as usage of the operation "score".
  ASSERT_FALSE(after.usage.empty());
  EXPECT_EQ(after.usage.back().operation, "score");
}

TEST_F(RescoreRoundTripTest, AnInventedQuoteIsRefusedWhenReScoringToo) {
  const store::CallDetails before = DeliveredCall();
  fake_.InventScorecardQuote("next_step");
  pipeline::Rescorer rescorer(summarizer_.get(), *store_, clock_, "ru");
  auto rescored = rescorer.Rescore(before);
  ASSERT_TRUE(rescored.ok()) << rescored.error().message;
  const json scorecard = json::parse(rescored->scorecard_json);
  EXPECT_EQ(Criterion(scorecard, "next_step")["verdict"], "unanswered");
  EXPECT_EQ(scorecard["score"], 73);
}

TEST_F(RescoreRoundTripTest, ACallWithoutAConversationOrWithoutAnActiveChecklistIsRefused) {
  store::CallDetails unsummarized = Call();
  auto refused = pipeline::Rescorer(summarizer_.get(), *store_, clock_, "ru").Rescore(unsummarized);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(refused.error().message.find("no summary yet"), std::string::npos);

  const store::CallDetails delivered = DeliveredCall();
  ASSERT_TRUE(store_->SaveChecklist({"off", "Выкл", "{}", false, 0}).ok());
  auto no_checklist =
      pipeline::Rescorer(summarizer_.get(), *store_, clock_, "ru").Rescore(delivered);
  ASSERT_FALSE(no_checklist.ok());
  EXPECT_EQ(no_checklist.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(no_checklist.error().message.find("Checklists page"), std::string::npos);
  EXPECT_EQ(AllButTheScorecard(**store_->FindCall("round-trip")), AllButTheScorecard(delivered));
}

}  // namespace
}  // namespace callbrief
