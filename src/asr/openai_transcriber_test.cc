#include <gtest/gtest.h>

#include <map>

#include "asr/transcriber.h"
#include "net/fake_http_client.h"
#include "testing/manual_clock.h"

namespace callbrief::asr {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

constexpr char kKey[] = "sk-test-secret-key-123";
constexpr char kVerbose[] =
    R"({"task":"transcribe","language":"russian","duration":4.5,"text":"Добрый день.",
        "segments":[{"id":0,"start":0.5,"end":2.0,"text":" Добрый день.","no_speech_prob":0.01,
                     "avg_logprob":-0.2,"compression_ratio":1.1}],
        "usage":{"type":"duration","seconds":5}})";

std::multimap<std::string, std::string> Fields(const net::HttpRequest& request) {
  std::multimap<std::string, std::string> out;
  for (const auto& part : request.multipart) {
    out.emplace(part.name, part.file_path.empty() ? part.value : "@" + part.file_path);
  }
  return out;
}

std::string Field(const net::HttpRequest& request, const std::string& name) {
  auto fields = Fields(request);
  auto it = fields.find(name);
  return it == fields.end() ? "<absent>" : it->second;
}

ChunkToTranscribe Chunk() {
  return {.index = 1,
          .path = "/tmp/call-7/chunk-1.ogg",
          .mime_type = "audio/ogg",
          .speaker = "client",
          .seconds = 4.5};
}

class OpenAiTranscriberTest : public ::testing::Test {
 protected:
  std::unique_ptr<Transcriber> Make(TranscriberOptions options) {
    if (options.api_key.empty()) options.api_key = kKey;
    return MakeOpenAiTranscriber(http_, std::move(options));
  }
  core::Error Failure(int status, std::string body) {
    http_.Reply(status, std::move(body));
    auto result = Make({})->Transcribe(Chunk());
    EXPECT_FALSE(result.ok());
    if (result.ok()) return core::Error::Permanent("unexpected success");
    EXPECT_EQ(result.error().message.find(kKey), std::string::npos) << result.error().message;
    return result.error();
  }

  FakeHttpClient http_;
};

TEST_F(OpenAiTranscriberTest, SendsWhisperOneAMultipartRequestForVerboseJson) {
  http_.Reply(200, kVerbose);
  auto result =
      Make({.base_url = "https://api.example.com/v1/", .model = "whisper-1"})->Transcribe(Chunk());
  ASSERT_TRUE(result.ok()) << result.error().message;
  const net::HttpRequest sent = http_.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.example.com/v1/audio/transcriptions");
  EXPECT_EQ(sent.multipart.at(0).name, "file");
  EXPECT_EQ(sent.multipart.at(0).file_path, "/tmp/call-7/chunk-1.ogg");
  EXPECT_EQ(sent.multipart.at(0).content_type, "audio/ogg");
  EXPECT_EQ(Field(sent, "model"), "whisper-1");
  EXPECT_EQ(Field(sent, "response_format"), "verbose_json");
  EXPECT_EQ(Field(sent, "timestamp_granularities[]"), "segment");
  EXPECT_EQ(Field(sent, "language"), "ru");
  EXPECT_EQ(Field(sent, "temperature"), "0");
  bool authorized = false;
  for (const auto& [name, value] : sent.headers) {
    authorized |= name == "Authorization" && value == std::string("Bearer ") + kKey;
  }
  EXPECT_TRUE(authorized);
}

TEST_F(OpenAiTranscriberTest, ReturnsSegmentsUsageAndCost) {
  http_.Reply(200, kVerbose);
  auto result = Make({.model = "whisper-1"})->Transcribe(Chunk());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->index, 1);
  ASSERT_EQ(result->segments.size(), 1u);
  EXPECT_EQ(result->segments[0].start_ms, 500);
  EXPECT_EQ(result->usage.provider, "openai-transcribe");
  EXPECT_EQ(result->usage.model, "whisper-1");
  EXPECT_EQ(result->usage.operation, "transcribe chunk 2");
  EXPECT_DOUBLE_EQ(result->usage.audio_seconds, 5);
  ASSERT_TRUE(result->usage.cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*result->usage.cost_usd, 5.0 / 60 * 0.006);
}

TEST_F(OpenAiTranscriberTest, NeverAsksGpt4oModelsForVerboseJson) {
  for (const char* model :
       {"gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe-2025-12-15"}) {
    http_.Reply(200, R"({"text":"Добрый день."})");
    auto result = Make({.model = model})->Transcribe(Chunk());
    ASSERT_TRUE(result.ok()) << model;
    EXPECT_TRUE(result->timestamps_estimated);
    const net::HttpRequest sent = http_.requests().back();
    EXPECT_EQ(Field(sent, "response_format"), "json") << model;
    EXPECT_EQ(Field(sent, "timestamp_granularities[]"), "<absent>") << model;
  }
}

TEST_F(OpenAiTranscriberTest, GptTranscribeGetsLanguagesAndKeywords) {
  http_.Reply(200, R"({"text":"ok","languages":["ru"]})");
  auto result = Make({.model = "gpt-transcribe", .vocabulary = {"Битрикс24", "КП", "bad<word>"}})
                    ->Transcribe(Chunk());
  ASSERT_TRUE(result.ok());
  const net::HttpRequest sent = http_.requests().back();
  EXPECT_EQ(Field(sent, "languages[]"), "ru");
  EXPECT_EQ(Field(sent, "language"), "<absent>");
  EXPECT_EQ(Field(sent, "keywords"), "<absent>");
  std::vector<std::string> keywords;
  for (const auto& part : sent.multipart) {
    if (part.name == "keywords[]") keywords.push_back(part.value);
  }
  EXPECT_EQ(keywords, (std::vector<std::string>{"Битрикс24", "КП"}));  // One part per word.
  EXPECT_NE(Field(sent, "prompt").find("Битрикс24"), std::string::npos);
}

TEST_F(OpenAiTranscriberTest, TheDiarizeModelGetsNoPromptButAChunkingStrategy) {
  http_.Reply(200, R"({"text":"ok"})");
  ASSERT_TRUE(Make({.model = "gpt-4o-transcribe-diarize", .vocabulary = {"Acme"}})
                  ->Transcribe(Chunk())
                  .ok());
  const net::HttpRequest sent = http_.requests().back();
  EXPECT_EQ(Field(sent, "prompt"), "<absent>");
  EXPECT_EQ(Field(sent, "chunking_strategy"), "auto");
}

TEST_F(OpenAiTranscriberTest, ASelfHostedServerWithoutAKeyGetsNoAuthorization) {
  http_.Reply(200, kVerbose);
  auto transcriber = MakeOpenAiTranscriber(
      http_, {.base_url = "http://whisper:8080/v1", .model = "Systran/faster-whisper-small"});
  auto result = transcriber->Transcribe(Chunk());
  ASSERT_TRUE(result.ok());
  const net::HttpRequest sent = http_.requests().back();
  for (const auto& header : sent.headers) EXPECT_NE(header.first, "Authorization");
  EXPECT_EQ(Field(sent, "response_format"), "verbose_json");
  EXPECT_FALSE(result->usage.cost_usd.has_value());  // No price for a local model.
}

TEST_F(OpenAiTranscriberTest, TheVocabularyBecomesAPromptInTheCallLanguage) {
  EXPECT_EQ(RenderPrompt({.vocabulary = {"ООО Ромашка", "Битрикс24"}}),
            "Телефонный разговор менеджера с клиентом. Упоминаются: ООО Ромашка, Битрикс24.");
  EXPECT_EQ(RenderPrompt({.language = "en", .vocabulary = {"Acme"}}),
            "A phone call between a sales manager and a client. Mentioned: Acme.");
  EXPECT_EQ(RenderPrompt({.prompt = "Свой текст", .vocabulary = {"Acme"}}), "Свой текст");
  EXPECT_EQ(RenderPrompt({}), "");
}

TEST_F(OpenAiTranscriberTest, APromptIsKeptShortForWhispersWindow) {
  std::vector<std::string> words(300, "слово");
  std::string prompt = RenderPrompt({.vocabulary = words});
  std::size_t chars = 0;
  for (char c : prompt) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  EXPECT_LE(chars, 450u);
  EXPECT_TRUE(prompt.ends_with("слово."));
  std::string long_prompt = RenderPrompt({.prompt = std::string(2000, 'x')});
  EXPECT_EQ(long_prompt.size(), 450u);
}

TEST_F(OpenAiTranscriberTest, ARefusedKeyIsAConfigErrorNamingTheVariableNotTheKey) {
  core::Error error = Failure(
      401, std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey +
               R"(.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  EXPECT_EQ(error.kind, ErrorKind::kConfig);
  EXPECT_EQ(error.code, "invalid_api_key");
  EXPECT_NE(error.message.find("TRANSCRIBE_API_KEY"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("chunk 2"), std::string::npos);
}

TEST_F(OpenAiTranscriberTest, ExhaustedQuotaIsPermanentAndSaysToAddCredit) {
  core::Error error = Failure(
      429,
      R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})");
  EXPECT_EQ(error.kind, ErrorKind::kPermanent);
  EXPECT_FALSE(error.IsRetryable());
  EXPECT_EQ(error.code, "insufficient_quota");
  EXPECT_NE(error.message.find("add credit"), std::string::npos);
}

// A Retry-After given as a date is read against the transcriber's clock, not the machine's.
TEST_F(OpenAiTranscriberTest, ARetryAfterDateIsTheWaitUntilThatDateOnTheTranscribersClock) {
  callbrief::testing::ManualClock clock;  // 2026-03-11 14:28:46 UTC
  http_.Reply(net::HttpResponse{
      503, {{"retry-after", "Wed, 11 Mar 2026 14:29:16 GMT"}}, R"({"error":{"message":"busy"}})"});
  auto result = Make({.model = "whisper-1", .clock = &clock})->Transcribe(Chunk());
  ASSERT_FALSE(result.ok());
  ASSERT_TRUE(result.error().retry_after.has_value());
  EXPECT_EQ(*result.error().retry_after, std::chrono::seconds(30));
}

TEST_F(OpenAiTranscriberTest, ARateLimitIsRetryableAfterTheHintedWait) {
  core::Error error = Failure(
      429,
      R"({"error":{"message":"Rate limit reached for whisper-1 on requests per min (RPM): Limit 50, Used 50, Requested 1. Please try again in 1.2s.","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(error.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(error.code, "rate_limit_exceeded");
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(error.retry_after->count(), 1200);
}

TEST_F(OpenAiTranscriberTest, StatusesMapToKinds) {
  struct Case {
    int status;
    const char* body;
    ErrorKind kind;
  } cases[] = {
      {413,
       R"({"error":{"message":"Maximum content size limit (26214400) exceeded","type":"server_error","param":null,"code":null}})",
       ErrorKind::kPermanent},
      {400,
       R"({"error":{"message":"audio duration 1712 seconds is longer than 1500 seconds","type":"invalid_request_error","param":"file","code":"invalid_value"}})",
       ErrorKind::kPermanent},
      {404,
       R"({"error":{"message":"The model `whisper-9` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}})",
       ErrorKind::kConfig},
      {403,
       R"({"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}})",
       ErrorKind::kConfig},
      {500,
       R"({"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}})",
       ErrorKind::kTransient},
      {503, "<html>Service Unavailable</html>", ErrorKind::kTransient},
      {500, R"({"error":"failed to read audio"})", ErrorKind::kTransient},  // whisper.cpp
  };
  for (const auto& c : cases) {
    core::Error error = Failure(c.status, c.body);
    EXPECT_EQ(error.kind, c.kind) << c.status << " " << error.message;
  }
}

TEST_F(OpenAiTranscriberTest, ATransportFailureStaysTransientWithContext) {
  http_.Fail(
      core::Error::Transient("POST https://api.openai.com/v1/audio/transcriptions: timeout"));
  auto result = Make({})->Transcribe(Chunk());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(result.error().message.rfind("transcribing chunk 2 with whisper-1: ", 0), 0u)
      << result.error().message;
}

TEST_F(OpenAiTranscriberTest, AnErrorPageWithStatus200IsTransient) {
  http_.Reply(200, "<html>captive portal</html>");
  auto result = Make({})->Transcribe(Chunk());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
}

TEST(EffectiveResponseFormatTest, PicksByModelUnlessForced) {
  EXPECT_EQ(EffectiveResponseFormat(ResponseFormat::kAuto, "whisper-1"),
            ResponseFormat::kVerboseJson);
  EXPECT_EQ(EffectiveResponseFormat(ResponseFormat::kAuto, "large-v3"),
            ResponseFormat::kVerboseJson);
  EXPECT_EQ(EffectiveResponseFormat(ResponseFormat::kAuto, "gpt-transcribe"),
            ResponseFormat::kJson);
  EXPECT_EQ(EffectiveResponseFormat(ResponseFormat::kJson, "whisper-1"), ResponseFormat::kJson);
}

}  // namespace
}  // namespace callbrief::asr
