#include "notify/task_format.h"

#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "bitrix/bbcode.h"
#include "notify/message_text.h"

namespace callbrief::notify {
namespace {

using bitrix::EscapeBbText;

// The first `count` characters (code points) of valid UTF-8 `text`, or all of it.
std::string_view FirstChars(std::string_view text, std::size_t count, bool* cut) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == count) {
      *cut = true;
      return text.substr(0, i);
    }
  }
  *cut = false;
  return text;
}

std::string FormatOffsetSuffix(int utc_offset_minutes) {
  int minutes = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  return fmt::format("{}{:02}:{:02}", utc_offset_minutes < 0 ? '-' : '+', minutes / 60,
                     minutes % 60);
}

std::optional<std::chrono::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  std::size_t spans[3][2] = {{0, 4}, {5, 7}, {8, 10}};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = spans[p][0]; i < spans[p][1]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  std::chrono::year_month_day date{std::chrono::year(parts[0]),
                                   std::chrono::month(static_cast<unsigned>(parts[1])),
                                   std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!date.ok()) return std::nullopt;
  return date;
}

// How many days after the call's day a word names, as a model writes it.
std::optional<int> RelativeDays(std::string_view word) {
  static constexpr std::pair<std::string_view, int> kWords[] = {
      {"сегодня", 0},     {"Сегодня", 0}, {"завтра", 1}, {"Завтра", 1},   {"послезавтра", 2},
      {"Послезавтра", 2}, {"today", 0},   {"Today", 0},  {"tomorrow", 1}, {"Tomorrow", 1},
  };
  for (const auto& [text, days] : kWords) {
    if (word == text) return days;
  }
  return std::nullopt;
}

void AddCall(std::string& out, const CallMessage& m) {
  out += bitrix::FormatBbBold(CallHeader(m.direction));
  out += '\n';
  if (m.started_at_ms) {
    out += "• Дата: " + FormatStartedAt(*m.started_at_ms, m.utc_offset_minutes) + "\n";
  }
  if (std::string from = CleanLine(m.from_number); !from.empty()) {
    out += "• От: " + EscapeBbText(from) + "\n";
  }
  if (std::string to = CleanLine(m.to_number); !to.empty()) {
    out += "• Кому: " + EscapeBbText(to) + "\n";
  }
  if (std::string manager = CleanLine(m.manager_name); !manager.empty()) {
    out += "• Менеджер: " + EscapeBbText(manager) + "\n";
  }
  std::string client = CleanLine(m.client_name);
  if (IsHttpUrl(m.client_url)) {
    out +=
        "• Клиент: " + bitrix::FormatBbLink(m.client_url, client.empty() ? "в CRM" : client) + "\n";
  } else if (!client.empty()) {
    out += "• Клиент: " + EscapeBbText(client) + "\n";
  }
}

}  // namespace

std::string FormatTaskTitle(const Task& task) {
  std::string text = ListItemText(task.text);
  bool cut = false;
  std::string_view kept = FirstChars(text, kMaxTaskTitleChars, &cut);
  if (!cut) return text;
  kept = FirstChars(text, kMaxTaskTitleChars - 1, &cut);
  while (!kept.empty() && kept.back() == ' ') kept.remove_suffix(1);
  return std::string(kept) + "…";
}

std::string FormatTaskDescription(const CallMessage& m, const Task& task) {
  std::string out = "[QUOTE]" + EscapeBbText(CleanText(task.text)) + "[/QUOTE]\n";
  if (std::string owner = CleanLine(task.owner); !owner.empty()) {
    out += "Кто: " + EscapeBbText(owner) + "\n";
  }
  if (std::string due = CleanLine(task.due); !due.empty()) {
    out += "Срок: " + EscapeBbText(due) + "\n";
  }
  out += "\n";
  AddCall(out, m);
  if (std::string summary = CleanText(m.summary); !summary.empty()) {
    out += "\n" + bitrix::FormatBbBold("📝 Саммари:") + "\n" + EscapeBbText(summary) + "\n";
  }
  if (IsHttpUrl(m.call_url)) {
    out += "\n🔗 " + bitrix::FormatBbLink(m.call_url, "Открыть звонок в callbrief") + "\n";
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string TaskDeadline(std::string_view due, std::optional<std::int64_t> started_at_ms,
                         int utc_offset_minutes) {
  using namespace std::chrono;
  const std::string word = CleanLine(due);
  std::optional<sys_days> call_day;
  if (started_at_ms) {
    call_day = floor<days>(
        sys_seconds{seconds(*started_at_ms / 1000 + std::int64_t{utc_offset_minutes} * 60)});
  }
  std::optional<sys_days> day;
  if (auto date = ParseDate(word)) {
    day = sys_days(*date);
  } else if (auto after = RelativeDays(word); after && call_day) {
    day = *call_day + days(*after);
  }
  if (!day || (call_day && *day < *call_day)) return "";
  year_month_day date{*day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:00:00{}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     kTaskDeadlineHour, FormatOffsetSuffix(utc_offset_minutes));
}

}  // namespace callbrief::notify
