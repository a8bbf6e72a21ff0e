#include "notify/alert_format.h"

#include <fmt/format.h>

#include "notify/message_text.h"
#include "notify/telegram_format.h"

namespace callbrief::notify {
namespace {

// At most `chars` code points of clean one-line text, "…" where it was cut.
std::string Shortened(std::string_view text, std::size_t chars) {
  std::string line = CleanLine(text);
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (count++ == chars) return line.substr(0, i) + "…";
  }
  return line;
}

// Seconds as the call page's "#t=" reads them: "30", "2.5", "0.125".
std::string SecondsText(std::int64_t ms) {
  std::string text = fmt::format("{}.{:03}", ms / 1000, ms % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string FormatAlertHtml(const CallMessage& call, const Alert& alert) {
  std::string html = fmt::format("🚨 <b>{}</b>\n", EscapeHtml(CleanLine(alert.reason)));
  if (const std::string quote = Shortened(alert.quote, kAlertQuoteChars); !quote.empty()) {
    std::string who;
    if (!alert.speaker.empty()) who = SpeakerLabel(alert.speaker);
    if (alert.at_ms) who += (who.empty() ? "" : ", ") + FormatOffset(*alert.at_ms);
    html += fmt::format("<blockquote>{}</blockquote>\n", EscapeHtml(quote));
    if (!who.empty()) html += fmt::format("<i>{}</i>\n", EscapeHtml(who));
  }
  std::string facts(CallHeader(call.direction));
  const std::string& client =
      call.direction == Direction::kOutgoing ? call.to_number : call.from_number;
  if (!client.empty()) facts += " · " + CleanLine(client);
  if (!call.manager_name.empty()) facts += " · " + CleanLine(call.manager_name);
  if (call.started_at_ms) {
    facts += " · " + FormatStartedAt(*call.started_at_ms, call.utc_offset_minutes);
  }
  html += EscapeHtml(facts) + "\n";
  if (IsHttpUrl(call.call_url)) {
    // Seconds, as the call page reads them ("#t=12.5"): it opens at the quoted line.
    std::string url = call.call_url;
    if (alert.at_ms && *alert.at_ms >= 0) url += "#t=" + SecondsText(*alert.at_ms);
    if (TelegramKeepsLink(url)) {
      html += fmt::format("🔗 <a href=\"{}\">Открыть звонок</a>", EscapeHtml(url));
    } else {
      html += fmt::format("🔗 Открыть звонок: {}", EscapeHtml(url));
    }
  }
  while (!html.empty() && html.back() == '\n') html.pop_back();
  return html;
}

}  // namespace callbrief::notify
