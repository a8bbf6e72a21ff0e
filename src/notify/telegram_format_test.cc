#include "notify/telegram_format.h"

#include <gtest/gtest.h>

#include "notify/golden_test_support.h"
#include "notify/message_text.h"
#include "notify/test_fixtures.h"

namespace callbrief::notify {
namespace {

using testing::ExpectGolden;
using testing::FullCall;
using testing::kSeedText;
using testing::SeedCall;

// What Telegram shows for our HTML: tags dropped, the four entities we write decoded.
std::string Visible(std::string_view html) {
  std::string out;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      i = html.find('>', i);
      continue;
    }
    bool matched = false;
    for (auto [entity, ch] : {std::pair{"&amp;", '&'}, std::pair{"&lt;", '<'},
                              std::pair{"&gt;", '>'}, std::pair{"&quot;", '"'}}) {
      std::string_view e(entity);
      if (html.substr(i, e.size()) == e) {
        out += ch;
        i += e.size() - 1;
        matched = true;
        break;
      }
    }
    if (!matched) out += html[i];
  }
  return out;
}

// Whether every tag opened in `html` is closed in order.
bool Balanced(std::string_view html) {
  std::vector<std::string> open;
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    std::size_t end = html.find('>', i);
    if (end == std::string_view::npos) return false;
    std::string_view tag = html.substr(i + 1, end - i - 1);
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else {
      open.emplace_back(tag.substr(0, tag.find(' ')));
    }
  }
  return open.empty();
}

TEST(TelegramFormatTest, SeedCallShowsExactlyTheSeedText) {
  std::vector<std::string> parts = FormatTelegramMessages(SeedCall());
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(Visible(parts[0]), kSeedText);
}

// MESSAGE_ANALYTICS_LINE (issue 16, item 5): one line after the tone, and only that.
TEST(TelegramFormatTest, TheAnalyticsLineFollowsTheToneAndChangesNothingElse) {
  CallMessage call = SeedCall();
  call.figures = ConversationFigures{.talk_share_manager = 0.618};
  std::vector<std::string> parts = FormatTelegramMessages(call);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(Visible(parts[0]), kSeedText + "\n📈 Разговор: речь менеджера 62 % (ориентир 43 %)");
  EXPECT_NE(parts[0].find("<b>📈 Разговор:</b>"), std::string::npos) << parts[0];
}

TEST(TelegramFormatTest, TheAnalyticsLineAddsTheScoreAndTheFailedCriticalCriteria) {
  CallMessage call = SeedCall();
  call.figures = ConversationFigures{.talk_share_manager = 0.5,
                                     .score = 67,
                                     .failed_critical = {"Назначен следующий шаг?", "<b>?"}};
  std::vector<std::string> parts = FormatTelegramMessages(call);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(Visible(parts[0]), kSeedText +
                                   "\n📈 Разговор: речь менеджера 50 % (ориентир 43 %) · оценка "
                                   "67/100 · не выполнено: Назначен следующий шаг?; <b>?");
  EXPECT_NE(parts[0].find("&lt;b&gt;?"), std::string::npos) << "questions are escaped";
}

TEST(TelegramFormatTest, FiguresWithNothingMeasuredAddNoLine) {
  CallMessage mono = SeedCall();
  mono.figures = ConversationFigures{};  // A mono recording: no talk share.
  EXPECT_EQ(FormatTelegramHtml(mono), FormatTelegramHtml(SeedCall()));
}

TEST(TelegramFormatTest, SeedCallMatchesGoldenHtml) {
  ExpectGolden("seed_call.telegram.html", FormatTelegramHtml(SeedCall()));
}

TEST(TelegramFormatTest, FullCallMatchesGoldenHtml) {
  ExpectGolden("full_call.telegram.html", FormatTelegramHtml(FullCall()));
}

TEST(TelegramFormatTest, HeaderFollowsDirection) {
  struct Case {
    Direction direction;
    std::string header;
  };
  for (const Case& c : {Case{Direction::kIncoming, "<b>📞 Входящий звонок</b>\n"},
                        Case{Direction::kOutgoing, "<b>📞 Исходящий звонок</b>\n"},
                        Case{Direction::kUnknown, "<b>📞 Звонок</b>\n"}}) {
    CallMessage call = SeedCall();
    call.direction = c.direction;
    EXPECT_EQ(FormatTelegramHtml(call).rfind(c.header, 0), 0u) << c.header;
  }
}

TEST(TelegramFormatTest, EveryUserStringIsEscaped) {
  const std::string evil = "<i>x</i> & <a href=\"javascript:1\">y</a>";
  CallMessage call{.from_number = evil,
                   .to_number = evil,
                   .manager_name = evil,
                   .client_name = evil,
                   .summary = evil,
                   .key_points = {evil},
                   .tasks = {{.text = evil, .owner = evil, .due = evil}},
                   .client_request = evil,
                   .next_steps = evil,
                   .sentiment = evil,
                   .call_kind = evil,
                   .transcript = {{.start_ms = 0, .speaker = evil, .text = evil}}};
  std::string html = FormatTelegramHtml(call);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(html.find("<a href=\"javascript"), std::string::npos);
  EXPECT_NE(html.find("&lt;i&gt;x&lt;/i&gt; &amp; &lt;a href=&quot;javascript:1&quot;&gt;y"),
            std::string::npos);
  EXPECT_TRUE(Balanced(html));
}

TEST(TelegramFormatTest, LinksOnlyForHttpUrls) {
  CallMessage call = SeedCall();
  call.client_name = "ИП Иванов";
  call.client_url = "javascript:alert(1)";
  call.call_url = "ftp://x";
  std::string html = FormatTelegramHtml(call);
  EXPECT_EQ(html.find("<a "), std::string::npos);
  EXPECT_NE(html.find("• Клиент: ИП Иванов\n"), std::string::npos);

  call.client_name = "";
  call.client_url = "https://p.bitrix24.ru/crm/lead/details/5/?a=1&b=\"2\"";
  call.call_url = "https://calls.example.ru/calls/9";
  html = FormatTelegramHtml(call);
  EXPECT_NE(html.find("• Клиент: <a href=\"https://p.bitrix24.ru/crm/lead/details/5/"
                      "?a=1&amp;b=&quot;2&quot;\">карточка в CRM</a>"),
            std::string::npos);
  EXPECT_NE(html.find("🔗 <a href=\"https://calls.example.ru/calls/9\">Открыть звонок</a>"),
            std::string::npos);
}

// Telegram drops links whose host has no dot (tdlib/td LinkManager.cpp check_link_impl).
TEST(TelegramFormatTest, AnAddressTelegramWouldNotLinkIsPrintedAsText) {
  CallMessage call = SeedCall();
  call.call_url = "http://localhost:8080/calls/9";
  std::string html = FormatTelegramHtml(call);
  EXPECT_EQ(html.find("<a "), std::string::npos) << html;
  EXPECT_NE(html.find("🔗 Открыть звонок: http://localhost:8080/calls/9"), std::string::npos)
      << html;
  EXPECT_FALSE(TelegramKeepsLink("http://callbrief:8080/calls/1"));
  EXPECT_TRUE(TelegramKeepsLink("http://10.0.0.5:8080/calls/1"));
  EXPECT_TRUE(TelegramKeepsLink("https://calls.example.ru/calls/1"));
  EXPECT_TRUE(TelegramKeepsLink("http://[::1]:8080/calls/1"));
}

TEST(TelegramFormatTest, EmptySectionsAreLeftOut) {
  CallMessage call{.direction = Direction::kIncoming, .from_number = "1", .to_number = "2"};
  EXPECT_EQ(Visible(FormatTelegramHtml(call)),
            "📞 Входящий звонок\n\n📋 Информация:\n• От: 1\n• Кому: 2");
  call.from_number = " \n";
  call.key_points = {"", "  "};
  call.tasks = {{.text = " ", .owner = "Анна"}};
  EXPECT_EQ(Visible(FormatTelegramHtml(call)),
            "📞 Входящий звонок\n\n📋 Информация:\n• От: —\n• Кому: 2");
}

TEST(TelegramFormatTest, InvalidUtf8AndControlCharactersAreCleaned) {
  CallMessage call = SeedCall();
  call.summary = std::string("a\xff\x01 b\r\nc\td");
  std::string html = FormatTelegramHtml(call);
  EXPECT_NE(html.find("a\uFFFD b\nc d\n"), std::string::npos);
}

TEST(TelegramFormatTest, ShortMessageIsOnePart) {
  EXPECT_EQ(FormatTelegramMessages(FullCall()).size(), 1u);
}

TEST(TelegramFormatTest, LongTranscriptIsSplitAtLinesWithTheQuoteReopened) {
  CallMessage call = FullCall();
  call.transcript.clear();
  for (int i = 0; i < 400; ++i) {
    call.transcript.push_back({.start_ms = i * 5000,
                               .speaker = i % 2 ? "client" : "manager",
                               .text = "Реплика номер " + std::to_string(i) + " 😀 & <ok>"});
  }
  std::vector<std::string> parts = FormatTelegramMessages(call);
  ASSERT_GT(parts.size(), 2u);
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_LE(Utf16Length(Visible(parts[i])), kTelegramMaxTextUtf16);
    EXPECT_TRUE(Balanced(parts[i]));
    EXPECT_NE(parts[i].back(), '\n');
    if (i > 0) {
      EXPECT_EQ(parts[i].rfind("<blockquote expandable>", 0), 0u);
      joined += '\n';
    }
    joined += Visible(parts[i]);
  }
  EXPECT_EQ(joined, Visible(FormatTelegramHtml(call)));
}

TEST(TelegramFormatTest, ExactlyTheLimitFitsOneMoreUnitSplits) {
  std::string line(100, 'x');
  std::string html;
  for (int i = 0; i < 40; ++i) html += line + "\n";
  html += std::string(95, 'y');  // 40 * 101 + 95 = 4135 units.
  EXPECT_EQ(SplitTelegramHtml(html, 4135).size(), 1u);
  std::vector<std::string> parts = SplitTelegramHtml(html, 4134);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1], std::string(95, 'y'));
}

TEST(TelegramFormatTest, SplitCountsUtf16UnitsNotBytes) {
  // "😀" is 4 bytes and 2 UTF-16 units; "ж" is 2 bytes and 1 unit.
  EXPECT_EQ(VisibleUtf16Length("😀ж&amp;<b>x</b>"), 5u);
  std::vector<std::string> parts = SplitTelegramHtml("😀😀\n😀😀", 4);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "😀😀");
}

TEST(TelegramFormatTest, OverlongLineIsCutAtASpaceInsideTags) {
  std::string html = "<b>" + std::string(6, 'a') + " " + std::string(6, 'b') + "</b>";
  std::vector<std::string> parts = SplitTelegramHtml(html, 10);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>aaaaaa </b>");
  EXPECT_EQ(parts[1], "<b>bbbbbb</b>");
}

TEST(TelegramFormatTest, OverlongWordIsCutAnywhereButNeverInsideAnEntity) {
  std::vector<std::string> parts = SplitTelegramHtml("abc&amp;def", 4);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "abc&amp;");
  EXPECT_EQ(parts[1], "def");
}

TEST(TelegramFormatTest, AQuoteStartingALongLineMovesWholeToTheNextPart) {
  // Found by fuzz/telegram_html_fuzz: the first part kept the line break and an empty quote, one
  // unit over the limit ("aaaa\n<blockquote expandable></blockquote>").
  std::string html = "aaaa\n<blockquote expandable>bbbbbbbbbb</blockquote>";
  std::vector<std::string> parts = SplitTelegramHtml(html, 4);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "aaaa");
  EXPECT_EQ(parts[1], "<blockquote expandable>bbbb</blockquote>");
  EXPECT_EQ(parts[2], "<blockquote expandable>bbbb</blockquote>");
  EXPECT_EQ(parts[3], "<blockquote expandable>bb</blockquote>");
  for (const std::string& part : parts) EXPECT_LE(VisibleUtf16Length(part), 4u) << part;
}

TEST(TelegramFormatTest, TagsHoldingOnlyABlankAtACutMoveToTheNextPart) {
  // Found by fuzz/telegram_html_fuzz: "<b>aaaa<i> </i></b>" ended the first part.
  std::vector<std::string> parts = SplitTelegramHtml("<b>aaaa<i> bbbbbb</i></b>", 6);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>aaaa</b>");
  EXPECT_EQ(parts[1], "<b><i>bbbbbb</i></b>");
}

TEST(TelegramFormatTest, AClosingTagAtTheTopOfAPartLeavesNoEmptyElement) {
  // Found by fuzz/telegram_html_fuzz: the second part began "<b></b>ccc".
  std::vector<std::string> parts = SplitTelegramHtml("<b>aaaa\n</b>ccc", 5);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>aaaa</b>");
  EXPECT_EQ(parts[1], "ccc");
}

TEST(TelegramFormatTest, ALineBreakBeforeAClosingTagDoesNotPushAPartOverTheLimit) {
  // Found by fuzz/telegram_html_fuzz: a long line that starts by closing a tag left the line
  // break in front of it in the full part ("<b>aaaaa\n</b>", 6 units for a limit of 5).
  std::vector<std::string> parts = SplitTelegramHtml("<b>aaaaa\n</b><b>bbbbbbbb</b>", 5);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "<b>aaaaa</b>");
  for (const std::string& part : parts) EXPECT_LE(VisibleUtf16Length(part), 5u) << part;
}

TEST(TelegramFormatTest, BlanksAtTheTopOfAPartAreDroppedAsTelegramTrimsThem) {
  // Found by fuzz/telegram_html_fuzz: the second part began "<b> </b>", an element of a blank.
  std::vector<std::string> parts = SplitTelegramHtml("<b>aaaa\n </b>cc", 5);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>aaaa</b>");
  EXPECT_EQ(parts[1], "cc");
}

TEST(TelegramFormatTest, ALongLineEndingInBlanksLeavesNoLineBreakInsideAReopenedTag) {
  // Found by fuzz/telegram_html_fuzz: the last part was "<b>\n\n</b>r".
  std::vector<std::string> parts = SplitTelegramHtml("<b>aaa \n\n</b>r", 3);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>aaa</b>");
  EXPECT_EQ(parts[1], "r");
}

TEST(TelegramFormatTest, NoPartIsBlanksOnly) {
  // Found by fuzz/telegram_html_fuzz: a long line starting with a space was cut after it, and
  // the first part was " ", an empty message to Telegram.
  std::vector<std::string> parts = SplitTelegramHtml(" aaaaaaaa", 5);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "aaaaa");
  EXPECT_EQ(parts[1], "aaa");
}

TEST(TelegramFormatTest, BlankLinesAtPartEdgesAreDropped) {
  std::vector<std::string> parts = SplitTelegramHtml("aaaa\n\nbbbb\n\n", 6);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "aaaa");
  EXPECT_EQ(parts[1], "bbbb");
}

TEST(TelegramFormatTest, HugeSummaryIsSplitIntoValidParts) {
  CallMessage call = SeedCall();
  for (int i = 0; i < 3000; ++i) call.summary += "слово ";
  std::vector<std::string> parts = FormatTelegramMessages(call);
  ASSERT_EQ(parts.size(), 5u);
  for (const std::string& part : parts) {
    EXPECT_LE(Utf16Length(Visible(part)), kTelegramMaxTextUtf16);
    EXPECT_TRUE(Balanced(part));
  }
}

// The opening tags of `html`: the entities Telegram makes of our HTML when no bold or italic is
// nested in another (true of everything FormatTelegramHtml writes).
std::size_t OpeningTags(std::string_view html) {
  std::size_t count = 0;
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    if (i + 1 < html.size() && html[i + 1] != '/') ++count;
  }
  return count;
}

TEST(TelegramFormatTest, ManyShortSpeakerLinesAreSplitSoEveryPartKeepsItsFormatting) {
  // 150 lines with a bold speaker name each fit one message by length (about 3,300 units) but
  // not by entities: Telegram keeps 100 and drops the rest, so the later names lost their bold.
  CallMessage call = FullCall();
  call.transcript.clear();
  for (int i = 0; i < 150; ++i) {
    call.transcript.push_back(
        {.start_ms = i * 2000, .speaker = i % 2 ? "client" : "manager", .text = "да"});
  }
  std::string html = FormatTelegramHtml(call);
  ASSERT_LE(VisibleUtf16Length(html), kTelegramMaxTextUtf16);
  ASSERT_GT(OpeningTags(html), kTelegramMaxEntities);
  EXPECT_EQ(TelegramEntityCount(html), OpeningTags(html));
  std::vector<std::string> parts = FormatTelegramMessages(call);
  ASSERT_EQ(parts.size(), 2u);
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_LE(OpeningTags(parts[i]), kTelegramMaxEntities);
    EXPECT_LE(TelegramEntityCount(parts[i]), kTelegramMaxEntities);
    EXPECT_TRUE(Balanced(parts[i]));
    if (i > 0) {
      EXPECT_EQ(parts[i].rfind("<blockquote expandable>", 0), 0u);
      joined += '\n';
    }
    joined += Visible(parts[i]);
  }
  EXPECT_EQ(joined, Visible(html));
  // The first part is filled up to the limit, not cut early.
  EXPECT_EQ(OpeningTags(parts[0]), kTelegramMaxEntities);
}

TEST(TelegramFormatTest, EntityCountFollowsHowTelegramCutsNestedBoldAndItalic) {
  EXPECT_EQ(TelegramEntityCount("plain &amp; text"), 0u);
  EXPECT_EQ(TelegramEntityCount("<b>a</b> <i>b</i> <a href=\"https://x.ru\">c</a>"), 3u);
  EXPECT_EQ(TelegramEntityCount("<blockquote expandable><b>a</b> b</blockquote>"), 2u);
  // Telegram cuts the bold where the italic starts: bold "x", bold+italic "y", bold "z" are
  // three entities (two bold, one italic).
  EXPECT_EQ(TelegramEntityCount("<b>x<i>y</i>z</b>"), 3u);
  EXPECT_EQ(TelegramEntityCount("<b>x<i>y<u>z</u></i></b>"), 6u);
  // A link inside bold does not cut it: links are no splittable entity.
  EXPECT_EQ(TelegramEntityCount("<b>x<a href=\"https://x.ru\">y</a>z</b>"), 2u);
}

TEST(TelegramFormatTest, LinesAreSplitByEntitiesAsByLength) {
  std::vector<std::string> parts =
      SplitTelegramHtml("<b>a</b>\n<b>b</b> <i>c</i>\n<b>d</b>", 100, 2);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "<b>a</b>");
  EXPECT_EQ(parts[1], "<b>b</b> <i>c</i>");
  EXPECT_EQ(parts[2], "<b>d</b>");
}

TEST(TelegramFormatTest, ALineWithTooManyEntitiesIsCutAtASpace) {
  std::vector<std::string> parts = SplitTelegramHtml("<b>a</b> <b>b</b> <b>c</b>", 100, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "<b>a</b> <b>b</b> ");
  EXPECT_EQ(parts[1], "<b>c</b>");
}

TEST(TelegramFormatTest, TagsReopenedAtTheTopOfAPartCountTowardItsEntities) {
  std::string html = "<blockquote expandable><b>1</b>";
  for (int i = 2; i <= 7; ++i) html += "\n<b>" + std::to_string(i) + "</b>";
  html += "</blockquote>";
  std::vector<std::string> parts = SplitTelegramHtml(html, 100, 3);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "<blockquote expandable><b>1</b>\n<b>2</b></blockquote>");
  EXPECT_EQ(parts[1], "<blockquote expandable><b>3</b>\n<b>4</b></blockquote>");
  EXPECT_EQ(parts[2], "<blockquote expandable><b>5</b>\n<b>6</b></blockquote>");
  EXPECT_EQ(parts[3], "<blockquote expandable><b>7</b></blockquote>");
}

TEST(TelegramFormatTest, EscapeHtmlEscapesTheFourCharacters) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c'");
  EXPECT_EQ(EscapeHtml("ж😀"), "ж😀");
}

}  // namespace
}  // namespace callbrief::notify

namespace callbrief::notify {
namespace {

TEST(PlainTextFromHtmlTest, DropsTagsDecodesEntitiesAndShowsLinkTargets) {
  EXPECT_EQ(PlainTextFromHtml("<b>📞 Входящий звонок</b>\n• От: +7 &lt;скрыт&gt; &amp; Co"),
            "📞 Входящий звонок\n• От: +7 <скрыт> & Co");
  EXPECT_EQ(PlainTextFromHtml(R"(<a href="https://a.test/crm?x=1&amp;y=2">ООО «Ромашка»</a>)"),
            "ООО «Ромашка» (https://a.test/crm?x=1&y=2)");
  EXPECT_EQ(PlainTextFromHtml("<blockquote expandable>текст</blockquote>"), "текст");
}

}  // namespace
}  // namespace callbrief::notify
