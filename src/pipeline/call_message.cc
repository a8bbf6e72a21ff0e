#include "pipeline/call_message.h"

#include <fmt/format.h>

#include "bitrix/crm_links.h"
#include "core/json_bounded.h"
#include "llm/summary.h"

namespace callbrief::pipeline {
namespace {

// The last transcript line of a call whose recording was longer than MAX_CALL_MINUTES: the reader
// must see that the transcript (and so the summary) stops there, not think the call ended.
std::optional<notify::TranscriptLine> UntranscribedNote(const std::string& audio_report_json) {
  nlohmann::json report = core::ParseBoundedJson(audio_report_json);
  if (!report.is_object() || !report.contains("transcribed_until_seconds") ||
      !report["transcribed_until_seconds"].is_number()) {
    return std::nullopt;
  }
  const double until = report["transcribed_until_seconds"].get<double>();
  const double duration = report.value("duration_seconds", 0.0);
  std::string text = fmt::format("[Расшифрованы только первые {:.0f} мин записи", until / 60);
  text += duration > until ? fmt::format(" длиной {:.0f} мин", duration / 60) : "";
  text += " — ограничение MAX_CALL_MINUTES; остальное не расшифровано]";
  return notify::TranscriptLine{.start_ms = static_cast<std::int64_t>(until * 1000), .text = text};
}

// The figures of the analytics line, from the talk metrics stored with the transcript.
notify::ConversationFigures FiguresOf(const store::CallDetails& details) {
  notify::ConversationFigures figures;
  const nlohmann::json metrics = core::ParseBoundedJson(details.metrics_json);
  if (metrics.is_object() && metrics.contains("talk_share_manager") &&
      metrics["talk_share_manager"].is_number()) {
    figures.talk_share_manager = metrics["talk_share_manager"].get<double>();
  }
  if (details.scorecard) {
    figures.score = details.scorecard->score;
    // The questions, not the ids, of the critical criteria answered "no" (ScorecardToJson).
    const nlohmann::json card = core::ParseBoundedJson(details.scorecard->scorecard_json);
    if (card.is_object() && card.contains("criteria") && card["criteria"].is_array()) {
      for (const nlohmann::json& c : card["criteria"]) {
        if (c.is_object() && c.value("critical", false) && c.value("verdict", "") == "no") {
          figures.failed_critical.push_back(c.value("question", c.value("id", "")));
        }
      }
    }
  }
  return figures;
}

}  // namespace

core::Result<notify::CallMessage> CallMessageFrom(const store::CallDetails& details,
                                                  const MessageContext& context) {
  const store::CallRecord& call = details.call;
  notify::CallMessage m;
  m.call_id = call.bitrix_call_id;
  const bool outgoing = call.direction == store::Direction::kOutgoing;
  m.direction = outgoing                                        ? notify::Direction::kOutgoing
                : call.direction == store::Direction::kIncoming ? notify::Direction::kIncoming
                                                                : notify::Direction::kUnknown;
  m.from_number = outgoing ? call.portal_number : call.client_number;
  m.to_number = outgoing ? call.client_number : call.portal_number;
  m.duration_seconds = call.duration_seconds;
  m.started_at_ms = call.started_at_ms;
  m.utc_offset_minutes = context.utc_offset_minutes;
  m.manager_name = call.manager_name;
  m.client_url = bitrix::CrmEntityUrl(context.portal_url, call.crm_entity_type, call.crm_entity_id);
  if (!context.public_url.empty())
    m.call_url = fmt::format("{}/calls/{}", context.public_url, call.id);

  if (details.summary) {
    auto summary =
        llm::CallSummary::FromJson(core::ParseBoundedJson(details.summary->summary_json));
    if (!summary.ok()) {
      return core::Error::Permanent("the stored summary is not readable: " +
                                    summary.error().message);
    }
    m.summary = summary->summary;
    m.key_points = summary->key_points;
    for (const llm::SummaryTask& task : summary->tasks) {
      m.tasks.push_back(
          {.text = task.text, .owner = task.owner.value_or(""), .due = task.due.value_or("")});
    }
    m.client_request = summary->client_request;
    m.next_steps = summary->next_steps;
    m.sentiment = summary->sentiment;
    m.call_kind = summary->call_kind;
    m.client_name = summary->client_name.value_or("");
    if (m.client_name.empty()) m.client_name = summary->company.value_or("");
  }
  for (const store::TranscriptSegment& s : details.segments) {
    m.transcript.push_back({.start_ms = s.start_ms, .speaker = s.speaker, .text = s.text});
  }
  if (auto note = UntranscribedNote(call.audio_report_json)) m.transcript.push_back(*note);
  if (context.analytics_line) m.figures = FiguresOf(details);
  return m;
}

}  // namespace callbrief::pipeline
