#include "bitrix/bbcode.h"

#include <gtest/gtest.h>

namespace callbrief::bitrix {
namespace {

TEST(EscapeBbTextTest, NeutralisesEverythingThatCouldBecomeMarkup) {
  struct Case {
    std::string text;
    std::string escaped;
  };
  const Case cases[] = {
      {"plain text", "plain text"},
      {"Привет, мир", "Привет, мир"},
      {"[B]bold[/B]", "［B］bold［/B］"},
      {"[URL=https://evil.example]click[/URL]", "［URL=https://evil.example］click［/URL］"},
      {"[USER=1]boss[/USER]", "［USER=1］boss［/USER］"},
      {"<a href=\"https://evil.example\">x</a>", "＜a href=\"https://evil.example\"＞x＜/a＞"},
      {"<b>loud</b>", "＜b＞loud＜/b＞"},
      {"a < b > c", "a ＜ b ＞ c"},
      {"[[nested]]", "［［nested］］"},
      {"", ""},
      {std::string("\xFF[", 2), "\xFF［"},  // Invalid UTF-8 is passed through, brackets still go.
  };
  for (const auto& c : cases) {
    EXPECT_EQ(EscapeBbText(c.text), c.escaped) << c.text;
  }
}

TEST(FormatBbBoldTest, SetsEscapedTextInBold) {
  EXPECT_EQ(FormatBbBold("Итоги звонка"), "[B]Итоги звонка[/B]");
  EXPECT_EQ(FormatBbBold("x[/B][URL=https://e.x]y"), "[B]x［/B］［URL=https://e.x］y[/B]");
  EXPECT_EQ(FormatBbBold(""), "[B][/B]");
}

TEST(FormatBbLinkTest, EscapesTheTextAndEncodesWhatWouldEndTheTag) {
  EXPECT_EQ(FormatBbLink("https://calls.example.com/calls/X.1", "Звонок"),
            "[URL=https://calls.example.com/calls/X.1]Звонок[/URL]");
  EXPECT_EQ(FormatBbLink("https://e.x/a]b c", "[x]"), "[URL=https://e.x/a%5Db%20c]［x］[/URL]");
}

}  // namespace
}  // namespace callbrief::bitrix
