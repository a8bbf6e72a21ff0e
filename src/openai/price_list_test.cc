#include "openai/price_list.h"

#include <functional>
#include <map>

#include <gtest/gtest.h>

namespace callbrief::openai {
namespace {

using Table = std::map<std::string, double, std::less<>>;

std::optional<double> PerMinute(std::string_view value) {
  value = TrimSpace(value);
  if (!value.ends_with("/min")) return std::nullopt;
  return ParseAmount(value.substr(0, value.size() - 4));
}

TEST(ParseAmountTest, TakesNonNegativeDecimalsOnly) {
  EXPECT_EQ(ParseAmount(" 0.006 "), 0.006);
  EXPECT_EQ(ParseAmount("2.5"), 2.5);
  EXPECT_EQ(ParseAmount("0"), 0.0);
  EXPECT_FALSE(ParseAmount("-1"));
  EXPECT_FALSE(ParseAmount(""));
  EXPECT_FALSE(ParseAmount("1.5usd"));
}

TEST(ParsePriceListTest, ReplacesAndAddsEntries) {
  auto table = ParsePriceList(" whisper-1 = 0.004/min; mine=0/min,", Table{{"whisper-1", 0.006}},
                              PerMinute, "price", "MODEL=USD/min");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table, (Table{{"mine", 0.0}, {"whisper-1", 0.004}}));
}

TEST(ParsePriceListTest, AMalformedEntryIsAConfigurationErrorQuotingIt) {
  for (const char* text : {"whisper-1", "=0.1/min", "whisper-1=cheap"}) {
    auto table = ParsePriceList(text, Table{}, PerMinute, "speech-to-text price", "MODEL=USD/min");
    ASSERT_FALSE(table.ok()) << text;
    EXPECT_EQ(table.error().kind, core::ErrorKind::kConfig);
    EXPECT_NE(table.error().message.find("speech-to-text price \"" + std::string(text) + "\""),
              std::string::npos)
        << table.error().message;
  }
}

TEST(FindModelEntryTest, ADatedSnapshotIsPricedAsItsLongestFamily) {
  Table table{{"gpt-4o", 1}, {"gpt-4o-mini", 2}, {"gpt-4o-mini-transcribe", 3}};
  EXPECT_EQ(*FindModelEntry(table, "gpt-4o"), 1);
  EXPECT_EQ(*FindModelEntry(table, "gpt-4o-2024-08-06"), 1);
  EXPECT_EQ(*FindModelEntry(table, "gpt-4o-mini-2024-07-18"), 2);
  EXPECT_EQ(*FindModelEntry(table, "gpt-4o-mini-transcribe-2025-12-15"), 3);
  EXPECT_EQ(FindModelEntry(table, "gpt-4"), nullptr);
  EXPECT_EQ(FindModelEntry(table, "gpt-4omega"), nullptr);
}

}  // namespace
}  // namespace callbrief::openai
