#include "notify/alert_format.h"

#include <gtest/gtest.h>

#include "notify/telegram_format.h"

namespace callbrief::notify {
namespace {

CallMessage Call() {
  return {.call_id = "ext-1",
          .direction = Direction::kIncoming,
          .from_number = "+79035550123",
          .to_number = "+74951234500",
          .started_at_ms = 1'764'000'000'000,  // 2025-11-24 16:00 UTC.
          .utc_offset_minutes = 180,
          .manager_name = "Андрей Козлов",
          .call_url = "https://calls.example.com/calls/42"};
}

TEST(AlertFormatTest, SaysWhyQuotesWhoSaidWhatWhenAndLinksToThatMoment) {
  const std::string html =
      FormatAlertHtml(Call(), {.key = "tracker:5",
                               .reason = "Трекер «Отказ»",
                               .quote = "Если завтра не привезёте, я отменю заказ.",
                               .speaker = "client",
                               .at_ms = 30'000});
  EXPECT_EQ(html,
            "🚨 <b>Трекер «Отказ»</b>\n"
            "<blockquote>Если завтра не привезёте, я отменю заказ.</blockquote>\n"
            "<i>Клиент, 00:30</i>\n"
            "📞 Входящий звонок · +79035550123 · Андрей Козлов · 24.11.2025 19:00\n"
            "🔗 <a href=\"https://calls.example.com/calls/42#t=30\">Открыть звонок</a>");
}

TEST(AlertFormatTest, TheClientOfAnOutgoingCallIsTheNumberCalled) {
  CallMessage call = Call();
  call.direction = Direction::kOutgoing;
  call.from_number = "+74951234500";
  call.to_number = "+79161234567";
  const std::string html = FormatAlertHtml(call, {.key = "negative", .reason = "Негативный тон"});
  EXPECT_NE(html.find("📞 Исходящий звонок · +79161234567 ·"), std::string::npos) << html;
  EXPECT_EQ(html.find("<blockquote>"), std::string::npos);  // Nothing to quote.
  EXPECT_NE(html.find("calls/42\">"), std::string::npos);   // No time: the page's top.
}

TEST(AlertFormatTest, EverythingFromOutsideIsEscapedAndALongQuoteIsCut) {
  CallMessage call = Call();
  call.manager_name = "<b>Иван</b>";
  std::string quote;
  for (int i = 0; i < 100; ++i) quote += "<ж&> ";
  const std::string html =
      FormatAlertHtml(call, {.key = "k", .reason = "a <i>b</i>", .quote = quote, .at_ms = 0});
  EXPECT_EQ(html.find("<b>Иван"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;b&gt;Иван&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &lt;i&gt;b&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(html.find("…</blockquote>"), std::string::npos);
  EXPECT_LT(VisibleUtf16Length(html), 1000u);
}

TEST(AlertFormatTest, ALinkTelegramWouldDropIsShownAsText) {
  CallMessage call = Call();
  call.call_url = "http://localhost:8080/calls/42";
  const std::string html = FormatAlertHtml(call, {.key = "k", .reason = "r", .at_ms = 1500});
  EXPECT_NE(html.find("🔗 Открыть звонок: http://localhost:8080/calls/42#t=1.5"), std::string::npos)
      << html;
  call.call_url = "";
  EXPECT_EQ(FormatAlertHtml(call, {.key = "k", .reason = "r"}).find("🔗"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::notify
