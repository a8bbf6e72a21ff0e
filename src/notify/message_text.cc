#include "notify/message_text.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

namespace callbrief::notify {
namespace {

constexpr std::string_view kReplacement = "\uFFFD";

// The length of the valid UTF-8 sequence at text[i], or 0 when it is not one.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  std::uint32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string TrimBlankLines(std::string text) {
  // Trailing spaces of each line.
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
    out.append(line);
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  std::size_t first = out.find_first_not_of('\n');
  if (first == std::string::npos) return {};
  std::size_t last = out.find_last_not_of('\n');
  out = out.substr(first, last - first + 1);
  // Leading spaces of the first line too: a message never starts with blanks.
  std::size_t lead = out.find_first_not_of(' ');
  return lead == std::string::npos ? std::string() : out.substr(lead);
}

}  // namespace

std::string FormatDuration(int seconds) {
  if (seconds < 0) seconds = 0;
  int hours = seconds / 3600;
  int minutes = seconds % 3600 / 60;
  int secs = seconds % 60;
  if (hours > 0) return fmt::format("{}ч {}м {}с", hours, minutes, secs);
  if (minutes > 0) return fmt::format("{}м {}с", minutes, secs);
  return fmt::format("{}с", secs);
}

std::string FormatOffset(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::int64_t total = ms / 1000;
  std::int64_t hours = total / 3600;
  if (hours > 0) return fmt::format("{}:{:02}:{:02}", hours, total % 3600 / 60, total % 60);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

std::string FormatStartedAt(std::int64_t unix_ms, int utc_offset_minutes) {
  using namespace std::chrono;
  sys_seconds local{seconds(unix_ms / 1000 + std::int64_t{utc_offset_minutes} * 60)};
  auto day = floor<days>(local);
  year_month_day date{day};
  hh_mm_ss time{local - day};
  return fmt::format("{:02}.{:02}.{:04} {:02}:{:02}", static_cast<unsigned>(date.day()),
                     static_cast<unsigned>(date.month()), static_cast<int>(date.year()),
                     time.hours().count(), time.minutes().count());
}

std::string_view CallHeader(Direction direction) {
  switch (direction) {
    case Direction::kIncoming:
      return "📞 Входящий звонок";
    case Direction::kOutgoing:
      return "📞 Исходящий звонок";
    case Direction::kUnknown:
      break;
  }
  return "📞 Звонок";
}

std::string SpeakerLabel(std::string_view speaker) {
  if (speaker == "manager") return "Менеджер";
  if (speaker == "client") return "Клиент";
  return CleanLine(speaker);
}

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    char c = text[i];
    if (n == 1 && static_cast<unsigned char>(c) < 0x20) {
      if (c == '\r') {
        out += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else if (c == '\n') {
        out += '\n';
      } else if (c == '\t') {
        out += ' ';
      }
    } else if (n == 1 && c == 0x7F) {
      // DEL: dropped like the other control characters.
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return TrimBlankLines(std::move(out));
}

std::string CleanLine(std::string_view text) {
  std::string clean = CleanText(text);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    if (c == '\n') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string ListItemText(std::string_view text) {
  std::string item = CleanLine(text);
  for (std::string_view bullet : {"• ", "- ", "* ", "– ", "— "}) {
    if (item.rfind(bullet, 0) == 0) return item.substr(bullet.size());
  }
  return item;
}

std::string TaskText(const Task& task) {
  std::string text = ListItemText(task.text);
  if (text.empty()) return text;
  std::string owner = CleanLine(task.owner);
  std::string due = CleanLine(task.due);
  if (!owner.empty() && !due.empty()) return fmt::format("{} — {}, {}", text, owner, due);
  if (!owner.empty() || !due.empty()) return fmt::format("{} — {}", text, owner + due);
  return text;
}

bool IsHttpUrl(std::string_view url) {
  std::size_t scheme = url.rfind("https://", 0) == 0 ? 8 : url.rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0 || url.size() == scheme) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

std::size_t Utf16Length(std::string_view utf8) {
  std::size_t units = 0;
  for (char ch : utf8) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // Continuation byte.
    units += c >= 0xF0 ? 2 : 1;        // Four-byte sequences are outside the BMP: a pair.
  }
  return units;
}

std::string FormatTranscriptText(const CallMessage& message) {
  if (message.transcript.empty()) return {};
  std::string out(CallHeader(message.direction));
  std::string from = CleanLine(message.from_number);
  std::string to = CleanLine(message.to_number);
  out += fmt::format("\nОт: {}\nКому: {}\n", from.empty() ? "—" : from, to.empty() ? "—" : to);
  if (message.started_at_ms) {
    out += fmt::format("Дата: {}\n",
                       FormatStartedAt(*message.started_at_ms, message.utc_offset_minutes));
  }
  if (message.duration_seconds) {
    out += fmt::format("Длительность: {}\n", FormatDuration(*message.duration_seconds));
  }
  out += '\n';
  for (const TranscriptLine& line : message.transcript) {
    std::string text = CleanLine(line.text);
    if (text.empty()) continue;
    std::string speaker = SpeakerLabel(line.speaker);
    out += fmt::format("[{}] ", FormatOffset(line.start_ms));
    if (!speaker.empty()) out += speaker + ": ";
    out += text + '\n';
  }
  return out;
}

std::string ConversationFiguresText(const ConversationFigures& figures) {
  std::vector<std::string> parts;
  if (figures.talk_share_manager) {
    // Gong's benchmark for the seller's share, as on the call page (docs/analytics.md).
    parts.push_back(fmt::format("речь менеджера {} % (ориентир 43 %)",
                                std::lround(*figures.talk_share_manager * 100)));
  }
  if (figures.score) parts.push_back(fmt::format("оценка {}/100", *figures.score));
  if (!figures.failed_critical.empty()) {
    std::string failed;
    for (const std::string& question : figures.failed_critical) {
      failed += (failed.empty() ? "" : "; ") + CleanLine(question);
    }
    parts.push_back("не выполнено: " + failed);
  }
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : " · ") + part;
  return text;
}

std::string TranscriptFileName(const CallMessage& message) {
  std::string id;
  for (char c : message.call_id) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
    id += safe ? c : '_';
  }
  if (id.empty()) id = "call";
  return "transcript_" + id + ".txt";
}

}  // namespace callbrief::notify
