#include "notify/task_format.h"

#include <gtest/gtest.h>

namespace callbrief::notify {
namespace {

// 2026-11-24 12:03 in Moscow (09:03 UTC).
constexpr std::int64_t kStartedAtMs = 1795510980000;

CallMessage Message() {
  return {.call_id = "X.1",
          .direction = Direction::kIncoming,
          .from_number = "+79161234567",
          .to_number = "reg133788",
          .started_at_ms = kStartedAtMs,
          .manager_name = "Анна Смирнова",
          .client_name = "ООО [Ромашка]",
          .client_url = "https://portal.bitrix24.ru/crm/contact/details/15/",
          .call_url = "https://calls.example.com/calls/X.1",
          .summary = "Клиент просит КП до пятницы."};
}

TEST(FormatTaskTitleTest, IsTheItemAsOneLineWithoutABullet) {
  EXPECT_EQ(FormatTaskTitle({.text = "• Отправить КП\nклиенту"}), "Отправить КП клиенту");
  EXPECT_EQ(FormatTaskTitle({.text = "  "}), "");
}

TEST(FormatTaskTitleTest, ALongTitleIsCutOnACharacterWithAnEllipsis) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "ж";
  std::string title = FormatTaskTitle({.text = text});
  std::string expected;
  for (std::size_t i = 0; i + 1 < kMaxTaskTitleChars; ++i) expected += "ж";
  EXPECT_EQ(title, expected + "…");
  std::string exact;
  for (std::size_t i = 0; i < kMaxTaskTitleChars; ++i) exact += "ж";
  EXPECT_EQ(FormatTaskTitle({.text = exact}), exact);
}

TEST(FormatTaskDescriptionTest, QuotesTheItemAndDescribesTheCallWithLinks) {
  std::string description = FormatTaskDescription(
      Message(), {.text = "Отправить КП", .owner = "менеджер", .due = "до пятницы"});
  EXPECT_EQ(description,
            "[QUOTE]Отправить КП[/QUOTE]\n"
            "Кто: менеджер\n"
            "Срок: до пятницы\n"
            "\n"
            "[B]📞 Входящий звонок[/B]\n"
            "• Дата: 24.11.2026 12:03\n"
            "• От: +79161234567\n"
            "• Кому: reg133788\n"
            "• Менеджер: Анна Смирнова\n"
            "• Клиент: [URL=https://portal.bitrix24.ru/crm/contact/details/15/]ООО ［Ромашка］"
            "[/URL]\n"
            "\n"
            "[B]📝 Саммари:[/B]\n"
            "Клиент просит КП до пятницы.\n"
            "\n"
            "🔗 [URL=https://calls.example.com/calls/X.1]Открыть звонок в callbrief[/URL]");
}

TEST(FormatTaskDescriptionTest, UserTextCannotInjectMarkup) {
  std::string description =
      FormatTaskDescription({}, {.text = "[/QUOTE][URL=https://evil.example]x[/URL]"});
  EXPECT_EQ(description.find("[URL"), std::string::npos) << description;
  EXPECT_EQ(description.rfind("[/QUOTE]"), description.find("[/QUOTE]")) << description;
}

TEST(FormatTaskDescriptionTest, LeavesOutWhatTheCallDoesNotKnow) {
  EXPECT_EQ(FormatTaskDescription({}, {.text = "Позвонить"}),
            "[QUOTE]Позвонить[/QUOTE]\n\n[B]📞 Звонок[/B]");
}

TEST(TaskDeadlineTest, ADayIsNamedAtTheEndOfTheWorkingDayInTheCallsZone) {
  struct Case {
    std::string due;
    std::string deadline;
  };
  const Case cases[] = {
      {"2026-11-27", "2026-11-27T18:00:00+03:00"},
      {" 2026-11-24 ", "2026-11-24T18:00:00+03:00"},  // The call's own day.
      {"сегодня", "2026-11-24T18:00:00+03:00"},
      {"Завтра", "2026-11-25T18:00:00+03:00"},
      {"послезавтра", "2026-11-26T18:00:00+03:00"},
      {"tomorrow", "2026-11-25T18:00:00+03:00"},
      {"до пятницы", ""},
      {"на следующей неделе", ""},
      {"2026-02-30", ""},  // No such day.
      {"2026-11-23", ""},  // Before the call.
      {"27.11.2026", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TaskDeadline(c.due, kStartedAtMs, 180), c.deadline) << c.due;
  }
}

TEST(TaskDeadlineTest, TheZoneDecidesTheCallsDayAndTheOffset) {
  // 2026-11-24 23:30 UTC is already the 25th in Moscow.
  const std::int64_t late = 1795563000000;
  EXPECT_EQ(TaskDeadline("завтра", late, 180), "2026-11-26T18:00:00+03:00");
  EXPECT_EQ(TaskDeadline("завтра", late, 0), "2026-11-25T18:00:00+00:00");
  EXPECT_EQ(TaskDeadline("2026-11-27", late, -330), "2026-11-27T18:00:00-05:30");
}

TEST(TaskDeadlineTest, ARelativeDayNeedsTheCallsDate) {
  EXPECT_EQ(TaskDeadline("завтра", std::nullopt, 180), "");
  EXPECT_EQ(TaskDeadline("2026-11-27", std::nullopt, 180), "2026-11-27T18:00:00+03:00");
}

}  // namespace
}  // namespace callbrief::notify
