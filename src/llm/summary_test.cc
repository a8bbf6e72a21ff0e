#include "llm/summary.h"

#include <gtest/gtest.h>

namespace callbrief::llm {
namespace {

using json = nlohmann::json;

json Valid() {
  return json::parse(R"({
    "summary": "Клиент уточнил сроки доставки.",
    "key_points": ["Доставка в пятницу"],
    "tasks": [{"text": "Прислать подтверждение", "owner": "менеджер", "due": "сегодня"},
              {"text": "Оплатить счёт", "owner": null, "due": null}],
    "client_request": "Перенести доставку",
    "next_steps": "Ждать письмо",
    "sentiment": "positive",
    "call_kind": "conversation",
    "client_name": "Иван",
    "company": null})");
}

TEST(SummarySchemaTest, FollowsOpenAisStrictRules) {
  const json& schema = SummarySchema();
  std::function<void(const json&, const std::string&)> check = [&](const json& node,
                                                                   const std::string& path) {
    if (!node.is_object()) return;
    if (node.value("type", json()) == "object") {
      EXPECT_EQ(node["additionalProperties"], false) << path;
      std::set<std::string> required(node["required"].begin(), node["required"].end());
      for (const auto& [key, property] : node["properties"].items()) {
        EXPECT_TRUE(required.count(key)) << path << "." << key;
        check(property, path + "." + key);
      }
      EXPECT_EQ(required.size(), node["properties"].size()) << path;
    }
    if (node.contains("items")) check(node["items"], path + "[]");
  };
  check(schema, "");
  for (const char* key : {"summary", "key_points", "tasks", "client_request", "next_steps",
                          "sentiment", "call_kind", "client_name", "company"}) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
  }
  EXPECT_EQ(schema["properties"]["sentiment"]["enum"],
            json::array({"positive", "neutral", "negative"}));
  EXPECT_EQ(schema["properties"]["call_kind"]["enum"],
            json::array({"conversation", "voicemail", "ivr", "wrong_number", "no_speech"}));
}

TEST(ExtractAnswerJsonTest, FindsTheObjectBareFencedOrInProse) {
  EXPECT_EQ(ExtractAnswerJson(R"({"a":1})")["a"], 1);
  EXPECT_EQ(ExtractAnswerJson("```json\n{\"a\":2}\n```")["a"], 2);
  EXPECT_EQ(ExtractAnswerJson(R"(Here it is: {"a":3} — done.)")["a"], 3);
  EXPECT_TRUE(ExtractAnswerJson("no json here").is_discarded());
  EXPECT_TRUE(ExtractAnswerJson("} backwards {").is_discarded());
}

TEST(ExtractAnswerJsonTest, AnAnswerNestedTooDeeplyIsNotJson) {
  EXPECT_TRUE(ExtractAnswerJson("{\"a\":" + std::string(100'000, '[')).is_discarded());
}

TEST(CallSummaryTest, ReadsAValidAnswer) {
  auto summary = CallSummary::FromJson(Valid());
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->summary, "Клиент уточнил сроки доставки.");
  ASSERT_EQ(summary->tasks.size(), 2u);
  EXPECT_EQ(summary->tasks[0].owner, "менеджер");
  EXPECT_EQ(summary->tasks[1].due, std::nullopt);
  EXPECT_EQ(summary->client_name, "Иван");
  EXPECT_EQ(summary->company, std::nullopt);
  EXPECT_EQ(summary->ToJson(), Valid());
}

TEST(CallSummaryTest, ListsEveryProblem) {
  json answer = Valid();
  answer["sentiment"] = "angry";
  answer["tasks"][0]["text"] = 5;
  answer.erase("summary");
  auto summary = CallSummary::FromJson(answer);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().kind, core::ErrorKind::kInvalidInput);
  const std::string& message = summary.error().message;
  EXPECT_NE(message.find("summary: missing"), std::string::npos) << message;
  EXPECT_NE(message.find("sentiment: must be one of"), std::string::npos) << message;
  EXPECT_NE(message.find("tasks[0].text: expected string"), std::string::npos) << message;
}

TEST(CallSummaryTest, AMissingNullableKeyReadsAsNullAndExtraKeysAreIgnored) {
  json answer = Valid();
  answer.erase("company");
  answer.erase("client_name");
  answer["tasks"][0].erase("due");
  answer["mood"] = "ok";
  auto summary = CallSummary::FromJson(answer);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->client_name, std::nullopt);
  EXPECT_EQ(summary->tasks[0].due, std::nullopt);
}

TEST(CallSummaryTest, RejectsNonObjects) {
  for (const char* text : {"[]", "\"summary\"", "null"}) {
    EXPECT_FALSE(CallSummary::FromJson(json::parse(text)).ok()) << text;
  }
}

const std::vector<ChecklistItem> kChecklist = {{"greeting", "Поздоровался?", "manager"},
                                               {"next_step", "Следующий шаг?", "any"}};

TEST(ScorecardSchemaTest, AddsARequiredStrictScorecardNamingTheCriteria) {
  json schema = SummarySchema(kChecklist);
  EXPECT_EQ(schema["required"].back(), "scorecard");
  const json& item = schema["properties"]["scorecard"]["items"];
  EXPECT_EQ(item["additionalProperties"], false);
  EXPECT_EQ(item["required"], json::array({"criterion", "verdict", "quote"}));
  EXPECT_EQ(item["properties"]["criterion"]["enum"], json::array({"greeting", "next_step"}));
  EXPECT_EQ(item["properties"]["verdict"]["enum"], json::array({"yes", "no", "na"}));
  EXPECT_EQ(item["properties"]["quote"]["type"], json::array({"string", "null"}));
  EXPECT_EQ(SummarySchema(std::vector<ChecklistItem>{}), SummarySchema());
}

TEST(ScorecardSchemaTest, ReadsTheAnswersButNeverStoresThemInTheSummary) {
  json answer = Valid();
  answer["scorecard"] = {{{"criterion", "greeting"}, {"verdict", "yes"}, {"quote", "Добрый день"}},
                         {{"criterion", "next_step"}, {"verdict", "no"}, {"quote", nullptr}}};
  auto summary = CallSummary::FromJson(answer, SummarySchema(kChecklist));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(summary->scorecard.size(), 2u);
  EXPECT_EQ(summary->scorecard[0].criterion, "greeting");
  EXPECT_EQ(summary->scorecard[0].quote, "Добрый день");
  EXPECT_EQ(summary->scorecard[1].quote, std::nullopt);
  EXPECT_FALSE(summary->ToJson().contains("scorecard"));
  EXPECT_TRUE(CallSummary::FromJson(answer)->scorecard.empty()) << "not asked, not read";
}

TEST(ScorecardSchemaTest, AMissingScorecardOrAnUnknownCriterionIsAProblem) {
  EXPECT_FALSE(CallSummary::FromJson(Valid(), SummarySchema(kChecklist)).ok());
  json answer = Valid();
  answer["scorecard"] = {{{"criterion", "price"}, {"verdict", "maybe"}, {"quote", nullptr}}};
  auto summary = CallSummary::FromJson(answer, SummarySchema(kChecklist));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().message.find("scorecard[0].criterion: must be one of"),
            std::string::npos);
  EXPECT_NE(summary.error().message.find("scorecard[0].verdict"), std::string::npos);
}

TEST(ScorecardSchemaTest, TheScoringOnlySchemaHasTheScorecardAlone) {
  const json schema = ScorecardSchema(kChecklist);
  EXPECT_EQ(schema["required"], json::array({"scorecard"}));
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["properties"].size(), 1u);
  EXPECT_EQ(schema["properties"]["scorecard"],
            SummarySchema(kChecklist)["properties"]["scorecard"]);

  auto answers = ScorecardAnswersFromJson(
      {{"scorecard", {{{"criterion", "greeting"}, {"verdict", "yes"}, {"quote", "Добрый день"}}}}},
      schema);
  ASSERT_TRUE(answers.ok()) << answers.error().message;
  ASSERT_EQ(answers->verdicts.size(), 1u);
  EXPECT_EQ(answers->verdicts[0].quote, "Добрый день");
  EXPECT_TRUE(answers->replies.empty());

  auto wrong = ScorecardAnswersFromJson(Valid(), schema);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "the scorecard does not match the schema: scorecard: missing");
}

const std::vector<QuestionItem> kQuestions = {{"new_client", "Клиент новый?", "yes_no"}};

TEST(QuestionsSchemaTest, QuestionsAddARequiredAnswersArrayNamingThem) {
  const json schema = SummarySchema(kChecklist, kQuestions);
  EXPECT_EQ(schema["required"].back(), "answers");
  const json& item = schema["properties"]["answers"]["items"];
  EXPECT_EQ(item["required"], json::array({"question", "answer", "quote"}));
  EXPECT_EQ(item["properties"]["question"]["enum"], json::array({"new_client"}));
  EXPECT_EQ(item["properties"]["answer"]["type"], json::array({"string", "null"}));

  json answer = Valid();
  answer["scorecard"] = json::array();
  answer["answers"] = {{{"question", "new_client"}, {"answer", "yes"}, {"quote", "впервые"}}};
  auto summary = CallSummary::FromJson(answer, schema);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(summary->answers.size(), 1u);
  EXPECT_EQ(summary->answers[0].answer, "yes");
  EXPECT_FALSE(summary->ToJson().contains("answers"));

  const json questions_only = ScorecardSchema({}, kQuestions);
  EXPECT_EQ(questions_only["required"], json::array({"answers"}));
  auto replies = ScorecardAnswersFromJson(
      {{"answers", {{{"question", "new_client"}, {"answer", nullptr}, {"quote", nullptr}}}}},
      questions_only);
  ASSERT_TRUE(replies.ok()) << replies.error().message;
  EXPECT_EQ(replies->replies[0].answer, std::nullopt);
}

TEST(MergeRepliesTest, AQuotedAnswerFromAnyPartWinsThenAnUnquotedOneThenNull) {
  auto merged = MergeReplies({{{"new_client", std::nullopt, std::nullopt}},
                              {{"new_client", "no", std::nullopt}},
                              {{"new_client", "yes", "мы у вас впервые"}}});
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].answer, "yes");
  EXPECT_EQ(
      MergeReplies({{{"a", std::nullopt, std::nullopt}}, {{"a", "no", std::nullopt}}})[0].answer,
      "no");
}

TEST(MergeScorecardsTest, AQuotedYesFromAnyPartWinsThenNoThenNotApplicable) {
  auto merged = MergeScorecards({
      {{"greeting", "yes", "Добрый день"}, {"next_step", "na", std::nullopt}},
      {{"greeting", "no", std::nullopt}, {"next_step", "no", std::nullopt}},
      {{"greeting", "na", std::nullopt}, {"next_step", "yes", "до четверга"}},
  });
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].verdict, "yes");
  EXPECT_EQ(merged[0].quote, "Добрый день");
  EXPECT_EQ(merged[1].verdict, "yes");
  EXPECT_EQ(merged[1].quote, "до четверга");
  auto none = MergeScorecards({{{"close", "na", std::nullopt}}, {{"close", "no", std::nullopt}}});
  EXPECT_EQ(none[0].verdict, "no");
}

}  // namespace
}  // namespace callbrief::llm
