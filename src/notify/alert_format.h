#pragma once

// The text of an alert (issue 17, item 3): one short Telegram message saying why a call needs a
// look now, what was said, and where to open it. Pure.

#include <cstdint>
#include <optional>
#include <string>

#include "notify/message.h"

namespace callbrief::notify {

// One reason to tell the team about a call at once (pipeline/alert_rules.h decides them).
struct Alert {
  std::string key{};  // Which rule fired, unique in the call: "tracker:5", "negative".
  std::string reason{};  // "Трекер «Конкуренты»", "Негативный тон разговора".
  std::string quote{};                  // What was said, or the summary's words; may be empty.
  std::string speaker{};                // Who said the quote ("manager", "client", "").
  std::optional<std::int64_t> at_ms{};  // Where in the recording the quote is.
};

// Quotes longer than this many characters are cut (with "…"): an alert is read at a glance.
inline constexpr std::size_t kAlertQuoteChars = 300;

// "🚨 <reason>", the quote in a blockquote with its speaker and time, the call's direction, client
// number, manager and date, and a link to the call page at the quote's time ("#t=SECONDS") when
// the call has a page URL (PUBLIC_URL). HTML parse mode; every string from `call` and `alert`
// cleaned and escaped; always far below Telegram's length limit.
std::string FormatAlertHtml(const CallMessage& call, const Alert& alert);

}  // namespace callbrief::notify
