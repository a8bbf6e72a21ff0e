// Personal-data masking in the pipeline (PII_MASKING): what the summarizer receives, and the
// report stored with the call.
#include "pipeline/pii_report.h"

#include <gtest/gtest.h>

#include "pipeline/summarize_stage.h"
#include "testing/claimed_calls.h"
#include "testing/manual_clock.h"

namespace callbrief::pipeline {
namespace {

using privacy::PiiType;

// Keeps what it was asked to summarize; answers with a fixed summary and no usage.
class RecordingSummarizer final : public llm::Summarizer {
 public:
  core::Result<llm::SummaryResult> Summarize(const llm::SummaryInput& input) override {
    received.push_back(input);
    llm::SummaryResult result;
    result.summary.summary = "Клиент оставил контакты [ТЕЛЕФОН]";
    result.summary.scorecard = answers;
    return result;
  }
  core::Result<llm::ScoreResult> Score(const llm::SummaryInput& input) override {
    received.push_back(input);
    return llm::ScoreResult{.answers = answers};
  }
  std::vector<llm::SummaryInput> received;
  std::vector<llm::CriterionVerdict> answers;  // The scorecard answered, as given.
};

store::CallDetails CallWithPersonalData() {
  store::CallDetails details;
  details.call.id = 1;
  details.call.bitrix_call_id = "CALL.1";
  details.call.direction = store::Direction::kIncoming;
  details.call.client_number = "+79161234567";
  details.call.portal_number = "+74951112233";
  details.call.duration_seconds = 95;
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"manager", "Добрый день, компания Ромашка, чем могу помочь?"},
      {"client", "Здравствуйте, хочу оформить доставку дивана на ул. Ленина, д. 5, кв. 12."},
      {"manager", "Хорошо. Продиктуйте, пожалуйста, номер для связи и почту."},
      {"client",
       "Восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь, "
       "почта ivan.petrov@mail.ru."},
      {"manager", "Спасибо, диван стоит 45 990 рублей, доставим 15 декабря."},
  };
  for (const auto& [speaker, text] : lines) {
    details.segments.push_back(
        {.index = static_cast<int>(details.segments.size()),
         .start_ms = 5000 * static_cast<std::int64_t>(details.segments.size()),
         .speaker = speaker,
         .text = text});
  }
  return details;
}

std::string Everything(const llm::SummaryInput& input) {
  std::string all = input.from_number + "\n" + input.to_number + "\n";
  for (const llm::TranscriptLine& line : input.transcript) all += line.text + "\n";
  return all;
}

class SummarizeMaskingTest : public ::testing::Test {
 protected:
  testing::ClaimedCalls calls_;
  testing::ManualClock clock_{core::FromUnixMillis(1'800'000'000'000)};
  RecordingSummarizer summarizer_;
};

TEST_F(SummarizeMaskingTest, WithMaskingTheSummarizerReceivesPlaceholdersAndNoValue) {
  SummarizeStage stage(&summarizer_, calls_.store(), clock_, "ru", core::NullObserver(),
                       /*mask_personal_data=*/true);
  auto result = stage.Run(CallWithPersonalData());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(summarizer_.received.size(), 1u);
  const std::string sent = Everything(summarizer_.received[0]);
  for (std::string_view value : {"916", "Ленина", "ivan.petrov", "шестнадцать", "+79161234567"}) {
    EXPECT_EQ(sent.find(value), std::string::npos) << value << " was sent:\n" << sent;
  }
  EXPECT_NE(sent.find("[ТЕЛЕФОН]"), std::string::npos);
  EXPECT_NE(sent.find("[АДРЕС]"), std::string::npos);
  EXPECT_NE(sent.find("[EMAIL]"), std::string::npos);
  // Prices, dates and the company's own number stay.
  EXPECT_NE(sent.find("45 990 рублей, доставим 15 декабря"), std::string::npos);
  EXPECT_EQ(summarizer_.received[0].to_number, "+74951112233");
  EXPECT_EQ(summarizer_.received[0].from_number, "[ТЕЛЕФОН]");

  ASSERT_TRUE(result->pii_report_json);
  EXPECT_EQ(*result->pii_report_json, R"({"sent_for_summary":{"address":1,"email":1,"phone":2}})");
  ASSERT_TRUE(result->summary);
  EXPECT_NE(result->summary->summary_json.find("[ТЕЛЕФОН]"), std::string::npos);
}

TEST_F(SummarizeMaskingTest, WithoutMaskingTheTextIsSentAsIsAndNoReportIsWritten) {
  SummarizeStage stage(&summarizer_, calls_.store(), clock_, "ru");
  auto result = stage.Run(CallWithPersonalData());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(summarizer_.received.size(), 1u);
  EXPECT_NE(Everything(summarizer_.received[0]).find("ivan.petrov@mail.ru"), std::string::npos);
  EXPECT_FALSE(result->pii_report_json);
}

TEST_F(SummarizeMaskingTest, AScorecardQuoteOfAMaskedLineIsFoundWhereTheModelReadIt) {
  // The model was sent "[АДРЕС]", not the street, and can only quote what it read.
  summarizer_.answers = {{"next_step", "yes", "хочу оформить доставку дивана на [АДРЕС]"}};
  SummarizeStage stage(&summarizer_, calls_.store(), clock_, "ru", core::NullObserver(), true);
  auto result = stage.Run(CallWithPersonalData());
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result->scorecard);
  const nlohmann::json scorecard = nlohmann::json::parse(result->scorecard->scorecard_json);
  const nlohmann::json& next_step = scorecard["criteria"][4];
  ASSERT_EQ(next_step["id"], "next_step");
  EXPECT_EQ(next_step["verdict"], "yes") << next_step.dump();
  EXPECT_EQ(next_step["quote_start_ms"], 5000);
}

TEST_F(SummarizeMaskingTest, AStoredMaskedTranscriptIsCountedAndItsReportKept) {
  store::CallDetails details = CallWithPersonalData();
  for (store::TranscriptSegment& s : details.segments) {
    s.text = privacy::MaskPersonalData(s.text).text;  // As PII_MASKING_STORE stored it.
  }
  details.call.pii_report_json = R"({"stored_transcript":{"phone":1,"email":1,"address":1}})";
  SummarizeStage stage(&summarizer_, calls_.store(), clock_, "ru", core::NullObserver(), true);
  auto result = stage.Run(details);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_TRUE(result->pii_report_json);
  EXPECT_EQ(*result->pii_report_json, R"({"sent_for_summary":{"address":1,"email":1,"phone":2},)"
                                      R"("stored_transcript":{"address":1,"email":1,"phone":1}})");
}

TEST(PiiReportTest, ReadsWhatItWritesAndIgnoresGarbage) {
  PiiReport report{.stored_transcript = PiiCounts{{PiiType::kCard, 1}, {PiiType::kInn, 0}},
                   .sent_for_summary = PiiCounts{}};
  EXPECT_EQ(report.ToJson(), R"({"sent_for_summary":{},"stored_transcript":{"card":1}})");
  PiiReport read = PiiReport::FromJson(report.ToJson());
  EXPECT_EQ(read.stored_transcript, (PiiCounts{{PiiType::kCard, 1}}));
  EXPECT_EQ(read.sent_for_summary, PiiCounts{});
  EXPECT_FALSE(PiiReport::FromJson("").stored_transcript);
  EXPECT_FALSE(PiiReport::FromJson("not json").sent_for_summary);
  EXPECT_EQ(PiiReport::FromJson("").ToJson(), "{}");
}

}  // namespace
}  // namespace callbrief::pipeline
