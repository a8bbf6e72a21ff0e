#include "analytics/questions.h"

#include <gtest/gtest.h>

#include "analytics/scorecard.h"

namespace callbrief::analytics {
namespace {

const std::vector<Segment> kCall = {
    {0, 2000, "manager", "Добрый день, компания «СтройМаркет»."},
    {3000, 5000, "client", "Мы у вас впервые, раньше брали у СтройБазы."},
    {6000, 8000, "manager", "Пять тонн М500 — 42 000 рублей."},
};

const std::vector<Question> kQuestions = {{"new_client", "Клиент новый?", "yes_no"},
                                          {"competitor", "Какой конкурент назван?", "text"}};

AnsweredQuestion Answer(const std::vector<QuestionAnswer>& replies, std::size_t i) {
  return AnswerQuestions(kQuestions, replies, kCall).at(i);
}

TEST(AnswerQuestions, AYesOrATextAnswerStandsOnAQuoteFoundAnywhereInTheTranscript) {
  const std::vector<QuestionAnswer> replies = {
      {"new_client", "yes", "Мы у вас впервые"},
      {"competitor", "СтройБаза", "раньше брали у СтройБазы"}};
  AnsweredQuestion new_client = Answer(replies, 0);
  EXPECT_EQ(new_client.answer, "yes");
  EXPECT_EQ(new_client.quote_start_ms, 3000);
  EXPECT_EQ(new_client.refused, "");
  AnsweredQuestion competitor = Answer(replies, 1);
  EXPECT_EQ(competitor.answer, "СтройБаза");
  EXPECT_EQ(competitor.quote_start_ms, 3000);
}

TEST(AnswerQuestions, AnInventedQuoteLeavesTheAnswerUnknownWithTheReason) {
  AnsweredQuestion refused = Answer({{"new_client", "yes", "Я ваш постоянный клиент"}}, 0);
  EXPECT_EQ(refused.answer, std::nullopt);
  EXPECT_EQ(refused.quote, "Я ваш постоянный клиент");
  EXPECT_EQ(refused.quote_start_ms, std::nullopt);
  EXPECT_EQ(refused.refused, "the quote is not in the transcript");
}

TEST(AnswerQuestions, ANoNeedsNoQuoteButYesAndTextDo) {
  EXPECT_EQ(Answer({{"new_client", "no", std::nullopt}}, 0).answer, "no");
  EXPECT_EQ(Answer({{"new_client", "yes", std::nullopt}}, 0).refused, "an answer without a quote");
  EXPECT_EQ(Answer({{"competitor", "СтройБаза", std::nullopt}}, 1).refused,
            "an answer without a quote");
}

TEST(AnswerQuestions, NullMeansTheCallDoesNotSayAndAMissingReplyIsSaidSo) {
  AnsweredQuestion unknown = Answer({{"new_client", std::nullopt, std::nullopt}}, 0);
  EXPECT_EQ(unknown.answer, std::nullopt);
  EXPECT_EQ(unknown.refused, "");
  EXPECT_EQ(Answer({}, 1).refused, "the model gave no answer");
}

TEST(AnswerQuestions, AnAnswerOfTheWrongKindIsRefused) {
  EXPECT_EQ(Answer({{"new_client", "maybe", "Мы у вас впервые"}}, 0).refused,
            "\"maybe\" is not yes or no");
  EXPECT_EQ(Answer({{"competitor", std::string(201, 'a'), "Мы у вас впервые"}}, 1).refused,
            "the answer is longer than 200 characters");
  EXPECT_EQ(Answer({{"competitor", " … ", "Мы у вас впервые"}}, 1).refused, "the answer is empty");
}

TEST(ChecklistQuestions, AreReadWrittenAndCheckedWithTheCriteria) {
  auto checklist = ChecklistFromJson(nlohmann::json::parse(R"({
    "id": "sales", "name": "Продажи",
    "criteria": [{"id": "greeting", "question": "Поздоровался?"}],
    "questions": [{"id": "new_client", "question": "Клиент новый?"},
                  {"id": "competitor", "question": "Какой конкурент?", "kind": "text"}]})"));
  ASSERT_TRUE(checklist.ok()) << checklist.error().message;
  ASSERT_EQ(checklist->questions.size(), 2u);
  EXPECT_EQ(checklist->questions[0].kind, "yes_no");
  EXPECT_EQ(ChecklistToJson(*checklist)["questions"][1]["kind"], "text");

  auto only_questions = ChecklistFromJson(nlohmann::json::parse(
      R"({"id": "q", "name": "Вопросы", "questions": [{"id": "a", "question": "Новый?"}]})"));
  EXPECT_TRUE(only_questions.ok()) << only_questions.error().message;

  auto bad = ChecklistFromJson(nlohmann::json::parse(R"({
    "id": "x", "name": "X", "criteria": [{"id": "same", "question": "Да?"}],
    "questions": [{"id": "same", "question": "Новый?", "kind": "number"}]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("questions[0].kind: must be \"yes_no\" or \"text\""),
            std::string::npos);
  EXPECT_NE(bad.error().message.find("criteria[0].id: \"same\" is used twice"), std::string::npos)
      << bad.error().message;
}

TEST(ChecklistQuestions, AreAnsweredInTheScorecardButNotScored) {
  Checklist checklist{.id = "c",
                      .name = "C",
                      .criteria = {{"greeting", "Поздоровался?", 1, false, "manager"}},
                      .questions = kQuestions};
  const std::vector<CriterionAnswer> verdicts = {{"greeting", "yes", "Добрый день"}};
  const std::vector<QuestionAnswer> replies = {{"new_client", "no", std::nullopt}};
  Scorecard scorecard = ScoreConversation(checklist, verdicts, kCall, replies);
  EXPECT_EQ(scorecard.score, 100);
  ASSERT_EQ(scorecard.answers.size(), 2u);
  nlohmann::json out = ScorecardToJson(scorecard);
  EXPECT_EQ(out["answers"][0]["id"], "new_client");
  EXPECT_EQ(out["answers"][0]["answer"], "no");
  EXPECT_TRUE(out["answers"][1]["answer"].is_null());
  EXPECT_EQ(out["answers"][1]["refused"], "the model gave no answer");
}

}  // namespace
}  // namespace callbrief::analytics
