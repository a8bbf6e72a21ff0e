#include "asr/price.h"

#include <gtest/gtest.h>

namespace callbrief::asr {
namespace {

TEST(TranscriptionPriceTest, DefaultsComeFromTheReference) {
  auto table = DefaultTranscriptionPrices();
  EXPECT_DOUBLE_EQ(FindPrice(table, "whisper-1")->usd_per_minute, 0.006);
  EXPECT_DOUBLE_EQ(FindPrice(table, "gpt-transcribe")->usd_per_minute, 0.0045);
  const TranscriptionPrice* mini = FindPrice(table, "gpt-4o-mini-transcribe");
  EXPECT_EQ(mini->usd_per_million_audio_tokens, 3.00);
  EXPECT_DOUBLE_EQ(mini->usd_per_million_input_tokens, 1.25);
  EXPECT_DOUBLE_EQ(mini->usd_per_million_output_tokens, 5.00);
  const TranscriptionPrice* full = FindPrice(table, "gpt-4o-transcribe");
  EXPECT_EQ(full->usd_per_million_audio_tokens, 6.00);
  EXPECT_DOUBLE_EQ(full->usd_per_million_input_tokens, 2.50);
  EXPECT_DOUBLE_EQ(full->usd_per_million_output_tokens, 10.00);
  // No source gives the diarize model's audio-token price: unknown, not borrowed.
  EXPECT_FALSE(FindPrice(table, "gpt-4o-transcribe-diarize")->usd_per_million_audio_tokens);
}

TEST(TranscriptionPriceTest, ASnapshotUsesTheLongestMatchingEntry) {
  auto table = DefaultTranscriptionPrices();
  const TranscriptionPrice* price = FindPrice(table, "gpt-4o-mini-transcribe-2025-12-15");
  ASSERT_NE(price, nullptr);
  EXPECT_DOUBLE_EQ(price->usd_per_million_output_tokens, 5.0);
  EXPECT_EQ(FindPrice(table, "Systran/faster-whisper-large-v3"), nullptr);
  EXPECT_EQ(FindPrice(table, "whisper-10"), nullptr);
}

// core::ProviderUsage has members without initializers, so no designated initializers here.
core::ProviderUsage Usage(std::string model, double seconds, std::int64_t in = 0,
                          std::int64_t out = 0) {
  core::ProviderUsage usage;
  usage.model = std::move(model);
  usage.audio_seconds = seconds;
  usage.input_tokens = in;
  usage.output_tokens = out;
  return usage;
}

core::ProviderUsage Split(std::string model, std::int64_t audio, std::int64_t text,
                          std::int64_t out) {
  core::ProviderUsage usage = Usage(std::move(model), 60, audio + text, out);
  usage.input_audio_tokens = audio;
  usage.input_text_tokens = text;
  return usage;
}

TEST(TranscriptionPriceTest, AudioTextAndOutputTokensArePricedApart) {
  auto table = DefaultTranscriptionPrices();
  // $6 per million audio tokens, $2.50 text, $10 output: 6 + 0.25 + 1.
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Split("gpt-4o-transcribe", 1000000, 100000, 100000)),
                   6.0 + 0.25 + 1.0);
  EXPECT_DOUBLE_EQ(
      *EstimateCost(table, Split("gpt-4o-mini-transcribe-2025-12-15", 1000000, 1000000, 1000000)),
      3.0 + 1.25 + 5.0);
}

TEST(TranscriptionPriceTest, ACostThatCannotBeToldIsUnknownNotGuessed) {
  auto table = DefaultTranscriptionPrices();
  // Input tokens without the audio/text split, for a model that prices them apart.
  EXPECT_FALSE(EstimateCost(table, Usage("gpt-4o-transcribe", 60, 1000, 100)).has_value());
  // More input than the details account for.
  core::ProviderUsage partial = Split("gpt-4o-transcribe", 900, 0, 100);
  partial.input_tokens = 1000;
  EXPECT_FALSE(EstimateCost(table, partial).has_value());
  // Audio tokens at a price no source gives.
  EXPECT_FALSE(EstimateCost(table, Split("gpt-4o-transcribe-diarize", 1000, 0, 10)).has_value());
}

TEST(TranscriptionPriceTest, OneInputPriceCostsInputTokensWithoutASplit) {
  auto table = ParseTranscriptionPrices("my-4o=1:2/1M");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_DOUBLE_EQ(*EstimateCost(*table, Usage("my-4o", 60, 1000000, 1000000)), 3.0);
  EXPECT_DOUBLE_EQ(*EstimateCost(*table, Split("my-4o", 500000, 500000, 0)), 1.0);
}

TEST(TranscriptionPriceTest, CostsByMinuteWhenNoTokensAreReported) {
  auto table = DefaultTranscriptionPrices();
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Usage("gpt-4o-transcribe", 60)), 0.006);
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Usage("whisper-1", 90)), 0.009);
  EXPECT_FALSE(EstimateCost(table, Usage("local-whisper", 90)).has_value());
}

TEST(TranscriptionPriceTest, OverridesReplaceAndAddEntries) {
  auto table = ParseTranscriptionPrices(
      "whisper-1=0.01/min; local-whisper=0/min,"
      " my-4o=1:2/1M, my-audio=4:1:8/1M");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_DOUBLE_EQ(FindPrice(*table, "whisper-1")->usd_per_minute, 0.01);
  EXPECT_DOUBLE_EQ(FindPrice(*table, "local-whisper")->usd_per_minute, 0.0);
  EXPECT_DOUBLE_EQ(FindPrice(*table, "my-4o")->usd_per_million_output_tokens, 2.0);
  EXPECT_EQ(FindPrice(*table, "my-4o")->usd_per_million_audio_tokens, 1.0);
  const TranscriptionPrice* audio = FindPrice(*table, "my-audio");
  EXPECT_EQ(audio->usd_per_million_audio_tokens, 4.0);
  EXPECT_DOUBLE_EQ(audio->usd_per_million_input_tokens, 1.0);
  EXPECT_DOUBLE_EQ(audio->usd_per_million_output_tokens, 8.0);
  EXPECT_NE(FindPrice(*table, "gpt-transcribe"), nullptr);  // Defaults stay.
}

TEST(TranscriptionPriceTest, ABadEntryIsAConfigErrorNamingIt) {
  for (const char* text : {"whisper-1", "whisper-1=abc/min", "=1/min", "x=1/hour", "x=1/1M",
                           "x=-1/min", "x=1:2:3:4/1M", "x=1::3/1M", "x=a:1:2/1M"}) {
    auto table = ParseTranscriptionPrices(text);
    ASSERT_FALSE(table.ok()) << text;
    EXPECT_EQ(table.error().kind, core::ErrorKind::kConfig);
  }
}

}  // namespace
}  // namespace callbrief::asr
