#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/message.h"

namespace callbrief::notify {

// The rendering of one action item of a call as a Bitrix24 task (tasks.task.add). All pure.

// Bitrix24 documents no length limit for TITLE; a task list shows about a line of it. Longer texts
// are cut there and stay whole in the description.
inline constexpr std::size_t kMaxTaskTitleChars = 250;

// The title: the item's text as one clean line without a leading bullet (ListItemText), cut on a
// character boundary to at most kMaxTaskTitleChars characters, "…" included. "" when the item has
// no text.
std::string FormatTaskTitle(const Task& task);

// The description in BB-code: the item as the summary put it, in a [QUOTE]; who and when as said;
// the call it came from (header, date, numbers, operator, client with a link to the CRM item), its
// summary, and a link to the call page when PUBLIC_URL gives one. User text is escaped with
// bitrix::EscapeBbText. No marker: bitrix::BuildTaskDescription adds it.
std::string FormatTaskDescription(const CallMessage& message, const Task& task);

// The hour of the deadline on its day, in the call's display time zone: the end of a usual
// working day (a date alone names no hour).
inline constexpr int kTaskDeadlineHour = 18;

// DEADLINE for tasks.task.add ("2026-11-27T18:00:00+03:00") when `due` names a day: a date
// YYYY-MM-DD, or сегодня / завтра / послезавтра (today, tomorrow) counted from the call's day —
// `started_at_ms` seen `utc_offset_minutes` east of UTC, the zone the hour is given in too.
// "" when it names no day ("до пятницы", "на этой неделе"), names an impossible date, or a day
// before the call's (a model's slip: a task due before it was set is no deadline).
std::string TaskDeadline(std::string_view due, std::optional<std::int64_t> started_at_ms,
                         int utc_offset_minutes);

}  // namespace callbrief::notify
