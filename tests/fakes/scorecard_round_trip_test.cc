// Scorecards end to end through the summarize stage (issue 16, item 2): the stored checklist is
// sent with the summary request to the OpenAI emulator over real HTTP, the emulated model's
// answers come back, and every quote is checked against the transcript before the scorecard is
// stored. A quote the model invented is refused: its criterion is "unanswered".

#include <gtest/gtest.h>

#include "analytics/scorecard.h"
#include "fakes/fake_openai.h"
#include "llm/summarizer.h"
#include "net/http_client.h"
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

}  // namespace
}  // namespace callbrief
