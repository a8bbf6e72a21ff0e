#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "notify/message.h"

namespace callbrief::notify {

// Text helpers shared by the Telegram and Bitrix24 renderings of a CallMessage. All pure.

// "45с", "2м 15с", "1ч 0м 5с": the largest unit first, every smaller one shown once a larger one
// is. Negative durations are "0с".
std::string FormatDuration(int seconds);

// A position in the recording: "00:12", "59:59", "1:02:03".
std::string FormatOffset(std::int64_t ms);

// "24.11.2026 12:03" in the time zone `utc_offset_minutes` east of UTC.
std::string FormatStartedAt(std::int64_t unix_ms, int utc_offset_minutes);

// "📞 Входящий звонок", "📞 Исходящий звонок", or "📞 Звонок" when the direction is unknown.
std::string_view CallHeader(Direction direction);

// "Менеджер" for "manager", "Клиент" for "client", anything else as given.
std::string SpeakerLabel(std::string_view speaker);

// `text` made safe to show: invalid UTF-8 replaced by U+FFFD, CR LF and lone CR made LF, tabs made
// spaces, other control characters removed, blank lines at either end and trailing spaces on each
// line dropped.
std::string CleanText(std::string_view text);
// CleanText, then every line break and run of spaces collapsed to one space: for names, numbers
// and list items that must stay on one line.
std::string CleanLine(std::string_view text);

// A list item as one clean line, without the bullet ("• ", "- ", "* ", "– ", "— ") a model may
// have put in front of it.
std::string ListItemText(std::string_view text);

// "Назначить уборку — Иван, до пятницы": the task's text, then owner and due when given; "" when
// the task has no text.
std::string TaskText(const Task& task);

// Whether `url` is an absolute http(s) URL without whitespace or control characters, fit to be a
// link target.
bool IsHttpUrl(std::string_view url);

// Length in UTF-16 code units of valid UTF-8 (what Telegram counts).
std::size_t Utf16Length(std::string_view utf8);

// The transcript as a plain-text document: a heading with the call's facts, a blank line, then
// "[00:12] Менеджер: text" per line. Empty when the message has no transcript.
std::string FormatTranscriptText(const CallMessage& message);

// The analytics line's text after its label: "речь менеджера 62 % (ориентир 43 %) · оценка
// 78/100 · не выполнено: <question>; <question>"; "" when the figures have nothing to show (then
// no line is added).
std::string ConversationFiguresText(const ConversationFigures& figures);
inline constexpr std::string_view kConversationLabel = "📈 Разговор:";

// A file name for that document: "transcript_<call id>.txt", the id reduced to [A-Za-z0-9._-].
std::string TranscriptFileName(const CallMessage& message);

}  // namespace callbrief::notify
