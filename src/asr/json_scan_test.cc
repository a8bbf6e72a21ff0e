#include "asr/json_scan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace callbrief::asr::internal {
namespace {

TEST(ScanTranscriptionResponseTest, ReadsTheFieldsAndSkipsTheRest) {
  auto scanned = ScanTranscriptionResponse(R"({
    "task": "transcribe", "language": "russian", "duration": 12.5,
    "words": [{"word": "a", "start": 0, "end": 1}], "extra": {"x": [1, {"y": null}], "z": true},
    "text": "Привет",
    "segments": [{"id": 0, "tokens": [1, 2, 3], "start": 0.5, "end": 2, "text": " Привет",
                  "no_speech_prob": 0.1, "avg_logprob": -0.3, "compression_ratio": 1.2,
                  "temperature": 0.0}],
    "usage": {"type": "duration", "seconds": 13}})");
  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(scanned->text, "Привет");
  EXPECT_EQ(scanned->language, "russian");
  EXPECT_EQ(scanned->duration, 12.5);
  ASSERT_EQ(scanned->segments.size(), 1u);
  EXPECT_EQ(scanned->segments[0].text, " Привет");
  EXPECT_DOUBLE_EQ(scanned->segments[0].end, 2);
  EXPECT_DOUBLE_EQ(scanned->segments[0].avg_logprob, -0.3);
  EXPECT_EQ(scanned->usage_type, "duration");
  EXPECT_DOUBLE_EQ(scanned->usage_seconds, 13);
}

TEST(ScanTranscriptionResponseTest, ReadsTheAudioAndTextSplitOfTokenUsage) {
  // The shape of openai-python types/audio/transcription.py UsageTokens.
  auto scanned = ScanTranscriptionResponse(R"({"text": "Алло", "usage": {"type": "tokens",
      "input_tokens": 1450, "input_token_details": {"audio_tokens": 1420, "text_tokens": 30},
      "output_tokens": 320, "total_tokens": 1770}})");
  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(scanned->usage_type, "tokens");
  EXPECT_EQ(scanned->input_tokens, 1450);
  EXPECT_EQ(scanned->audio_tokens, 1420);
  EXPECT_EQ(scanned->text_tokens, 30);
  EXPECT_EQ(scanned->output_tokens, 320);
}

TEST(ScanTranscriptionResponseTest, TokenDetailsTheSdkTypesAsOptionalMayBeNullOrMissing) {
  for (const char* usage : {
           R"({"type": "tokens", "input_tokens": 10, "output_tokens": 2})",
           R"({"type": "tokens", "input_tokens": 10, "output_tokens": 2,
               "input_token_details": null})",
           R"({"type": "tokens", "input_tokens": 10, "output_tokens": 2,
               "input_token_details": {"audio_tokens": null}})",
           R"({"type": "tokens", "input_tokens": 10, "output_tokens": 2,
               "input_token_details": {}})",
       }) {
    auto scanned =
        ScanTranscriptionResponse(std::string(R"({"text": "a", "usage": )") + usage + "}");
    ASSERT_TRUE(scanned.has_value()) << usage;
    EXPECT_EQ(scanned->input_tokens, 10) << usage;
    EXPECT_FALSE(scanned->audio_tokens.has_value()) << usage;
    EXPECT_FALSE(scanned->text_tokens.has_value()) << usage;
  }
}

TEST(ScanTranscriptionResponseTest, DecodesEscapesLikeAJsonParser) {
  const std::string text = "Кавычки \" и \\ слэш / таб\t перевод\n эмодзи 😀 и ё";
  const std::string body = nlohmann::json{{"text", text}}.dump(-1, ' ', /*ensure_ascii=*/true);
  ASSERT_NE(body.find("\\u0451"), std::string::npos);  // Escaped as Python's json.dumps does.
  auto scanned = ScanTranscriptionResponse(body);
  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(scanned->text, text);
}

TEST(ScanTranscriptionResponseTest, SkipsStringsWithEscapedQuotes) {
  auto scanned = ScanTranscriptionResponse(R"({"note": "a \"quoted\" \\", "text": "ok"})");
  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(scanned->text, "ok");
}

TEST(ScanTranscriptionResponseTest, GivesUpOnAnythingUnexpected) {
  for (const char* body : {
           "",
           "[]",
           "{",
           R"({"text": "a")",
           R"({"text": "a"} x)",
           R"({"text": null})",
           R"({"text": "a", "segments": [{"start": "0"}]})",
           R"({"text": "bad \x"})",
           R"({"text": "\ud800"})",
           "{\"text\": \"raw\ncontrol\"}",
       }) {
    EXPECT_FALSE(ScanTranscriptionResponse(body).has_value()) << body;
  }
  auto no_text = ScanTranscriptionResponse("{}");
  ASSERT_TRUE(no_text.has_value());
  EXPECT_FALSE(no_text->text.has_value());
}

}  // namespace
}  // namespace callbrief::asr::internal
