// callbrief's OpenAI-compatible clients (asr::MakeOpenAiTranscriber, llm::MakeOpenAiSummarizer)
// against the emulator over real HTTP with the libcurl client: success and every error path.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "asr/stitch.h"
#include "asr/transcriber.h"
#include "fakes/fake_openai.h"
#include "llm/summarizer.h"
#include "net/http_client.h"
#include "testing/temp_dir.h"

namespace callbrief {
namespace {

using core::ErrorKind;
using fakes::FakeOpenAi;
using fakes::OpenAiEndpoint;
using fakes::OpenAiFault;

std::string Wav(double seconds, const std::string& marker = "") {
  auto le = [](std::uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  std::uint32_t data = static_cast<std::uint32_t>(seconds * 32000);
  return "RIFF" + le(36 + data, 4) + "WAVE" + "fmt " + le(16, 4) + le(1, 2) + le(1, 2) +
         le(16000, 4) + le(32000, 4) + le(2, 2) + le(16, 2) + "data" + le(data, 4) + marker +
         std::string(256, '\0');
}

class OpenAiClientsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.Start().ok()); }

  asr::ChunkToTranscribe Chunk(int index, double seconds, const std::string& speaker = "",
                               const std::string& marker = "") {
    std::filesystem::path path = dir_ / ("chunk-" + std::to_string(index) + ".wav");
    std::ofstream(path, std::ios::binary) << Wav(seconds, marker);
    return {
        .index = index,
        .path = path,
        .mime_type = "audio/wav",
        .speaker = speaker,
        .time_map = core::TimeMap({{0, index * 600000, static_cast<std::int64_t>(seconds * 1000)}}),
        .seconds = seconds};
  }

  std::unique_ptr<asr::Transcriber> Transcriber(asr::TranscriberOptions options = {}) {
    options.base_url = fake_.BaseUrl();
    if (options.api_key.empty()) options.api_key = fake_.api_key();
    return asr::MakeOpenAiTranscriber(*http_, std::move(options));
  }
  std::unique_ptr<llm::Summarizer> Summarizer(llm::SummarizerOptions options = {}) {
    options.base_url = fake_.BaseUrl();
    if (options.api_key.empty()) options.api_key = fake_.api_key();
    return llm::MakeOpenAiSummarizer(*http_, std::move(options));
  }
  core::Error TranscribeFailure(asr::TranscriberOptions options = {}) {
    auto result = Transcriber(std::move(options))->Transcribe(Chunk(0, 5));
    EXPECT_FALSE(result.ok());
    if (result.ok()) return core::Error::Permanent("unexpected success");
    EXPECT_EQ(result.error().message.find(fake_.api_key()), std::string::npos)
        << result.error().message;
    return result.error();
  }

  static llm::SummaryInput Conversation() {
    return {.transcript = {{.start_ms = 0,
                            .speaker = "manager",
                            .text = "Добрый день, компания Ромашка, слушаю."},
                           {.start_ms = 2000,
                            .speaker = "client",
                            .text = "Хочу перенести доставку на пятницу."},
                           {.start_ms = 5000,
                            .speaker = "manager",
                            .text = "Перенесу и пришлю подтверждение письмом сегодня."},
                           {.start_ms = 8000, .speaker = "client", .text = "Спасибо, жду письмо."}},
            .direction = "incoming",
            .from_number = "+79001234567",
            .to_number = "+79009876543",
            .duration_seconds = 10};
  }

  callbrief::testing::TempDir scratch_;
  const std::filesystem::path dir_ = scratch_.path();
  FakeOpenAi fake_;
  std::unique_ptr<net::HttpClient> http_ =
      net::MakeCurlHttpClient({.user_agent = "callbrief-test"});
};

// Transcription.

TEST_F(OpenAiClientsTest, WhisperOneTranscriptArrivesWithSegmentsOnTheOriginalTimeline) {
  fake_.AddTranscript(
      {.marker = "MARK-A",
       .segments = {
           {.start = 0.5, .end = 2.0, .text = "Добрый день."},
           {.start = 2.0, .end = 4.0, .text = "Продолжение следует...", .no_speech_prob = 0.9}}});
  asr::ChunkToTranscribe chunk = Chunk(1, 5, "manager", "MARK-A");
  auto result = Transcriber({.vocabulary = {"Ромашка"}})->Transcribe(chunk);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->timestamps_estimated);
  ASSERT_EQ(result->segments.size(), 2u);
  EXPECT_DOUBLE_EQ(result->usage.audio_seconds, 5);
  EXPECT_DOUBLE_EQ(*result->usage.cost_usd, 5.0 / 60 * 0.006);
  auto logged = fake_.Requests().back();
  EXPECT_EQ(logged.Field("response_format"), "verbose_json");
  EXPECT_NE(logged.Field("prompt").find("Ромашка"), std::string::npos);
  EXPECT_EQ(logged.file_name, "chunk-1.wav");
  EXPECT_EQ(logged.file_content_type, "audio/wav");

  asr::StitchedTranscript stitched = asr::Stitch({{chunk, *result}});
  ASSERT_EQ(stitched.segments.size(), 1u);
  EXPECT_EQ(stitched.segments[0].start_ms, 600500);  // Chunk 1 starts at 10:00 of the call.
  EXPECT_EQ(stitched.dropped_hallucinations, 1);
}

TEST_F(OpenAiClientsTest, Gpt4oModelsAreAskedForJsonAndGetEstimatedTimes) {
  auto result = Transcriber({.model = "gpt-4o-transcribe"})->Transcribe(Chunk(0, 13));
  ASSERT_TRUE(result.ok()) << result.error().message;  // verbose_json would have been a 400.
  EXPECT_TRUE(result->timestamps_estimated);
  EXPECT_FALSE(result->segments.empty());
  EXPECT_GT(result->usage.output_tokens, 0);
  // Audio input, text input and output tokens each at their own price ($6, $2.50, $10 per 1M).
  ASSERT_TRUE(result->usage.input_audio_tokens.has_value());
  ASSERT_TRUE(result->usage.input_text_tokens.has_value());
  EXPECT_GT(*result->usage.input_audio_tokens, 0);
  ASSERT_TRUE(result->usage.cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*result->usage.cost_usd,
                   (static_cast<double>(*result->usage.input_audio_tokens) * 6.0 +
                    static_cast<double>(*result->usage.input_text_tokens) * 2.5 +
                    static_cast<double>(result->usage.output_tokens) * 10.0) /
                       1e6);
}

TEST_F(OpenAiClientsTest, ForcingVerboseJsonOnGpt4oShowsOpenAisRefusal) {
  core::Error error = TranscribeFailure(
      {.model = "gpt-4o-mini-transcribe", .response_format = asr::ResponseFormat::kVerboseJson});
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  EXPECT_EQ(error.code, "unsupported_value");
}

TEST_F(OpenAiClientsTest, AWrongKeyIsAConfigErrorThatNeverShowsTheKey) {
  core::Error error = TranscribeFailure({.api_key = "sk-wrong-but-long-key-123456"});
  EXPECT_EQ(error.kind, ErrorKind::kConfig);
  EXPECT_EQ(error.code, "invalid_api_key");
  EXPECT_EQ(error.message.find("sk-wrong-but-long-key-123456"), std::string::npos);
  EXPECT_NE(error.message.find("TRANSCRIBE_API_KEY"), std::string::npos);
}

TEST_F(OpenAiClientsTest, TranscriptionErrorPathsMapToKinds) {
  struct Case {
    OpenAiFault fault;
    ErrorKind kind;
    std::string code;
  } cases[] = {
      {OpenAiFault::RateLimit(3), ErrorKind::kRateLimited, "rate_limit_exceeded"},
      {OpenAiFault::InsufficientQuota(), ErrorKind::kPermanent, "insufficient_quota"},
      {OpenAiFault::ServerError(), ErrorKind::kTransient, "server_error"},
      {OpenAiFault::Overloaded(), ErrorKind::kTransient, "server_is_overloaded"},
      {OpenAiFault::RegionBlocked(), ErrorKind::kConfig, "unsupported_country_region_territory"},
      {OpenAiFault::InvalidApiKey(), ErrorKind::kConfig, "invalid_api_key"},
  };
  for (const auto& c : cases) {
    fake_.InjectFault(OpenAiEndpoint::kTranscriptions, c.fault);
    core::Error error = TranscribeFailure();
    EXPECT_EQ(error.kind, c.kind) << error.message;
    EXPECT_EQ(error.code, c.code) << error.message;
    if (c.kind == ErrorKind::kRateLimited) {
      EXPECT_EQ(error.retry_after, std::chrono::seconds(3));
    }
    if (c.code == "insufficient_quota") {
      EXPECT_NE(error.message.find("add credit"), std::string::npos);
    }
  }
}

TEST_F(OpenAiClientsTest, AnUnknownModelNamesTheSettingToFix) {
  core::Error error = TranscribeFailure({.model = "whisper-9"});
  EXPECT_EQ(error.kind, ErrorKind::kConfig);
  EXPECT_NE(error.message.find("TRANSCRIBE_MODEL (\"whisper-9\")"), std::string::npos);
}

TEST_F(OpenAiClientsTest, AudioOverTheGpt4oLimitIsPermanent) {
  auto result = Transcriber({.model = "gpt-4o-transcribe"})->Transcribe(Chunk(0, 1450));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(result.error().code, "invalid_value");
}

TEST_F(OpenAiClientsTest, ATooLargeUploadIsPermanent) {
  FakeOpenAi small({.max_upload_bytes = 100});
  ASSERT_TRUE(small.Start().ok());
  auto transcriber =
      asr::MakeOpenAiTranscriber(*http_, {.base_url = small.BaseUrl(), .api_key = small.api_key()});
  auto result = transcriber->Transcribe(Chunk(0, 5));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("HTTP 413"), std::string::npos) << result.error().message;
}

TEST_F(OpenAiClientsTest, ASlowServerTimesOutAsTransient) {
  fake_.InjectFault(OpenAiEndpoint::kTranscriptions,
                    OpenAiFault::Slow(std::chrono::milliseconds(5000)));
  auto result = Transcriber({.timeout = std::chrono::milliseconds(300)})->Transcribe(Chunk(0, 5));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
}

TEST_F(OpenAiClientsTest, AWholeTwoChannelCallIsTranscribedInParallelAndStitched) {
  fake_.AddTranscript({.marker = "MGR",
                       .segments = {{.start = 0, .end = 2, .text = "Добрый день"},
                                    {.start = 6, .end = 8, .text = "Когда удобно?"}}});
  fake_.AddTranscript({.marker = "CLI",
                       .segments = {{.start = 3, .end = 5, .text = "Здравствуйте"},
                                    {.start = 9, .end = 10, .text = "Завтра"}}});
  std::vector<asr::ChunkToTranscribe> chunks = {Chunk(0, 10, "manager", "MGR"),
                                                Chunk(1, 10, "client", "CLI")};
  for (auto& chunk : chunks) chunk.time_map = core::TimeMap({{0, 0, 10000}});
  std::vector<int> stored;
  auto transcriber = Transcriber();
  auto all =
      asr::TranscribeAll(*transcriber, chunks, 2,
                         [&](const asr::ChunkToTranscribe& chunk, const asr::ChunkTranscript& t) {
                           auto back = asr::ChunkTranscript::FromJson(t.ToJson());
                           EXPECT_TRUE(back.ok());
                           stored.push_back(chunk.index);
                           return core::Ok();
                         });
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(stored.size(), 2u);
  asr::StitchedTranscript t = asr::Stitch({{chunks[0], (*all)[0]}, {chunks[1], (*all)[1]}});
  EXPECT_EQ(asr::RenderTranscript(t.segments, "ru"),
            "[00:00] Менеджер: Добрый день\n[00:03] Клиент: Здравствуйте\n"
            "[00:06] Менеджер: Когда удобно?\n[00:09] Клиент: Завтра\n");
}

// Summaries.

TEST_F(OpenAiClientsTest, OurStrictSchemaIsAcceptedAndAnswered) {
  fake_.SetChatValue("summary", "Клиент перенёс доставку на пятницу.");
  fake_.SetChatValue("sentiment", "positive");
  auto result = Summarizer()->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;  // 400 if the schema broke strict rules.
  EXPECT_EQ(result->summary.summary, "Клиент перенёс доставку на пятницу.");
  EXPECT_EQ(result->summary.sentiment, "positive");
  EXPECT_EQ(result->summary.call_kind, "conversation");
  ASSERT_EQ(result->usage.size(), 1u);
  EXPECT_GT(result->usage[0].input_tokens, 0);
  EXPECT_TRUE(result->usage[0].cost_usd.has_value());
  EXPECT_EQ(fake_.Requests().back().body["response_format"]["type"], "json_schema");
}

TEST_F(OpenAiClientsTest, ABackendWithoutJsonSchemaGetsJsonObjectAndStillAValidSummary) {
  fake_.SetJsonSchemaSupported(false);
  auto result = Summarizer({.model = "qwen2.5:7b"})->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  auto requests = fake_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 400);
  EXPECT_EQ(requests[1].body["response_format"]["type"], "json_object");
  EXPECT_FALSE(result->usage[0].cost_usd.has_value());  // No price for a local model.
}

TEST_F(OpenAiClientsTest, RefusalTruncationAndGarbageAreErrors) {
  fake_.QueueChatReply(fakes::ChatReply::Refusal("I'm sorry, I can't help with that."));
  auto refused = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "refusal");

  fake_.QueueChatReply(fakes::ChatReply::Truncated());
  fake_.QueueChatReply(fakes::ChatReply::Truncated());
  auto cut = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, "length");

  fake_.QueueChatReply(fakes::ChatReply::Content("Вот резюме: всё хорошо."));
  fake_.QueueChatReply(fakes::ChatReply::Content("{\"summary\": 1}"));
  auto garbage = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, "invalid_summary");

  fake_.QueueChatReply(fakes::ChatReply::Content("не JSON"));
  auto repaired = Summarizer()->Summarize(Conversation());
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_EQ(repaired->usage.size(), 2u);
}

TEST_F(OpenAiClientsTest, ATooSmallTokenLimitIsRetriedWithMore) {
  auto result = Summarizer({.max_output_tokens = 60})->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  auto requests = fake_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body["max_completion_tokens"], 120);
}

TEST_F(OpenAiClientsTest, AReasoningModelGetsNoTemperatureAndRoomToReason) {
  for (const char* model : {"o4-mini", "gpt-5-mini", "o3"}) {
    fake_.ClearRequests();
    auto result = Summarizer({.model = model})->Summarize(Conversation());
    ASSERT_TRUE(result.ok()) << model << ": " << result.error().message;
    auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 1u) << model;
    const auto& body = requests[0].body;
    EXPECT_FALSE(body.contains("temperature")) << model;
    EXPECT_EQ(body["reasoning_effort"], "low") << model;
    EXPECT_GE(body["max_completion_tokens"].get<int>(), 2000 + 25000) << model;
  }
  fake_.ClearRequests();
  ASSERT_TRUE(Summarizer({.model = "gpt-4o"})->Summarize(Conversation()).ok());
  EXPECT_TRUE(fake_.Requests()[0].body.contains("temperature"));
  EXPECT_FALSE(fake_.Requests()[0].body.contains("reasoning_effort"));
}

TEST_F(OpenAiClientsTest, AServerRefusingTheTemperatureGetsTheRequestAgainWithoutIt) {
  OpenAiFault refusal{.status = 400,
                      .type = "invalid_request_error",
                      .code = "unsupported_value",
                      .message =
                          "Unsupported value: 'temperature' does not support 0.2 with this "
                          "model. Only the default (1) value is supported.",
                      .param = "temperature"};
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions, refusal);
  auto summarizer = Summarizer({.model = "azure-deployment-of-a-reasoner"});
  auto result = summarizer->Summarize(Conversation());
  ASSERT_TRUE(result.ok()) << result.error().message;
  auto requests = fake_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 400);  // Faults answer before the body is logged.
  EXPECT_FALSE(requests[1].body.contains("temperature"));
  ASSERT_TRUE(summarizer->Summarize(Conversation()).ok());
  EXPECT_FALSE(fake_.Requests().back().body.contains("temperature")) << "remembered";
}

TEST_F(OpenAiClientsTest, ReasoningThatUsesUpTheLimitIsExplainedAsSuch) {
  auto result = Summarizer({.model = "gpt-5",
                            .reasoning_effort = "medium",
                            .reasoning_headroom_tokens = 0,
                            .max_repair_attempts = 0})
                    ->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "length");
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  EXPECT_NE(result.error().message.find("on reasoning"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("SUMMARY_REASONING_EFFORT"), std::string::npos);
}

TEST_F(OpenAiClientsTest, AContentFilterStopIsFinalLikeARefusal) {
  fake_.QueueChatReply(fakes::ChatReply::ContentFiltered());
  auto result = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(result.error().code, "content_filter");
  EXPECT_EQ(fake_.CountRequests(OpenAiEndpoint::kChatCompletions), 1) << "no repair request";
}

TEST_F(OpenAiClientsTest, AnInvalidSchemaIsOurBugAndNeverFallsBackToJsonObject) {
  // OpenAI's answer when a strict schema breaks its rules (as the emulator's strict check words
  // it): it names response_format, but json_object would only hide the bug.
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions,
                    {.status = 400,
                     .type = "invalid_request_error",
                     .message = "Invalid schema for response_format 'call_summary': In "
                                "context=(), 'required' is required to be supplied and to be an "
                                "array including every key in properties. Missing 'topics'.",
                     .param = "response_format"});
  auto summarizer = Summarizer();
  auto result = summarizer->Summarize(Conversation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(result.error().code, "invalid_schema");
  EXPECT_EQ(fake_.CountRequests(OpenAiEndpoint::kChatCompletions), 1);
  ASSERT_TRUE(summarizer->Summarize(Conversation()).ok());
  EXPECT_EQ(fake_.Requests().back().body["response_format"]["type"], "json_schema");
}

TEST_F(OpenAiClientsTest, A409AndXShouldRetryFollowTheSdk) {
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions,
                    {.status = 409, .type = "server_error", .message = "lock timeout"});
  auto lock = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().kind, ErrorKind::kTransient);
  OpenAiFault no_retry = OpenAiFault::ServerError();
  no_retry.headers = {{"x-should-retry", "false"}};
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions, no_retry);
  auto final_error = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(final_error.ok());
  EXPECT_EQ(final_error.error().kind, ErrorKind::kPermanent);
  OpenAiFault later = OpenAiFault::RateLimit(std::nullopt);
  later.headers = {{"retry-after-ms", "2500.5"}};
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions, later);
  auto limited = Summarizer()->Summarize(Conversation());
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().retry_after, std::chrono::milliseconds(2501));
}

TEST_F(OpenAiClientsTest, GptTranscribeGetsOneKeywordsPartPerWord) {
  auto result = Transcriber({.model = "gpt-transcribe", .vocabulary = {"Ромашка", "Битрикс24"}})
                    ->Transcribe(Chunk(0, 5));
  ASSERT_TRUE(result.ok()) << result.error().message;  // A plain "keywords" string is 400.
  std::vector<std::string> keywords;
  const fakes::LoggedOpenAiRequest logged = fake_.Requests().back();
  for (const auto& [name, value] : logged.fields) {
    if (name == "keywords[]") keywords.push_back(value);
  }
  EXPECT_EQ(keywords, (std::vector<std::string>{"Ромашка", "Битрикс24"}));
}

TEST_F(OpenAiClientsTest, SummaryErrorPathsMapToKinds) {
  struct Case {
    OpenAiFault fault;
    ErrorKind kind;
  } cases[] = {
      {OpenAiFault::RateLimit(2), ErrorKind::kRateLimited},
      {OpenAiFault::InsufficientQuota(), ErrorKind::kPermanent},
      {OpenAiFault::ServerError(), ErrorKind::kTransient},
      {OpenAiFault::ModelNotFound("gpt-4o"), ErrorKind::kConfig},
      {OpenAiFault::InvalidApiKey(), ErrorKind::kConfig},
  };
  for (const auto& c : cases) {
    fake_.InjectFault(OpenAiEndpoint::kChatCompletions, c.fault);
    auto result = Summarizer()->Summarize(Conversation());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, c.kind) << result.error().message;
    EXPECT_EQ(result.error().message.find(fake_.api_key()), std::string::npos);
  }
  fake_.InjectFault(OpenAiEndpoint::kChatCompletions,
                    OpenAiFault::Slow(std::chrono::milliseconds(5000)));
  auto slow = Summarizer({.timeout = std::chrono::milliseconds(300)})->Summarize(Conversation());
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().kind, ErrorKind::kTransient);
}

TEST_F(OpenAiClientsTest, AOneHourCallIsSummarizedByMapReduce) {
  llm::SummaryInput input = Conversation();
  input.transcript.clear();
  for (int i = 0; i < 1000; ++i) {
    input.transcript.push_back({.start_ms = i * 3600,
                                .speaker = i % 2 ? "client" : "manager",
                                .text = "Обсуждаем позицию " + std::to_string(i) +
                                        ": количество, цену и срок поставки на склад."});
  }
  input.duration_seconds = 3600;
  auto result = Summarizer()->Summarize(input);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GE(result->usage.size(), 3u);  // At least two parts and a merge.
  EXPECT_TRUE(result->usage.back().operation.starts_with("merge"));
  EXPECT_EQ(fake_.CountRequests(OpenAiEndpoint::kChatCompletions),
            static_cast<int>(result->usage.size()));
}

}  // namespace
}  // namespace callbrief
