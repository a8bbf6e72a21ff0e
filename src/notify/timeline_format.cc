#include "notify/timeline_format.h"

#include <string_view>
#include <vector>

#include "bitrix/bbcode.h"
#include "notify/message_text.h"

namespace callbrief::notify {
namespace {

using bitrix::EscapeBbText;

std::string BbLink(std::string_view url, std::string_view text) {
  return bitrix::FormatBbLink(url, text);
}

class BbText {
 public:
  void Line(std::string_view bb) {
    out_.append(bb);
    out_ += '\n';
  }
  void Blank() { out_ += '\n'; }
  void Heading(std::string_view label) { Line(bitrix::FormatBbBold(label)); }
  void Section(std::string_view label, std::string_view text) {
    std::string clean = CleanText(text);
    if (clean.empty()) return;
    Blank();
    Heading(label);
    Line(EscapeBbText(clean));
  }
  void List(std::string_view label, const std::vector<std::string>& items) {
    if (items.empty()) return;
    Blank();
    Heading(label);
    for (const std::string& item : items) Line("• " + EscapeBbText(item));
  }
  std::string Take() {
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
};

void AddInformation(BbText& bb, const CallMessage& m) {
  auto or_dash = [](std::string value) { return value.empty() ? std::string("—") : value; };
  bb.Blank();
  bb.Heading("📋 Информация:");
  bb.Line("• От: " + EscapeBbText(or_dash(CleanLine(m.from_number))));
  bb.Line("• Кому: " + EscapeBbText(or_dash(CleanLine(m.to_number))));
  if (m.duration_seconds) bb.Line("• Длительность: " + FormatDuration(*m.duration_seconds));
  if (m.started_at_ms) {
    bb.Line("• Дата: " + FormatStartedAt(*m.started_at_ms, m.utc_offset_minutes));
  }
  if (std::string manager = CleanLine(m.manager_name); !manager.empty()) {
    bb.Line("• Менеджер: " + EscapeBbText(manager));
  }
  // The comment sits on the client's own timeline: the name is enough, no link back to it.
  if (std::string client = CleanLine(m.client_name); !client.empty()) {
    bb.Line("• Клиент: " + EscapeBbText(client));
  }
  if (std::string kind = CleanLine(m.call_kind); !kind.empty()) {
    bb.Line("• Тип звонка: " + EscapeBbText(kind));
  }
}

void AddTranscriptExcerpt(BbText& bb, const CallMessage& m) {
  std::string quoted;
  bool shortened = false;
  for (const TranscriptLine& line : m.transcript) {
    std::string text = CleanLine(line.text);
    if (text.empty()) continue;
    std::string speaker = SpeakerLabel(line.speaker);
    std::string out = FormatOffset(line.start_ms) + " ";
    if (!speaker.empty()) out += speaker + ": ";
    out += text;
    if (!quoted.empty() && quoted.size() + 1 + out.size() > kTimelineTranscriptExcerptBytes) {
      shortened = true;
      break;
    }
    if (!quoted.empty()) quoted += '\n';
    quoted += out;
  }
  if (quoted.empty()) return;
  bb.Blank();
  bb.Heading(shortened ? "📜 Расшифровка (начало):" : "📜 Расшифровка:");
  std::string body = EscapeBbText(quoted);
  if (shortened) body += "\n…";
  bb.Line("[QUOTE]" + body + "[/QUOTE]");
  if (shortened && IsHttpUrl(m.call_url)) {
    bb.Line("Полностью: " + BbLink(m.call_url, "страница звонка"));
  }
}

}  // namespace

std::string FormatTimelineComment(const CallMessage& m) {
  BbText bb;
  bb.Heading(CallHeader(m.direction));
  AddInformation(bb, m);
  bb.Section("📝 Саммари:", m.summary);
  std::vector<std::string> points;
  for (const std::string& point : m.key_points) {
    if (std::string item = ListItemText(point); !item.empty()) points.push_back(std::move(item));
  }
  bb.List("🎯 Ключевые пункты:", points);
  std::vector<std::string> tasks;
  for (const Task& task : m.tasks) {
    if (std::string text = TaskText(task); !text.empty()) tasks.push_back(std::move(text));
  }
  bb.List("✅ Задачи:", tasks);
  bb.Section("💬 Запрос клиента:", m.client_request);
  bb.Section("➡️ Следующие шаги:", m.next_steps);
  const std::string sentiment = CleanLine(m.sentiment);
  if (!sentiment.empty()) {
    bb.Blank();
    bb.Line(bitrix::FormatBbBold("📊 Тон разговора:") + " " + EscapeBbText(sentiment));
  }
  if (const std::string figures = m.figures ? ConversationFiguresText(*m.figures) : "";
      !figures.empty()) {
    if (sentiment.empty()) bb.Blank();
    bb.Line(bitrix::FormatBbBold(kConversationLabel) + " " + EscapeBbText(figures));
  }
  if (IsHttpUrl(m.call_url)) {
    bb.Blank();
    bb.Line("🔗 " + BbLink(m.call_url, "Открыть звонок в callbrief"));
  }
  AddTranscriptExcerpt(bb, m);
  return bb.Take();
}

}  // namespace callbrief::notify
