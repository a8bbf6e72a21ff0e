#include <gtest/gtest.h>

#include "llm/summarizer.h"

namespace callbrief::llm {
namespace {

TEST(ChatPriceTest, CostsCachedTokensAtTheirOwnPrice) {
  auto table = DefaultChatPrices();
  // 5120 prompt tokens of which 1024 cached, 410 completion tokens on gpt-4o.
  double expected = (4096 * 2.50 + 1024 * 1.25 + 410 * 10.0) / 1e6;
  EXPECT_DOUBLE_EQ(*EstimateChatCost(table, "gpt-4o", 5120, 1024, 410), expected);
}

TEST(ChatPriceTest, SnapshotsUseTheLongestMatchingEntry) {
  auto table = DefaultChatPrices();
  EXPECT_DOUBLE_EQ(*EstimateChatCost(table, "gpt-4o-mini-2024-07-18", 1000000, 0, 0), 0.15);
  EXPECT_DOUBLE_EQ(*EstimateChatCost(table, "gpt-4o-2024-08-06", 1000000, 0, 0), 2.50);
  EXPECT_FALSE(EstimateChatCost(table, "qwen2.5:7b", 1000, 0, 10).has_value());
}

TEST(ChatPriceTest, OverridesParse) {
  auto table = ParseChatPrices("qwen2.5:7b=0:0/1M; gpt-4o=3:1.5:12/1M");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_DOUBLE_EQ(*EstimateChatCost(*table, "qwen2.5:7b", 1000, 0, 10), 0.0);
  EXPECT_DOUBLE_EQ(*EstimateChatCost(*table, "gpt-4o", 1000000, 0, 0), 3.0);
  EXPECT_DOUBLE_EQ(*EstimateChatCost(*table, "gpt-4o", 1000000, 1000000, 0), 1.5);
  for (const char* bad :
       {"gpt-4o=3/1M", "gpt-4o=a:b/1M", "gpt-4o=1:2:3:4/1M", "=1:2/1M", "gpt-4o=1:2"}) {
    auto parsed = ParseChatPrices(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().kind, core::ErrorKind::kConfig);
  }
}

}  // namespace
}  // namespace callbrief::llm
