#include "core/json_bounded.h"

#include <string>

#include <gtest/gtest.h>

namespace callbrief::core {
namespace {

std::string Nested(std::size_t levels, char open = '[', char close = ']') {
  return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonNestsDeeperThanTest, SixtyFourLevelsAreAllowed) {
  EXPECT_FALSE(JsonNestsDeeperThan(Nested(64)));
  EXPECT_FALSE(JsonNestsDeeperThan(Nested(64, '{', '}')));
}

TEST(JsonNestsDeeperThanTest, SixtyFiveLevelsAreTooDeep) {
  EXPECT_TRUE(JsonNestsDeeperThan(Nested(65)));
}

TEST(JsonNestsDeeperThanTest, MixedArraysAndObjectsCountTogether) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += R"({"a":[)";
  EXPECT_TRUE(JsonNestsDeeperThan(text));
  EXPECT_FALSE(JsonNestsDeeperThan(text, 80));
}

TEST(JsonNestsDeeperThanTest, SiblingsDoNotAddUp) {
  std::string text = "[";
  for (int i = 0; i < 1000; ++i) text += Nested(10) + ",";
  text += "0]";
  EXPECT_FALSE(JsonNestsDeeperThan(text));
}

TEST(JsonNestsDeeperThanTest, BracketsInsideStringsDoNotCount) {
  std::string text = R"({"a":")" + std::string(1000, '[') + R"(\"[[[[ \\"})";
  EXPECT_FALSE(JsonNestsDeeperThan(text));
}

TEST(JsonNestsDeeperThanTest, AnEscapedQuoteDoesNotEndTheString) {
  std::string text =
      R"(["\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])";
  EXPECT_FALSE(JsonNestsDeeperThan(text));
}

TEST(JsonNestsDeeperThanTest, ExtraClosersDoNotHideLaterDepth) {
  EXPECT_TRUE(JsonNestsDeeperThan("]]]]]]]]]]" + Nested(65)));
}

TEST(ParseBoundedJsonTest, ParsesOrdinaryJson) {
  nlohmann::json parsed = ParseBoundedJson(R"({"event":"x","data":[1,{"b":"c"}]})");
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["data"][1]["b"], "c");
}

TEST(ParseBoundedJsonTest, InvalidJsonIsDiscarded) {
  EXPECT_TRUE(ParseBoundedJson("{").is_discarded());
  EXPECT_TRUE(ParseBoundedJson("").is_discarded());
}

TEST(ParseBoundedJsonTest, TheCrashingWebhookBodyIsDiscardedWithoutParsing) {
  // The body that killed the server: 120,000 nested arrays under "data".
  std::string body = R"({"event":"x","data":)" + std::string(120'000, '[');
  EXPECT_TRUE(ParseBoundedJson(body).is_discarded());
}

TEST(ParseBoundedJsonTest, AValueAtTheLimitParsesAndCopies) {
  nlohmann::json parsed = ParseBoundedJson(Nested(64));
  ASSERT_FALSE(parsed.is_discarded());
  nlohmann::json copy = parsed;
  EXPECT_EQ(copy, parsed);
}

}  // namespace
}  // namespace callbrief::core
