#include "asr/price.h"

#include <gtest/gtest.h>

namespace callbrief::asr {
namespace {

TEST(TranscriptionPriceTest, DefaultsComeFromTheReference) {
  auto table = DefaultTranscriptionPrices();
  EXPECT_DOUBLE_EQ(FindPrice(table, "whisper-1")->usd_per_minute, 0.006);
  EXPECT_DOUBLE_EQ(FindPrice(table, "gpt-transcribe")->usd_per_minute, 0.0045);
  EXPECT_DOUBLE_EQ(FindPrice(table, "gpt-4o-mini-transcribe")->usd_per_million_input_tokens, 1.25);
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

TEST(TranscriptionPriceTest, CostsByTokensWhenReportedElseByMinute) {
  auto table = DefaultTranscriptionPrices();
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Usage("gpt-4o-transcribe", 60, 1000000, 100000)),
                   2.5 + 1.0);
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Usage("gpt-4o-transcribe", 60)), 0.006);
  EXPECT_DOUBLE_EQ(*EstimateCost(table, Usage("whisper-1", 90)), 0.009);
  EXPECT_FALSE(EstimateCost(table, Usage("local-whisper", 90)).has_value());
}

TEST(TranscriptionPriceTest, OverridesReplaceAndAddEntries) {
  auto table = ParseTranscriptionPrices(
      "whisper-1=0.01/min; local-whisper=0/min,"
      " my-4o=1:2/1M");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_DOUBLE_EQ(FindPrice(*table, "whisper-1")->usd_per_minute, 0.01);
  EXPECT_DOUBLE_EQ(FindPrice(*table, "local-whisper")->usd_per_minute, 0.0);
  EXPECT_DOUBLE_EQ(FindPrice(*table, "my-4o")->usd_per_million_output_tokens, 2.0);
  EXPECT_NE(FindPrice(*table, "gpt-transcribe"), nullptr);  // Defaults stay.
}

TEST(TranscriptionPriceTest, ABadEntryIsAConfigErrorNamingIt) {
  for (const char* text :
       {"whisper-1", "whisper-1=abc/min", "=1/min", "x=1/hour", "x=1/1M", "x=-1/min"}) {
    auto table = ParseTranscriptionPrices(text);
    ASSERT_FALSE(table.ok()) << text;
    EXPECT_EQ(table.error().kind, core::ErrorKind::kConfig);
  }
}

}  // namespace
}  // namespace callbrief::asr
