#include "asr/transcription_response.h"

#include <gtest/gtest.h>

namespace callbrief::asr {
namespace {

constexpr char kVerbose[] = R"({
  "task": "transcribe", "language": "russian", "duration": 12.5,
  "text": " Добрый день. Слушаю вас.",
  "segments": [
    {"id": 0, "seek": 0, "start": 0.0, "end": 2.24, "text": " Добрый день.", "tokens": [1, 2],
     "temperature": 0.0, "avg_logprob": -0.21, "compression_ratio": 1.1, "no_speech_prob": 0.01},
    {"id": 1, "seek": 0, "start": 2.24, "end": 4.5, "text": " Слушаю вас.", "tokens": [3],
     "temperature": 0.0, "avg_logprob": -0.35, "compression_ratio": 1.2, "no_speech_prob": 0.02}
  ],
  "usage": {"type": "duration", "seconds": 13}
})";

TEST(ParseTranscriptionResponseTest, ReadsVerboseJsonSegmentsInChunkMilliseconds) {
  auto t = ParseTranscriptionResponse(kVerbose, 12500);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->segments.size(), 2u);
  EXPECT_EQ(t->segments[1].start_ms, 2240);
  EXPECT_EQ(t->segments[1].end_ms, 4500);
  EXPECT_EQ(t->segments[1].text, "Слушаю вас.");
  EXPECT_DOUBLE_EQ(t->segments[0].no_speech_prob, 0.01);
  EXPECT_DOUBLE_EQ(t->segments[1].avg_logprob, -0.35);
  EXPECT_EQ(t->text, "Добрый день. Слушаю вас.");
  EXPECT_EQ(t->language, "russian");
  EXPECT_DOUBLE_EQ(t->usage.audio_seconds, 13);
  EXPECT_FALSE(t->timestamps_estimated);
}

TEST(ParseTranscriptionResponseTest, JsonTextIsSpreadOverTheChunkBySentences) {
  auto t = ParseTranscriptionResponse(
      R"({"text":"Алло. Да, слушаю!","usage":{"type":"tokens","input_tokens":120,
          "output_tokens":9,"total_tokens":129}})",
      16000);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->segments.size(), 2u);
  EXPECT_EQ(t->segments[0].text, "Алло.");
  EXPECT_EQ(t->segments[0].start_ms, 0);
  EXPECT_EQ(t->segments[0].end_ms, 5000);  // 5 of 16 characters.
  EXPECT_EQ(t->segments[1].text, "Да, слушаю!");
  EXPECT_EQ(t->segments[1].end_ms, 16000);
  EXPECT_TRUE(t->timestamps_estimated);
  EXPECT_FALSE(t->possibly_truncated);
  EXPECT_EQ(t->usage.input_tokens, 120);
  EXPECT_EQ(t->usage.output_tokens, 9);
  EXPECT_DOUBLE_EQ(t->usage.audio_seconds, 16);  // From the chunk: no duration in the answer.
}

TEST(ParseTranscriptionResponseTest, TokenUsageKeepsTheAudioAndTextSplit) {
  constexpr char kTokens[] = R"({"text":"Алло.","usage":{"type":"tokens","input_tokens":1450,
      "input_token_details":{"audio_tokens":1420,"text_tokens":30},"output_tokens":320,
      "total_tokens":1770}})";
  // The same through the general reader, which takes what the fast one gives up on (here a
  // segment it does not expect).
  std::string odd = kTokens;
  odd.insert(1, R"("segments":[{"start":"0"}],)");
  for (const std::string& body : {std::string(kTokens), odd}) {
    auto t = ParseTranscriptionResponse(body, 60000);
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->usage.input_tokens, 1450);
    EXPECT_EQ(t->usage.input_audio_tokens, 1420);
    EXPECT_EQ(t->usage.input_text_tokens, 30);
    EXPECT_EQ(t->usage.output_tokens, 320);
  }
}

TEST(ParseTranscriptionResponseTest, WithoutDetailsTheSplitIsUnknown) {
  auto t = ParseTranscriptionResponse(
      R"({"text":"Алло.","usage":{"type":"tokens","input_tokens":120,"output_tokens":9}})", 1000);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->usage.input_tokens, 120);
  EXPECT_FALSE(t->usage.input_audio_tokens.has_value());
  EXPECT_FALSE(t->usage.input_text_tokens.has_value());
}

// Found by verbose_json_fuzz: a count beyond int64 was converted anyway (undefined behaviour).
TEST(ParseTranscriptionResponseTest, AnImpossibleTokenCountIsReadAsUnknown) {
  auto t = ParseTranscriptionResponse(
      R"({"text":"Алло.","usage":{"type":"tokens","input_tokens":1e125,"output_tokens":-3}})",
      1000);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->usage.input_tokens, 0);
  EXPECT_EQ(t->usage.output_tokens, 0);
}

TEST(ParseTranscriptionResponseTest, FlagsATextAtTheOutputLimitAsPossiblyCut) {
  auto t = ParseTranscriptionResponse(
      R"({"text":"очень длинный текст","usage":{"type":"tokens","input_tokens":9000,
          "output_tokens":2000}})",
      1500000);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->possibly_truncated);
}

TEST(ParseTranscriptionResponseTest, AnEmptyTextHasNoSegments) {
  auto t = ParseTranscriptionResponse(R"({"text":""})", 5000);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->segments.empty());
}

TEST(ParseTranscriptionResponseTest, ANonJsonAnswerIsTransient) {
  for (const char* body : {"<html>502 Bad Gateway</html>", "{}", R"({"text": 5})", "[]"}) {
    auto t = ParseTranscriptionResponse(body, 1000);
    ASSERT_FALSE(t.ok()) << body;
    EXPECT_EQ(t.error().kind, core::ErrorKind::kTransient);
  }
}

TEST(EstimateSegmentsTest, SplitsAfterSentenceEndsButNotInsideNumbers) {
  auto segments = EstimateSegments("Цена 3.5 тыс. руб. в месяц… Подходит?  Да", 10000);
  std::vector<std::string> texts;
  for (const auto& s : segments) texts.push_back(s.text);
  EXPECT_EQ(texts,
            (std::vector<std::string>{"Цена 3.5 тыс.", "руб.", "в месяц…", "Подходит?", "Да"}));
  EXPECT_EQ(segments.back().end_ms, 10000);
  for (std::size_t i = 1; i < segments.size(); ++i) {
    EXPECT_EQ(segments[i].start_ms, segments[i - 1].end_ms);
  }
}

TEST(ChunkTranscriptJsonTest, RoundTripsEveryField) {
  ChunkTranscript t{.index = 3,
                    .segments = {{.start_ms = 10,
                                  .end_ms = 20,
                                  .text = "Привет",
                                  .no_speech_prob = 0.1,
                                  .avg_logprob = -0.5,
                                  .compression_ratio = 1.3}},
                    .text = "Привет",
                    .language = "ru",
                    .timestamps_estimated = true,
                    .possibly_truncated = true};
  t.usage.provider = "openai-transcribe";
  t.usage.model = "whisper-1";
  t.usage.operation = "transcribe chunk 4";
  t.usage.audio_seconds = 12.5;
  t.usage.input_tokens = 7;
  t.usage.input_audio_tokens = 5;
  t.usage.input_text_tokens = 2;
  t.usage.output_tokens = 8;
  t.usage.latency_ms = 900;
  t.usage.cost_usd = 0.00125;
  auto back = ChunkTranscript::FromJson(nlohmann::json::parse(t.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->ToJson(), t.ToJson());
  EXPECT_EQ(back->segments[0].text, "Привет");
  EXPECT_DOUBLE_EQ(*back->usage.cost_usd, 0.00125);
  EXPECT_EQ(back->usage.input_audio_tokens, 5);
  EXPECT_EQ(back->usage.input_text_tokens, 2);
}

TEST(ChunkTranscriptJsonTest, ACostlessUsageStaysCostless) {
  ChunkTranscript t;
  auto back = ChunkTranscript::FromJson(t.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->usage.cost_usd.has_value());
  EXPECT_FALSE(back->usage.input_audio_tokens.has_value());
  // A record written before the split was kept reads as an unknown split.
  nlohmann::json old = t.ToJson();
  old["usage"].erase("input_audio_tokens");
  old["usage"].erase("input_text_tokens");
  back = ChunkTranscript::FromJson(old);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_FALSE(back->usage.input_text_tokens.has_value());
}

TEST(ChunkTranscriptJsonTest, RejectsForeignJson) {
  for (const char* text : {R"({"index":1})", R"({"version":1,"index":"x"})", "[]"}) {
    auto back = ChunkTranscript::FromJson(nlohmann::json::parse(text));
    EXPECT_FALSE(back.ok()) << text;
  }
}

}  // namespace
}  // namespace callbrief::asr
