#include "notify/message_text.h"

#include <gtest/gtest.h>

#include "notify/test_fixtures.h"

namespace callbrief::notify {
namespace {

TEST(MessageTextTest, FormatDuration) {
  struct Case {
    int seconds;
    std::string text;
  };
  for (const Case& c : {Case{-5, "0с"}, Case{0, "0с"}, Case{11, "11с"}, Case{59, "59с"},
                        Case{60, "1м 0с"}, Case{135, "2м 15с"}, Case{3599, "59м 59с"},
                        Case{3600, "1ч 0м 0с"}, Case{3725, "1ч 2м 5с"}, Case{90061, "25ч 1м 1с"}}) {
    EXPECT_EQ(FormatDuration(c.seconds), c.text) << c.seconds;
  }
}

TEST(MessageTextTest, FormatOffset) {
  EXPECT_EQ(FormatOffset(-1), "00:00");
  EXPECT_EQ(FormatOffset(999), "00:00");
  EXPECT_EQ(FormatOffset(12'500), "00:12");
  EXPECT_EQ(FormatOffset(3'599'999), "59:59");
  EXPECT_EQ(FormatOffset(3'723'000), "1:02:03");
}

TEST(MessageTextTest, FormatStartedAtAppliesTheOffset) {
  const std::int64_t t = 1795510980000;  // 2026-11-24 09:03:00 UTC.
  EXPECT_EQ(FormatStartedAt(t, 180), "24.11.2026 12:03");
  EXPECT_EQ(FormatStartedAt(t, 0), "24.11.2026 09:03");
  EXPECT_EQ(FormatStartedAt(t, 15 * 60), "25.11.2026 00:03");
  EXPECT_EQ(FormatStartedAt(t, -600), "23.11.2026 23:03");
}

TEST(MessageTextTest, SpeakerLabel) {
  EXPECT_EQ(SpeakerLabel("manager"), "Менеджер");
  EXPECT_EQ(SpeakerLabel("client"), "Клиент");
  EXPECT_EQ(SpeakerLabel("Speaker 2\n"), "Speaker 2");
  EXPECT_EQ(SpeakerLabel(""), "");
}

TEST(MessageTextTest, CleanText) {
  struct Case {
    std::string in;
    std::string out;
  };
  for (const Case& c : {Case{"", ""}, Case{"  \n\n", ""}, Case{"\n  a  \n\n b \n", "a\n\n b"},
                        Case{"a\r\nb\rc", "a\nb\nc"}, Case{"a\tb\x01\x7f", "a b"},
                        Case{"\xC0\x80x", "\uFFFD\uFFFDx"},
                        Case{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"}, Case{"ok ж 😀", "ok ж 😀"}}) {
    EXPECT_EQ(CleanText(c.in), c.out) << c.in;
  }
}

TEST(MessageTextTest, CleanLineCollapsesBreaksAndSpaces) {
  EXPECT_EQ(CleanLine("  a \n\n b\t\tc  "), "a b c");
}

TEST(MessageTextTest, ListItemTextDropsOneBullet) {
  EXPECT_EQ(ListItemText("• a"), "a");
  EXPECT_EQ(ListItemText("- b"), "b");
  EXPECT_EQ(ListItemText("-c"), "-c");
  EXPECT_EQ(ListItemText(" — d "), "d");
}

TEST(MessageTextTest, TaskText) {
  EXPECT_EQ(TaskText({.text = "a", .owner = "Анна", .due = "завтра"}), "a — Анна, завтра");
  EXPECT_EQ(TaskText({.text = "a", .owner = "Анна"}), "a — Анна");
  EXPECT_EQ(TaskText({.text = "a", .due = "завтра"}), "a — завтра");
  EXPECT_EQ(TaskText({.text = " ", .owner = "Анна"}), "");
}

TEST(MessageTextTest, IsHttpUrl) {
  EXPECT_TRUE(IsHttpUrl("https://a.ru/x?y=1"));
  EXPECT_TRUE(IsHttpUrl("http://127.0.0.1:8080/calls/1"));
  EXPECT_FALSE(IsHttpUrl("https://"));
  EXPECT_FALSE(IsHttpUrl("https://a b"));
  EXPECT_FALSE(IsHttpUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsHttpUrl(""));
}

TEST(MessageTextTest, Utf16Length) {
  EXPECT_EQ(Utf16Length(""), 0u);
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("жж"), 2u);
  EXPECT_EQ(Utf16Length("😀"), 2u);
  EXPECT_EQ(Utf16Length("➡️"), 2u);  // U+27A1 U+FE0F.
}

TEST(MessageTextTest, TranscriptTextListsEveryLine) {
  CallMessage call = testing::FullCall();
  EXPECT_EQ(FormatTranscriptText(call),
            "📞 Исходящий звонок\n"
            "От: +74950000001\n"
            "Кому: +79161234567\n"
            "Дата: 24.11.2026 12:03\n"
            "Длительность: 1ч 2м 5с\n"
            "\n"
            "[00:00] Менеджер: Добрый день, компания «Чисто».\n"
            "[00:04] Клиент: У нас в подъезде <грязно>!\n"
            "[1:00:01] Спасибо, до свидания.\n");
  call.transcript.clear();
  EXPECT_EQ(FormatTranscriptText(call), "");
}

TEST(MessageTextTest, TranscriptFileNameIsSafe) {
  EXPECT_EQ(TranscriptFileName({.call_id = "5E31.177.87"}), "transcript_5E31.177.87.txt");
  EXPECT_EQ(TranscriptFileName({.call_id = "../x y"}), "transcript_.._x_y.txt");
  EXPECT_EQ(TranscriptFileName({}), "transcript_call.txt");
}

}  // namespace
}  // namespace callbrief::notify
