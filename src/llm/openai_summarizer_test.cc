#include <gtest/gtest.h>

#include "llm/prompt.h"
#include "llm/summarizer.h"
#include "net/fake_http_client.h"
#include "testing/manual_clock.h"

namespace callbrief::llm {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;
using json = nlohmann::json;

constexpr char kKey[] = "sk-summary-secret-777";

json ValidSummary(std::string summary = "Клиент просит перенести доставку на пятницу.") {
  return {
      {"summary", std::move(summary)},
      {"key_points", {"Доставка в пятницу"}},
      {"tasks", {{{"text", "Прислать подтверждение"}, {"owner", "менеджер"}, {"due", nullptr}}}},
      {"client_request", "Перенести доставку"},
      {"next_steps", "Ждать письмо"},
      {"sentiment", "neutral"},
      {"call_kind", "conversation"},
      {"client_name", nullptr},
      {"company", nullptr}};
}

std::string Completion(json content, std::string finish = "stop", json refusal = nullptr,
                       int prompt_tokens = 1000, int completion_tokens = 200) {
  return json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"choices",
               {{{"index", 0},
                 {"message", {{"role", "assistant"}, {"content", content}, {"refusal", refusal}}},
                 {"finish_reason", finish}}}},
              {"usage",
               {{"prompt_tokens", prompt_tokens},
                {"completion_tokens", completion_tokens},
                {"prompt_tokens_details", {{"cached_tokens", 0}}}}}}
      .dump();
}

SummaryInput Conversation() {
  return {.transcript =
              {{.start_ms = 0, .speaker = "manager", .text = "Добрый день, компания Ромашка."},
               {.start_ms = 2000,
                .speaker = "client",
                .text = "Здравствуйте, хочу перенести доставку на пятницу."},
               {.start_ms = 6000,
                .speaker = "manager",
                .text = "Хорошо, перенесу и пришлю подтверждение письмом."},
               {.start_ms = 9000, .speaker = "client", .text = "Спасибо большое, буду ждать."}},
          .direction = "incoming",
          .from_number = "+79001234567",
          .to_number = "+79009876543",
          .duration_seconds = 12};
}

class OpenAiSummarizerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Summarizer> Make(SummarizerOptions options = {}) {
    options.api_key = kKey;
    return MakeOpenAiSummarizer(http_, std::move(options));
  }
  json SentBody(std::size_t i) { return json::parse(http_.requests().at(i).body); }

  FakeHttpClient http_;
};

TEST_F(OpenAiSummarizerTest, SendsAStrictJsonSchemaRequest) {
  http_.Reply(200, Completion(ValidSummary().dump()));
  auto result = Make({.base_url = "https://llm.example/v1/"})->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->from_rules);
  EXPECT_EQ(result->summary.summary, "Клиент просит перенести доставку на пятницу.");
  const net::HttpRequest sent = http_.requests().at(0);
  EXPECT_EQ(sent.url, "https://llm.example/v1/chat/completions");
  json body = json::parse(sent.body);
  EXPECT_EQ(body["model"], "gpt-4o");
  EXPECT_EQ(body["max_completion_tokens"], 2000);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "call_summary");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], SummarySchema());
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_NE(body["messages"][1]["content"].get<std::string>().find("[00:02] Клиент: Здравствуйте"),
            std::string::npos);
}

TEST_F(OpenAiSummarizerTest, AChecklistIsAnsweredInTheSameRequest) {
  SummaryInput input = Conversation();
  input.checklist = {{"greeting", "Менеджер представился?", "manager"},
                     {"next_step", "Договорились о следующем шаге?", "any"}};
  json answer = ValidSummary();
  answer["scorecard"] = {
      {{"criterion", "greeting"}, {"verdict", "yes"}, {"quote", "компания Ромашка"}},
      {{"criterion", "next_step"}, {"verdict", "no"}, {"quote", nullptr}}};
  http_.Reply(200, Completion(answer.dump()));
  auto result = Make()->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(http_.requests().size(), 1u);
  ASSERT_EQ(result->summary.scorecard.size(), 2u);
  EXPECT_EQ(result->summary.scorecard[0].quote, "компания Ромашка");
  json body = SentBody(0);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], SummarySchema(input.checklist));
  std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find("- greeting [менеджер]: Менеджер представился?"), std::string::npos);
  EXPECT_NE(user.find("- next_step [любая сторона]"), std::string::npos);
}

TEST_F(OpenAiSummarizerTest, AnAnswerWithoutTheScorecardIsRepaired) {
  SummaryInput input = Conversation();
  input.checklist = {{"greeting", "Менеджер представился?", "manager"}};
  json answer = ValidSummary();
  http_.Reply(200, Completion(answer.dump()));
  answer["scorecard"] = {{{"criterion", "greeting"}, {"verdict", "na"}, {"quote", nullptr}}};
  http_.Reply(200, Completion(answer.dump()));
  auto result = Make()->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(http_.requests().size(), 2u);
  std::string repair = SentBody(1)["messages"][3]["content"];
  EXPECT_NE(repair.find("scorecard: missing"), std::string::npos) << repair;
}

TEST_F(OpenAiSummarizerTest, ScoreAsksOnlyForTheChecklistInARequestOfItsOwn) {
  SummaryInput input = Conversation();
  input.checklist = {{"greeting", "Менеджер представился?", "manager"}};
  http_.Reply(
      200, Completion(json{
               {"scorecard",
                {{{"criterion", "greeting"}, {"verdict", "yes"}, {"quote", "компания Ромашка"}}}}}
                          .dump()));
  auto result = Make()->Score(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->answers.size(), 1u);
  EXPECT_EQ(result->answers[0].verdict, "yes");
  EXPECT_EQ(result->answers[0].quote, "компания Ромашка");
  ASSERT_EQ(result->usage.size(), 1u);
  EXPECT_EQ(result->usage[0].operation, "score");
  json body = SentBody(0);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"], ScorecardSchema(input.checklist));
  const std::string system = body["messages"][0]["content"];
  EXPECT_NE(system.find("контролёр качества"), std::string::npos) << system;
  EXPECT_EQ(system.find("key_points"), std::string::npos) << "no summary asked: " << system;
  const std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find("- greeting [менеджер]: Менеджер представился?"), std::string::npos);
}

TEST_F(OpenAiSummarizerTest, ScoreRepairsAnAnswerWithoutTheScorecardAndRefusesAnEmptyChecklist) {
  SummaryInput input = Conversation();
  EXPECT_EQ(Make()->Score(input).error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_TRUE(http_.requests().empty());

  input.checklist = {{"greeting", "Менеджер представился?", "manager"}};
  http_.Reply(200, Completion(ValidSummary().dump()));
  http_.Reply(
      200, Completion(json{
               {"scorecard", {{{"criterion", "greeting"}, {"verdict", "na"}, {"quote", nullptr}}}}}
                          .dump()));
  auto result = Make()->Score(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(http_.requests().size(), 2u);
  const std::string repair = SentBody(1)["messages"][3]["content"];
  EXPECT_NE(repair.find("the scorecard does not match the schema: scorecard: missing"),
            std::string::npos)
      << repair;
  EXPECT_EQ(result->answers[0].verdict, "na");
}

TEST_F(OpenAiSummarizerTest, RecordsUsageAndCostPerRequest) {
  http_.Reply(200, Completion(ValidSummary().dump(), "stop", nullptr, 5120, 410));
  auto result = Make()->Summarize(Conversation());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->usage.size(), 1u);
  const core::ProviderUsage& usage = result->usage[0];
  EXPECT_EQ(usage.provider, "openai-chat");
  EXPECT_EQ(usage.model, "gpt-4o");
  EXPECT_EQ(usage.operation, "summarize");
  EXPECT_EQ(usage.input_tokens, 5120);
  EXPECT_EQ(usage.output_tokens, 410);
  EXPECT_DOUBLE_EQ(*usage.cost_usd, (5120 * 2.5 + 410 * 10.0) / 1e6);
}

TEST_F(OpenAiSummarizerTest, CallsWithoutAConversationCostNothing) {
  SummaryInput input = Conversation();
  input.transcript = {};
  auto result = Make()->Summarize(input);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->from_rules);
  EXPECT_EQ(result->summary.call_kind, "no_speech");
  EXPECT_TRUE(result->usage.empty());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(OpenAiSummarizerTest, FallsBackToJsonObjectWhenTheServerRefusesJsonSchema) {
  http_.Reply(
      400,
      R"({"error":{"message":"response_format type 'json_schema' is not supported","type":"invalid_request_error","param":"response_format","code":null}})");
  http_.Reply(200, Completion("```json\n" + ValidSummary().dump() + "\n```"));
  http_.Reply(200, Completion(ValidSummary().dump()));
  auto summarizer = Make();
  auto result = summarizer->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  json retry = SentBody(1);
  EXPECT_EQ(retry["response_format"], json({{"type", "json_object"}}));
  std::string system = retry["messages"][0]["content"];
  EXPECT_NE(system.find("JSON"), std::string::npos);
  EXPECT_NE(system.find(SummarySchema().dump()), std::string::npos);
  // The summarizer remembers: the next call goes straight to json_object.
  ASSERT_TRUE(summarizer->Summarize(Conversation()).ok());
  EXPECT_EQ(SentBody(2)["response_format"]["type"], "json_object");
}

TEST_F(OpenAiSummarizerTest, ForcedJsonSchemaDoesNotFallBack) {
  http_.Reply(
      400,
      R"({"error":{"message":"response_format json_schema unsupported","param":"response_format"}})");
  auto result =
      Make({.structured_output = StructuredOutput::kJsonSchema})->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_F(OpenAiSummarizerTest, RepairsAnInvalidAnswerOnce) {
  json broken = ValidSummary();
  broken.erase("summary");
  http_.Reply(200, Completion(broken.dump()));
  http_.Reply(200, Completion(ValidSummary().dump()));
  auto result = Make()->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  json repair = SentBody(1);
  ASSERT_EQ(repair["messages"].size(), 4u);
  EXPECT_EQ(repair["messages"][2]["role"], "assistant");
  EXPECT_EQ(repair["messages"][2]["content"], broken.dump());
  EXPECT_NE(repair["messages"][3]["content"].get<std::string>().find("summary: missing"),
            std::string::npos);
  ASSERT_EQ(result->usage.size(), 2u);
  EXPECT_EQ(result->usage[1].operation, "summarize (retry)");
}

TEST_F(OpenAiSummarizerTest, AnAnswerStillInvalidAfterTheRepairIsAnErrorNotAHalfSummary) {
  http_.Reply(200, Completion("Конечно! Вот резюме: клиент хочет доставку."));
  http_.Reply(200, Completion("{\"summary\": \"только это\"}"));
  auto result = Make()->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_summary");
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(http_.requests().size(), 2u);
}

TEST_F(OpenAiSummarizerTest, ACutOffAnswerIsRetriedWithMoreTokensThenRefused) {
  http_.Reply(200, Completion("{\"summary\": \"Клиент про", "length"));
  http_.Reply(200, Completion(ValidSummary().dump()));
  auto result = Make({.max_output_tokens = 500})->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(SentBody(1)["max_completion_tokens"], 1000);

  http_.Reply(200, Completion("{\"summary\": \"Клиент про", "length"));
  http_.Reply(200, Completion("{\"summary\": \"Клиент просит перенести", "length"));
  auto cut = Make({.max_output_tokens = 500})->Summarize(Conversation());
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, "length");
  EXPECT_EQ(cut.error().kind, ErrorKind::kConfig);
}

TEST_F(OpenAiSummarizerTest, ARefusalIsPermanent) {
  http_.Reply(200, Completion(nullptr, "stop", "I'm sorry, I can't help with that."));
  auto result = Make()->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(result.error().code, "refusal");
  EXPECT_NE(result.error().message.find("I'm sorry"), std::string::npos);
  EXPECT_EQ(http_.requests().size(), 1u);
}

TEST_F(OpenAiSummarizerTest, HttpErrorsKeepTheirKindsAndNeverShowTheKey) {
  struct Case {
    int status;
    std::string body;
    ErrorKind kind;
  } cases[] = {
      {401,
       std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey +
           R"(","type":"invalid_request_error","code":"invalid_api_key"}})",
       ErrorKind::kConfig},
      {429,
       R"({"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}})",
       ErrorKind::kPermanent},
      {429,
       R"({"error":{"message":"Please try again in 2s.","type":"requests","code":"rate_limit_exceeded"}})",
       ErrorKind::kRateLimited},
      {500, R"({"error":{"message":"boom","type":"server_error"}})", ErrorKind::kTransient},
  };
  for (const auto& c : cases) {
    http_.Reply(c.status, c.body);
    auto result = Make()->Summarize(Conversation());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, c.kind) << result.error().message;
    EXPECT_EQ(result.error().message.find(kKey), std::string::npos) << result.error().message;
  }
}

// A Retry-After given as a date is read against the summarizer's clock, not the machine's.
TEST_F(OpenAiSummarizerTest, ARetryAfterDateIsTheWaitUntilThatDateOnTheSummarizersClock) {
  callbrief::testing::ManualClock clock;  // 2026-03-11 14:28:46 UTC
  http_.Reply(net::HttpResponse{
      429,
      {{"retry-after", "Wed, 11 Mar 2026 14:30:46 GMT"}},
      R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})"});
  auto result = Make({.clock = &clock})->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kRateLimited);
  ASSERT_TRUE(result.error().retry_after.has_value());
  EXPECT_EQ(*result.error().retry_after, std::chrono::minutes(2));
}

TEST_F(OpenAiSummarizerTest, AnOldServerGetsMaxTokens) {
  http_.Reply(200, Completion(ValidSummary().dump()));
  ASSERT_TRUE(Make({.max_tokens_field = "max_tokens"})->Summarize(Conversation()).ok());
  EXPECT_EQ(SentBody(0)["max_tokens"], 2000);
  EXPECT_FALSE(SentBody(0).contains("max_completion_tokens"));
}

TEST_F(OpenAiSummarizerTest, AServerRefusingTheLimitsNameGetsTheOtherOneFromThenOn) {
  // An older server that knows only max_tokens.
  http_.Reply(400, R"({"error":{"message":"Unrecognized request argument supplied: )"
                   R"('max_completion_tokens'","type":"invalid_request_error","param":null}})");
  http_.Reply(200, Completion(ValidSummary().dump()));
  http_.Reply(200, Completion(ValidSummary().dump()));
  auto summarizer = Make();
  ASSERT_TRUE(summarizer->Summarize(Conversation()).ok());
  ASSERT_TRUE(summarizer->Summarize(Conversation()).ok());
  ASSERT_EQ(http_.requests().size(), 3u);
  EXPECT_TRUE(SentBody(0).contains("max_completion_tokens"));
  EXPECT_EQ(SentBody(1)["max_tokens"], 2000);
  EXPECT_EQ(SentBody(2)["max_tokens"], 2000) << "the server's answer is remembered";
}

TEST_F(OpenAiSummarizerTest, ANewerModelRefusingMaxTokensGetsMaxCompletionTokens) {
  http_.Reply(400,
              R"({"error":{"message":"Unsupported parameter: 'max_tokens' is not supported )"
              R"(with this model. Use 'max_completion_tokens' instead.","type":)"
              R"("invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}})");
  http_.Reply(200, Completion(ValidSummary().dump()));
  ASSERT_TRUE(Make({.max_tokens_field = "max_tokens"})->Summarize(Conversation()).ok());
  EXPECT_EQ(SentBody(1)["max_completion_tokens"], 2000);
  EXPECT_FALSE(SentBody(1).contains("max_tokens"));
}

TEST_F(OpenAiSummarizerTest, AnotherBadRequestIsNotMistakenForTheLimitsName) {
  http_.Reply(400, R"({"error":{"message":"messages: too long","param":"messages"}})");
  auto result = Make()->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(http_.requests().size(), 1u);
}

// A one-hour call: 1,000 lines over 60 minutes, two speakers.
SummaryInput OneHourCall() {
  SummaryInput input = Conversation();
  input.transcript.clear();
  for (int i = 0; i < 1000; ++i) {
    input.transcript.push_back(
        {.start_ms = i * 3600,
         .speaker = i % 2 ? "client" : "manager",
         .text = "Обсуждаем позицию " + std::to_string(i) +
                 ": количество, цену за единицу и срок поставки на склад в Казани."});
  }
  input.duration_seconds = 3600;
  return input;
}

TEST_F(OpenAiSummarizerTest, AOneHourTranscriptIsSummarizedInPartsThenMerged) {
  SummaryInput input = OneHourCall();
  auto parts = SplitTranscript(input.transcript, "ru", 16000);
  ASSERT_GE(parts.size(), 2u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    http_.Reply(200, Completion(ValidSummary("Часть " + std::to_string(i + 1)).dump()));
  }
  http_.Reply(200, Completion(ValidSummary("Весь звонок").dump()));
  auto result = Make()->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->summary.summary, "Весь звонок");
  ASSERT_EQ(result->usage.size(), parts.size() + 1);
  EXPECT_EQ(result->usage[0].operation, "summarize part 1/" + std::to_string(parts.size()));
  EXPECT_EQ(result->usage.back().operation, "merge " + std::to_string(parts.size()) + " parts");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string user = SentBody(i)["messages"][1]["content"];
    EXPECT_LE(EstimateTokens(user), 16000 + 100);
  }
  std::string merge = SentBody(parts.size())["messages"][1]["content"];
  EXPECT_NE(merge.find("\"Часть 1\""), std::string::npos);
  EXPECT_NE(merge.find("\"Часть " + std::to_string(parts.size()) + "\""), std::string::npos);
}

TEST_F(OpenAiSummarizerTest, EachPartAnswersTheChecklistAndTheMergeDoesNot) {
  SummaryInput input = OneHourCall();
  input.checklist = {{"next_step", "Следующий шаг?", "any"}};
  auto parts = SplitTranscript(input.transcript, "ru", 16000);
  ASSERT_GE(parts.size(), 2u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    json answer = ValidSummary();
    const bool last = i + 1 == parts.size();
    answer["scorecard"] = {{{"criterion", "next_step"},
                            {"verdict", last ? "yes" : "no"},
                            {"quote", last ? json("созвонимся завтра") : json(nullptr)}}};
    http_.Reply(200, Completion(answer.dump()));
  }
  http_.Reply(200, Completion(ValidSummary("Весь звонок").dump()));
  auto result = Make()->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->summary.scorecard.size(), 1u);
  EXPECT_EQ(result->summary.scorecard[0].verdict, "yes");
  EXPECT_EQ(result->summary.scorecard[0].quote, "созвонимся завтра");
  EXPECT_TRUE(
      SentBody(0)["response_format"]["json_schema"]["schema"]["properties"].contains("scorecard"));
  EXPECT_EQ(SentBody(parts.size())["response_format"]["json_schema"]["schema"], SummarySchema());
}

TEST_F(OpenAiSummarizerTest, ALongTranscriptIsScoredInPartsAndTheAnswersMerged) {
  SummaryInput input = OneHourCall();
  input.checklist = {{"next_step", "Следующий шаг?", "any"}};
  auto parts = SplitTranscript(input.transcript, "ru", 16000);
  ASSERT_GE(parts.size(), 2u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    http_.Reply(200, Completion(json{{"scorecard",
                                      {{{"criterion", "next_step"},
                                        {"verdict", last ? "yes" : "no"},
                                        {"quote", last ? json("созвонимся завтра") : json()}}}}}
                                    .dump()));
  }
  auto result = Make()->Score(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(http_.requests().size(), parts.size())
      << "no merge request: nothing to merge but answers";
  ASSERT_EQ(result->answers.size(), 1u);
  EXPECT_EQ(result->answers[0].quote, "созвонимся завтра");
  const std::string first_system = SentBody(0)["messages"][0]["content"];
  EXPECT_NE(first_system.find("часть 1 из"), std::string::npos) << first_system;
}

TEST_F(OpenAiSummarizerTest, ManyPartsAreMergedInRounds) {
  SummaryInput input = OneHourCall();
  const int budget = 1500;  // Small, as for a small local model: many parts, merged in groups.
  auto parts = SplitTranscript(input.transcript, "ru", budget);
  ASSERT_GT(parts.size(), 10u);
  for (int i = 0; i < 200; ++i) http_.Reply(200, Completion(ValidSummary().dump()));
  auto result = Make({.transcript_token_budget = budget})->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  std::size_t merges = 0;
  for (const auto& usage : result->usage) merges += usage.operation.starts_with("merge");
  EXPECT_GT(merges, 1u);
  for (std::size_t i = parts.size(); i < http_.requests().size(); ++i) {
    EXPECT_LE(EstimateTokens(SentBody(i)["messages"][1]["content"].get<std::string>()),
              budget + 100)
        << i;
  }
}

TEST_F(OpenAiSummarizerTest, APartThatFailsFailsTheWholeSummary) {
  SummaryInput input = OneHourCall();
  http_.Reply(200, Completion(ValidSummary().dump()));
  http_.Reply(503, R"({"error":{"message":"overloaded","type":"server_error"}})");
  auto result = Make()->Summarize(input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_NE(result.error().message.find("part 2/"), std::string::npos) << result.error().message;
}

}  // namespace
}  // namespace callbrief::llm
