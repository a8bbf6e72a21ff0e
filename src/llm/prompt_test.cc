#include "llm/prompt.h"

#include <gtest/gtest.h>

namespace callbrief::llm {
namespace {

SummaryInput Input() {
  return {.transcript = {{.start_ms = 3000, .speaker = "manager", .text = "Добрый день"},
                         {.start_ms = 65500, .speaker = "client", .text = "Здравствуйте"}},
          .direction = "incoming",
          .from_number = "+79001234567",
          .to_number = "+79009876543",
          .duration_seconds = 135,
          .manager_name = "Ольга"};
}

TEST(PromptTest, TheUserMessageCarriesCallFactsAndLabelledLines) {
  SummaryInput input = Input();
  EXPECT_EQ(UserPrompt(input, input.transcript, "ru"),
            "Звонок: входящий\nОт: +79001234567\nКому: +79009876543\nДлительность: 2м 15с\n"
            "Менеджер: Ольга\n\nРасшифровка:\n[00:03] Менеджер: Добрый день\n"
            "[01:05] Клиент: Здравствуйте\n");
  input.direction = "outgoing";
  EXPECT_EQ(UserPrompt(input, {}, "en"),
            "Call: outgoing\nFrom: +79001234567\nTo: +79009876543\nDuration: 2m 15s\n"
            "Manager: Ольга\n\nTranscript:\n");
}

TEST(PromptTest, TheSystemPromptIsRussianByDefaultAndNamesEveryField) {
  std::string prompt = SystemPrompt("ru", {});
  EXPECT_NE(prompt.find("Ты — аналитик телефонных звонков"), std::string::npos);
  for (const char* field : {"summary", "key_points", "tasks", "owner", "due", "client_request",
                            "next_steps", "sentiment", "call_kind", "client_name", "company"}) {
    EXPECT_NE(prompt.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(prompt.find("```json"), std::string::npos);
  std::string english = SystemPrompt("de", {});
  EXPECT_NE(english.find("in the language of the call (de)"), std::string::npos);
}

TEST(PromptTest, JsonObjectModeEmbedsTheSchemaAndSaysJson) {
  std::string prompt = SystemPrompt("ru", {.embed_schema = true});
  std::size_t fence = prompt.find("```json\n");
  ASSERT_NE(fence, std::string::npos);
  std::size_t end = prompt.find("\n```", fence + 8);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(prompt.substr(fence + 8, end - fence - 8)), SummarySchema());
}

TEST(PromptTest, PartAndMergePromptsSayWhatTheyAre) {
  EXPECT_NE(
      SystemPrompt("ru", {.kind = PromptKind::kPart, .part = 2, .parts = 3}).find("часть 2 из 3"),
      std::string::npos);
  EXPECT_NE(SystemPrompt("ru", {.kind = PromptKind::kMerge}).find("Объедини"), std::string::npos);
  CallSummary a, b;
  a.summary = "Первая часть";
  b.summary = "Вторая часть";
  std::string merge = MergePrompt(Input(), {a, b}, "ru");
  EXPECT_NE(merge.find("Часть 1:\n{"), std::string::npos) << merge;
  EXPECT_NE(merge.find("\"Вторая часть\""), std::string::npos);
  EXPECT_EQ(merge.find("Расшифровка"), std::string::npos);
}

TEST(PromptTest, RenderingPastAnHourShowsHours) {
  EXPECT_EQ(RenderTranscript({{.start_ms = 3723000, .speaker = "", .text = "Шум"}}, "ru"),
            "[1:02:03] Шум\n");
}

TEST(SplitTranscriptTest, KeepsEverythingInOnePartWithinTheBudget) {
  SummaryInput input = Input();
  EXPECT_EQ(SplitTranscript(input.transcript, "ru", 1000).size(), 1u);
  EXPECT_EQ(SplitTranscript({}, "ru", 1000).size(), 1u);
}

TEST(SplitTranscriptTest, SplitsOnLineBoundariesWithinTheBudget) {
  std::vector<TranscriptLine> lines;
  for (int i = 0; i < 100; ++i) {
    lines.push_back({.start_ms = i * 10000,
                     .speaker = i % 2 ? "client" : "manager",
                     .text = "Реплика номер " + std::to_string(i) + " о поставке товара"});
  }
  auto parts = SplitTranscript(lines, "ru", 300);
  ASSERT_GT(parts.size(), 1u);
  std::size_t total = 0;
  std::int64_t next_start = 0;
  for (const auto& part : parts) {
    EXPECT_LE(EstimateTokens(RenderTranscript(part, "ru")), 300);
    EXPECT_EQ(part.front().start_ms, next_start);
    next_start = part.back().start_ms + 10000;
    total += part.size();
  }
  EXPECT_EQ(total, lines.size());
}

TEST(SplitTranscriptTest, AnOverlongLineMakesAPartOfItsOwn) {
  std::vector<TranscriptLine> lines = {
      {.text = "коротко"}, {.text = std::string(3000, 'x')}, {.text = "коротко"}};
  EXPECT_EQ(SplitTranscript(lines, "ru", 100).size(), 3u);
}

TEST(ScorecardPromptTest, AsksForVerbatimQuotesAndListsEveryCriterionWithItsSide) {
  std::string ru = ScorecardPrompt(
      {{"greeting", "Представился?", "manager"}, {"objection", "Отработал возражение?", "client"}},
      "ru");
  EXPECT_NE(ru.find("дословная цитата"), std::string::npos);
  EXPECT_NE(ru.find("- greeting [менеджер]: Представился?\n"), std::string::npos);
  EXPECT_NE(ru.find("- objection [клиент]: Отработал возражение?\n"), std::string::npos);
  std::string en = ScorecardPrompt({{"close", "Polite close?", "any"}}, "en");
  EXPECT_NE(en.find("verbatim quote"), std::string::npos);
  EXPECT_NE(en.find("- close [either side]: Polite close?"), std::string::npos);
  EXPECT_EQ(ScorecardPrompt({}, "ru"), "");
}

TEST(QuestionsPromptTest, ListsEveryQuestionWithTheKindOfAnswerItTakes) {
  const std::string ru = QuestionsPrompt(
      {{"new_client", "Клиент новый?", "yes_no"}, {"competitor", "Какой конкурент?", "text"}},
      "ru");
  EXPECT_NE(ru.find("Вопросы (поле answers)"), std::string::npos);
  EXPECT_NE(ru.find("- new_client [да/нет]: Клиент новый?\n"), std::string::npos);
  EXPECT_NE(ru.find("- competitor [текст]: Какой конкурент?\n"), std::string::npos);
  EXPECT_NE(QuestionsPrompt({{"a", "New?", "yes_no"}}, "en").find("- a [yes/no]: New?"),
            std::string::npos);
  EXPECT_EQ(QuestionsPrompt({}, "ru"), "");
}

TEST(SystemPromptTest, TheScoringRequestSetsTheCheckersRoleWithoutTheSummaryFields) {
  const std::string whole = SystemPrompt("ru", {.kind = PromptKind::kScore});
  EXPECT_NE(whole.find("контролёр качества"), std::string::npos);
  EXPECT_EQ(whole.find("key_points"), std::string::npos);
  EXPECT_EQ(whole.find("часть"), std::string::npos);
  const std::string part = SystemPrompt("ru", {.kind = PromptKind::kScore, .part = 2, .parts = 3});
  EXPECT_NE(part.find("Это часть 2 из 3"), std::string::npos);
  EXPECT_NE(SystemPrompt("en", {.kind = PromptKind::kScore}).find("check the quality"),
            std::string::npos);
}

}  // namespace
}  // namespace callbrief::llm
