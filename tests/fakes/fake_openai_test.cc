// The OpenAI emulator seen over HTTP, as any client sees it.

#include "fakes/fake_openai.h"

#include <httplib.h>

#include <gtest/gtest.h>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

// A RIFF/WAVE header for 16 kHz 16-bit mono audio that claims `seconds` of data, followed by
// `extra` bytes (the emulator reads the duration from the header only).
std::string Wav(double seconds, const std::string& extra = std::string(64, '\0')) {
  auto le = [](std::uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  std::uint32_t data = static_cast<std::uint32_t>(seconds * 32000);
  return "RIFF" + le(36 + data, 4) + "WAVE" + "fmt " + le(16, 4) + le(1, 2) + le(1, 2) +
         le(16000, 4) + le(32000, 4) + le(2, 2) + le(16, 2) + "data" + le(data, 4) + extra;
}

class FakeOpenAiTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.Start().ok()); }

  httplib::Client Client() {
    httplib::Client client("127.0.0.1", fake_.port());
    client.set_read_timeout(std::chrono::seconds(10));
    return client;
  }
  httplib::Headers Auth() { return {{"Authorization", "Bearer " + fake_.api_key()}}; }

  struct Reply {
    int status = 0;
    json body;
    std::string retry_after;
  };
  Reply ToReply(const httplib::Result& result) {
    if (!result) return {};
    return {result->status, json::parse(result->body, nullptr, false),
            result->get_header_value("retry-after")};
  }

  Reply Transcribe(const std::string& model, const std::string& format, const std::string& bytes,
                   const std::string& filename = "chunk-1.wav") {
    httplib::MultipartFormDataItems items = {
        {"file", bytes, filename, "audio/wav"},
        {"model", model, "", ""},
        {"response_format", format, "", ""},
        {"language", "ru", "", ""},
        {"timestamp_granularities[]", "segment", "", ""},
    };
    return ToReply(Client().Post("/v1/audio/transcriptions", Auth(), items));
  }

  Reply Chat(const json& body) {
    return ToReply(Client().Post("/v1/chat/completions", Auth(), body.dump(), "application/json"));
  }

  static json Schema() {
    return json::parse(R"({
      "type":"object","additionalProperties":false,"required":["summary","sentiment"],
      "properties":{"summary":{"type":"string"},
                    "sentiment":{"type":"string","enum":["positive","neutral","negative"]}}})");
  }
  static json ChatBody(json response_format, std::string prompt = "Summarize the call.") {
    return {{"model", "gpt-4o"},
            {"messages", json::array({{{"role", "system"}, {"content", prompt}},
                                      {{"role", "user"}, {"content", "[00:01] Клиент: Алло"}}})},
            {"response_format", std::move(response_format)}};
  }
  static json StrictFormat(json schema) {
    return {{"type", "json_schema"},
            {"json_schema", {{"name", "call_summary"}, {"strict", true}, {"schema", schema}}}};
  }

  FakeOpenAi fake_;
};

TEST_F(FakeOpenAiTest, RefusesRequestsWithoutTheKey) {
  Reply none = ToReply(Client().Get("/v1/models"));
  EXPECT_EQ(none.status, 401);
  EXPECT_TRUE(none.body["error"]["code"].is_null());
  Reply wrong =
      ToReply(Client().Get("/v1/models", {{"Authorization", "Bearer sk-wrong-key-9876"}}));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["error"]["code"], "invalid_api_key");
  EXPECT_EQ(wrong.body["error"]["type"], "invalid_request_error");
  std::string message = wrong.body["error"]["message"];
  EXPECT_EQ(message.find("sk-wrong-key-9876"), std::string::npos) << message;
  EXPECT_NE(message.find("9876"), std::string::npos);  // Masked like OpenAI: last 4 shown.
  EXPECT_EQ(ToReply(Client().Get("/v1/models", Auth())).status, 200);
}

TEST_F(FakeOpenAiTest, VerboseJsonDefaultTranscriptFollowsTheAudioDuration) {
  Reply reply = Transcribe("whisper-1", "verbose_json", Wav(13));
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["task"], "transcribe");
  EXPECT_EQ(reply.body["language"], "russian");
  EXPECT_DOUBLE_EQ(reply.body["duration"].get<double>(), 13.0);
  ASSERT_EQ(reply.body["segments"].size(), 3u);  // At 0, 6 and 12 s.
  const json& last = reply.body["segments"][2];
  EXPECT_DOUBLE_EQ(last["start"].get<double>(), 12.0);
  EXPECT_DOUBLE_EQ(last["end"].get<double>(), 13.0);
  for (const char* key : {"id", "seek", "tokens", "temperature", "avg_logprob", "compression_ratio",
                          "no_speech_prob"}) {
    EXPECT_TRUE(last.contains(key)) << key;
  }
  EXPECT_FALSE(reply.body["text"].get<std::string>().empty());
  EXPECT_EQ(reply.body["usage"], json::parse(R"({"type":"duration","seconds":13})"));
}

TEST_F(FakeOpenAiTest, JsonForGpt4oModelsCarriesTokenUsageAndNoSegments) {
  Reply reply = Transcribe("gpt-4o-mini-transcribe", "json", Wav(7));
  ASSERT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.body.contains("segments"));
  const json& usage = reply.body["usage"];
  EXPECT_EQ(usage["type"], "tokens");
  EXPECT_GT(usage["output_tokens"].get<int>(), 0);
  // input_tokens = audio + text tokens, total = input + output (openai-python UsageTokens).
  const json& details = usage["input_token_details"];
  EXPECT_GT(details["audio_tokens"].get<int>(), 0);
  EXPECT_EQ(usage["input_tokens"].get<int>(),
            details["audio_tokens"].get<int>() + details["text_tokens"].get<int>());
  EXPECT_EQ(usage["total_tokens"].get<int>(),
            usage["input_tokens"].get<int>() + usage["output_tokens"].get<int>());
}

TEST_F(FakeOpenAiTest, Gpt4oModelsRefuseVerboseJsonAsOpenAiDoes) {
  Reply reply = Transcribe("gpt-4o-transcribe", "verbose_json", Wav(3));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["code"], "unsupported_value");
  EXPECT_EQ(reply.body["error"]["param"], "response_format");
  EXPECT_EQ(reply.body["error"]["message"],
            "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe'. "
            "Use 'json' or 'text' instead.");
}

TEST_F(FakeOpenAiTest, Gpt4oModelsRefuseAudioOver1400Seconds) {
  Reply reply = Transcribe("gpt-4o-transcribe", "json", Wav(1450));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["code"], "invalid_value");
  EXPECT_TRUE(reply.body["error"]["param"].is_null());
  EXPECT_EQ(reply.body["error"]["message"],
            "audio duration 1450 seconds is longer than 1400 seconds which is the maximum for "
            "this model");
  EXPECT_EQ(Transcribe("gpt-4o-mini-transcribe", "json", Wav(1450)).status, 400);
  EXPECT_EQ(Transcribe("gpt-4o-mini-transcribe", "json", Wav(1390)).status, 200);
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(1712)).status, 200);
}

TEST_F(FakeOpenAiTest, UnknownModelsAreNotFound) {
  Reply reply = Transcribe("whisper-9", "json", Wav(3));
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body["error"]["code"], "model_not_found");
}

TEST_F(FakeOpenAiTest, ScriptsApplyByMarkerOrElseInOrder) {
  fake_.AddTranscript({.marker = "CALL-42", .segments = {{.start = 1, .end = 2, .text = "Марк"}}});
  fake_.AddTranscript({.segments = {{.start = 0, .end = 1, .text = "Первый"}}});
  fake_.AddTranscript({.segments = {{.start = 0, .end = 1, .text = "Второй"}}});
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(2)).body["text"], "Первый");
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(2, "..CALL-42..")).body["text"], "Марк");
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(2), "CALL-42.wav").body["text"], "Марк");
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(2)).body["text"], "Второй");
  EXPECT_NE(Transcribe("whisper-1", "json", Wav(2)).body["text"], "Второй");  // Default again.
}

TEST_F(FakeOpenAiTest, TextFormatIsPlainText) {
  fake_.AddTranscript({.segments = {{.start = 0, .end = 1, .text = "Алло"}}});
  auto result =
      Client().Post("/v1/audio/transcriptions", Auth(),
                    httplib::MultipartFormDataItems{{"file", Wav(1), "a.wav", "audio/wav"},
                                                    {"model", "whisper-1", "", ""},
                                                    {"response_format", "text", "", ""}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->body, "Алло\n");
}

TEST_F(FakeOpenAiTest, LogsTheMultipartFields) {
  ASSERT_EQ(Transcribe("whisper-1", "verbose_json", Wav(1), "call-7.wav").status, 200);
  auto requests = fake_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/audio/transcriptions");
  EXPECT_EQ(requests[0].model, "whisper-1");
  EXPECT_EQ(requests[0].Field("language"), "ru");
  EXPECT_EQ(requests[0].Field("timestamp_granularities[]"), "segment");
  EXPECT_EQ(requests[0].file_name, "call-7.wav");
  EXPECT_EQ(requests[0].file_content_type, "audio/wav");
  EXPECT_EQ(requests[0].file_bytes, Wav(1).size());
  EXPECT_EQ(fake_.CountRequests(OpenAiEndpoint::kTranscriptions), 1);
  EXPECT_EQ(fake_.CountRequests(OpenAiEndpoint::kChatCompletions), 0);
}

TEST(FakeOpenAiLimitsTest, UploadsOverTheLimitAre413) {
  FakeOpenAi fake({.max_upload_bytes = 1000});
  ASSERT_TRUE(fake.Start().ok());
  httplib::Client client("127.0.0.1", fake.port());
  auto result = client.Post(
      "/v1/audio/transcriptions", {{"Authorization", "Bearer " + fake.api_key()}},
      httplib::MultipartFormDataItems{{"file", std::string(2000, 'x'), "a.mp3", "audio/mpeg"},
                                      {"model", "whisper-1", "", ""}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(json::parse(result->body)["error"]["message"],
            "Maximum content size limit (1000) exceeded (2000 bytes read)");
}

TEST(FakeOpenAiLimitsTest, AnyModelIsAcceptedWhenEmulatingASelfHostedServer) {
  FakeOpenAi fake({.api_key = "", .accept_any_model = true});
  ASSERT_TRUE(fake.Start().ok());
  httplib::Client client("127.0.0.1", fake.port());
  auto result =
      client.Post("/v1/audio/transcriptions",
                  httplib::MultipartFormDataItems{{"file", Wav(1), "a.wav", "audio/wav"},
                                                  {"model", "Systran/faster-whisper-small", "", ""},
                                                  {"response_format", "verbose_json", "", ""}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(FakeOpenAiTest, FaultsAnswerTheirEndpointWithOpenAisErrorBodies) {
  fake_.InjectFault(OpenAiEndpoint::kTranscriptions, OpenAiFault::RateLimit(3));
  fake_.InjectFault(OpenAiEndpoint::kTranscriptions, OpenAiFault::InsufficientQuota());
  fake_.InjectFault(OpenAiEndpoint::kTranscriptions, OpenAiFault::ServerError().Times(2));
  EXPECT_EQ(Chat(ChatBody(StrictFormat(Schema()))).status, 200);  // Other endpoint untouched.
  Reply limited = Transcribe("whisper-1", "json", Wav(1));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(limited.retry_after, "3");
  Reply quota = Transcribe("whisper-1", "json", Wav(1));
  EXPECT_EQ(quota.status, 429);
  EXPECT_EQ(quota.body["error"]["type"], "insufficient_quota");
  EXPECT_EQ(quota.retry_after, "");
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(1)).status, 500);
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(1)).status, 500);
  EXPECT_EQ(Transcribe("whisper-1", "json", Wav(1)).status, 200);
}

TEST_F(FakeOpenAiTest, ASlowAnswerOutlastsAShortClientTimeout) {
  fake_.InjectFault(OpenAiEndpoint::kAny, OpenAiFault::Slow(std::chrono::milliseconds(3000)));
  httplib::Client client = Client();
  client.set_read_timeout(std::chrono::milliseconds(200));
  auto result = client.Get("/v1/models", Auth());
  EXPECT_FALSE(result);
}

TEST_F(FakeOpenAiTest, StrictJsonSchemaIsAnsweredWithAValidInstance) {
  fake_.SetChatValue("summary", "Клиент просит перенести доставку.");
  Reply reply = Chat(ChatBody(StrictFormat(Schema())));
  ASSERT_EQ(reply.status, 200);
  const json& choice = reply.body["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_TRUE(choice["message"]["refusal"].is_null());
  json content = json::parse(choice["message"]["content"].get<std::string>());
  EXPECT_EQ(content["summary"], "Клиент просит перенести доставку.");
  EXPECT_EQ(content["sentiment"], "positive");
  EXPECT_GT(reply.body["usage"]["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(reply.body["object"], "chat.completion");
}

TEST_F(FakeOpenAiTest, AnInvalidStrictSchemaIs400) {
  json schema = Schema();
  schema["required"] = json::array({"summary"});
  Reply reply = Chat(ChatBody(StrictFormat(schema)));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["param"], "response_format");
  EXPECT_EQ(reply.body["error"]["message"],
            "Invalid schema for response_format 'call_summary': In context=(), 'required' is "
            "required to be supplied and to be an array including every key in properties. "
            "Missing 'sentiment'.");
}

TEST_F(FakeOpenAiTest, JsonObjectModeNeedsTheWordJsonAndFollowsAFencedSchema) {
  json format = {{"type", "json_object"}};
  EXPECT_EQ(Chat(ChatBody(format, "Summarize the call.")).status, 400);
  Reply reply =
      Chat(ChatBody(format, "Answer in JSON following:\n```json\n" + Schema().dump() + "\n```"));
  ASSERT_EQ(reply.status, 200);
  json content = json::parse(reply.body["choices"][0]["message"]["content"].get<std::string>());
  EXPECT_EQ(content["sentiment"], "positive");
}

TEST_F(FakeOpenAiTest, ABackendWithoutStructuredOutputsRefusesJsonSchema) {
  fake_.SetJsonSchemaSupported(false);
  Reply reply = Chat(ChatBody(StrictFormat(Schema())));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["param"], "response_format");
}

TEST_F(FakeOpenAiTest, TooFewMaxTokensCutTheAnswerWithFinishReasonLength) {
  json body = ChatBody(StrictFormat(Schema()));
  body["max_completion_tokens"] = 3;
  Reply reply = Chat(body);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["choices"][0]["finish_reason"], "length");
  std::string content = reply.body["choices"][0]["message"]["content"];
  EXPECT_TRUE(json::parse(content, nullptr, false).is_discarded()) << content;
}

TEST_F(FakeOpenAiTest, ReasoningModelsRefuseTemperatureAndMaxTokensAsOpenAiDoes) {
  json body = ChatBody(StrictFormat(Schema()));
  body["model"] = "o4-mini";
  body["temperature"] = 0.2;
  Reply reply = Chat(body);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["param"], "temperature");
  EXPECT_EQ(reply.body["error"]["code"], "unsupported_value");

  body.erase("temperature");
  body["max_tokens"] = 30000;
  reply = Chat(body);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["param"], "max_tokens");

  body.erase("max_tokens");
  body["model"] = "gpt-4o";
  body["reasoning_effort"] = "low";
  EXPECT_EQ(Chat(body).status, 400) << "gpt-4o is no reasoning model";
}

TEST_F(FakeOpenAiTest, ReasoningTokensCountAgainstMaxCompletionTokens) {
  json body = ChatBody(StrictFormat(Schema()));
  body["model"] = "gpt-5-mini";
  body["reasoning_effort"] = "medium";
  body["max_completion_tokens"] = 2000;  // Enough for the answer alone, not for the reasoning.
  Reply reply = Chat(body);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(reply.body["choices"][0]["message"]["content"], "");
  EXPECT_EQ(reply.body["usage"]["completion_tokens_details"]["reasoning_tokens"], 2000);

  body["reasoning_effort"] = "low";
  body["max_completion_tokens"] = 27000;
  reply = Chat(body);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(json::parse(reply.body["choices"][0]["message"]["content"].get<std::string>())
                  .contains("summary"));
  const json usage = reply.body["usage"];
  EXPECT_GT(usage["completion_tokens"].get<int>(),
            usage["completion_tokens_details"]["reasoning_tokens"].get<int>());
}

TEST_F(FakeOpenAiTest, QueuedRepliesRefuseTruncateOrReplaceTheAnswer) {
  fake_.QueueChatReply(ChatReply::Refusal("I'm sorry, I can't help with that."));
  fake_.QueueChatReply(ChatReply::Truncated());
  fake_.QueueChatReply(ChatReply::Content("not json"));
  Reply refused = Chat(ChatBody(StrictFormat(Schema())));
  EXPECT_TRUE(refused.body["choices"][0]["message"]["content"].is_null());
  EXPECT_EQ(refused.body["choices"][0]["message"]["refusal"], "I'm sorry, I can't help with that.");
  EXPECT_EQ(Chat(ChatBody(StrictFormat(Schema()))).body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(Chat(ChatBody(StrictFormat(Schema()))).body["choices"][0]["message"]["content"],
            "not json");
  Reply normal = Chat(ChatBody(StrictFormat(Schema())));
  EXPECT_EQ(normal.body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(fake_.Requests().back().body["model"], "gpt-4o");
}

TEST_F(FakeOpenAiTest, UnknownPathsAnswerOpenAisNotFound) {
  Reply reply = ToReply(Client().Get("/v1/nothing", Auth()));
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body["error"]["message"], "Invalid URL (GET /v1/nothing)");
}

}  // namespace
}  // namespace callbrief::fakes
