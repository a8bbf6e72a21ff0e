#include "fakes/telegram_html.h"

#include <gtest/gtest.h>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

TEST(TelegramHtmlTest, PlainTextAndEntities) {
  ParsedHtml parsed =
      ParseTelegramHtml("<b>Жир</b> &amp; <a href=\"https://x.ru/?a=1&amp;b\">ссылка</a>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_EQ(parsed.text, "Жир & ссылка");
  EXPECT_EQ(parsed.entities, json::parse(R"([
      {"type":"bold","offset":0,"length":3},
      {"type":"text_link","offset":6,"length":6,"url":"https://x.ru/?a=1&b"}])"));
}

TEST(TelegramHtmlTest, OffsetsAreUtf16) {
  ParsedHtml parsed = ParseTelegramHtml("😀<i>x</i>");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.entities[0]["offset"], 2);
}

TEST(TelegramHtmlTest, ExpandableBlockquoteAndSpoilers) {
  ParsedHtml parsed = ParseTelegramHtml(
      "<blockquote expandable>a\nb</blockquote><span class=\"tg-spoiler\">s</span>"
      "<tg-spoiler>t</tg-spoiler>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_EQ(parsed.text, "a\nbst");
  EXPECT_EQ(parsed.entities[0]["type"], "expandable_blockquote");
  EXPECT_EQ(parsed.entities[1]["type"], "spoiler");
  EXPECT_EQ(parsed.entities[2]["type"], "spoiler");
}

TEST(TelegramHtmlTest, ReferencesDecodeAndStrayAmpersandsStay) {
  ParsedHtml parsed = ParseTelegramHtml("&lt;&gt;&quot;&#1078;&#x1F600; AT&T &nbsp;");
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.text, "<>\"ж😀 AT&T &nbsp;");
}

TEST(TelegramHtmlTest, TagNamesAreCaseInsensitive) {
  ParsedHtml parsed = ParseTelegramHtml("<B>x</b>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_EQ(parsed.text, "x");
}

struct Refusal {
  std::string html;
  std::string error;
};

class TelegramHtmlRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(TelegramHtmlRefusalTest, RefusesLikeTelegram) {
  ParsedHtml parsed = ParseTelegramHtml(GetParam().html);
  EXPECT_FALSE(parsed.ok);
  EXPECT_EQ(parsed.error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, TelegramHtmlRefusalTest,
    ::testing::Values(Refusal{"a <div>b</div>", "Unsupported start tag \"div\" at byte offset 2"},
                      Refusal{"<br>", "Unsupported start tag \"br\" at byte offset 0"},
                      Refusal{"x < y", "Unsupported start tag \"\" at byte offset 2"},
                      Refusal{"<b>x", "Can't find end tag corresponding to start tag \"b\""},
                      Refusal{
                          "<b><i>x</b></i>",
                          "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\""},
                      Refusal{"x</b>", "Unexpected end tag at byte offset 1"},
                      Refusal{"<b", "Unclosed start tag at byte offset 0"},
                      Refusal{"<span>x</span>", "Unsupported start tag \"span\" at byte offset 0"},
                      Refusal{"<a href=\"x>y</a>", "Unclosed start tag at byte offset 0"}));

TEST(TelegramHtmlTest, Utf16Units) { EXPECT_EQ(Utf16Units("aж😀"), 4u); }

}  // namespace
}  // namespace callbrief::fakes
