#include "notify/timeline_format.h"

#include <gtest/gtest.h>

#include "notify/golden_test_support.h"
#include "notify/test_fixtures.h"

namespace callbrief::notify {
namespace {

using testing::ExpectGolden;
using testing::FullCall;
using testing::SeedCall;

TEST(TimelineFormatTest, SeedCallIsTheSeedTextWithBoldHeadings) {
  EXPECT_EQ(FormatTimelineComment(SeedCall()),
            "[B]📞 Входящий звонок[/B]\n"
            "\n"
            "[B]📋 Информация:[/B]\n"
            "• От: +79001234567\n"
            "• Кому: +79009876543\n"
            "• Длительность: 2м 15с\n"
            "\n"
            "[B]📝 Саммари:[/B]\n"
            "Клиент звонил по поводу уборки в подъезде...\n"
            "\n"
            "[B]🎯 Ключевые пункты:[/B]\n"
            "• Жалоба на качество уборки\n"
            "• Просьба о дополнительной уборке\n"
            "• Согласование времени\n"
            "\n"
            "[B]✅ Задачи:[/B]\n"
            "• Назначить дополнительную уборку на пятницу\n"
            "• Связаться с бригадой\n"
            "• Перезвонить клиенту для подтверждения\n"
            "\n"
            "[B]💬 Запрос клиента:[/B]\n"
            "Улучшить качество уборки в подъезде\n"
            "\n"
            "[B]➡️ Следующие шаги:[/B]\n"
            "Организовать встречу с клиентом, провести проверку\n"
            "\n"
            "[B]📊 Тон разговора:[/B] negative");
}

TEST(TimelineFormatTest, TheAnalyticsLineFollowsTheTone) {
  CallMessage call = SeedCall();
  call.figures = ConversationFigures{.talk_share_manager = 0.43};
  const std::string with = FormatTimelineComment(call);
  EXPECT_EQ(with, FormatTimelineComment(SeedCall()) +
                      "\n[B]📈 Разговор:[/B] речь менеджера 43 % (ориентир 43 %)");
}

TEST(TimelineFormatTest, FullCallMatchesGolden) {
  ExpectGolden("full_call.timeline.bbcode", FormatTimelineComment(FullCall()));
}

TEST(TimelineFormatTest, UserTextCannotProduceMarkup) {
  CallMessage call = SeedCall();
  call.summary = "[URL=https://evil]x[/URL] <b>y</b>";
  call.manager_name = "[B]boss[/B]";
  call.transcript = {{.start_ms = 0, .speaker = "[I]", .text = "[QUOTE]z"}};
  std::string bb = FormatTimelineComment(call);
  EXPECT_EQ(bb.find("[URL=https://evil]"), std::string::npos);
  EXPECT_EQ(bb.find("<b>"), std::string::npos);
  EXPECT_EQ(bb.find("[B]boss"), std::string::npos);
  EXPECT_EQ(bb.find("[QUOTE]z"), std::string::npos);
  EXPECT_NE(bb.find("［URL=https://evil］x［/URL］ ＜b＞y＜/b＞"), std::string::npos);
}

TEST(TimelineFormatTest, LinkTargetsCannotCloseTheTag) {
  CallMessage call = SeedCall();
  call.call_url = "https://calls.example.ru/calls/1]x[/URL][B]";
  std::string bb = FormatTimelineComment(call);
  EXPECT_NE(bb.find("[URL=https://calls.example.ru/calls/1%5Dx%5B/URL%5D%5BB%5D]"),
            std::string::npos);
}

TEST(TimelineFormatTest, LongTranscriptIsQuotedShortWithALinkToTheCallPage) {
  CallMessage call = FullCall();
  call.transcript.clear();
  for (int i = 0; i < 200; ++i) {
    call.transcript.push_back({.start_ms = i * 1000, .speaker = "client", .text = "реплика"});
  }
  std::string bb = FormatTimelineComment(call);
  std::size_t open = bb.find("[QUOTE]");
  std::size_t close = bb.find("[/QUOTE]");
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  EXPECT_LE(close - open, kTimelineTranscriptExcerptBytes + 20);
  EXPECT_NE(bb.find("[B]📜 Расшифровка (начало):[/B]"), std::string::npos);
  EXPECT_NE(bb.find("\n…[/QUOTE]\nПолностью: [URL=https://calls.example.ru/calls/17]страница "
                    "звонка[/URL]"),
            std::string::npos);
}

TEST(TimelineFormatTest, ShortTranscriptIsQuotedWhole) {
  std::string bb = FormatTimelineComment(FullCall());
  EXPECT_NE(bb.find("[B]📜 Расшифровка:[/B]\n[QUOTE]00:00 Менеджер: Добрый день, компания "
                    "«Чисто».\n00:04 Клиент: У нас в подъезде ＜грязно＞!\n1:00:01 Спасибо, до "
                    "свидания.[/QUOTE]"),
            std::string::npos);
  EXPECT_EQ(bb.find("Полностью:"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::notify
