#include "pipeline/call_message.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "llm/summary.h"

namespace callbrief::pipeline {

std::string PortalUrl(std::string_view webhook_url) {
  const std::size_t scheme = webhook_url.find("://");
  if (scheme == std::string_view::npos) return "";
  const std::size_t path = webhook_url.find('/', scheme + 3);
  if (path == scheme + 3) return "";
  return std::string(webhook_url.substr(0, path));
}

std::string CrmEntityUrl(std::string_view portal_url, std::string_view entity_type,
                         std::optional<std::int64_t> entity_id) {
  if (portal_url.empty() || !entity_id) return "";
  std::string type(entity_type);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (type != "contact" && type != "company" && type != "lead" && type != "deal") return "";
  return fmt::format("{}/crm/{}/details/{}/", portal_url, type, *entity_id);
}

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
  m.client_url = CrmEntityUrl(context.portal_url, call.crm_entity_type, call.crm_entity_id);
  if (!context.public_url.empty()) m.call_url = fmt::format("{}/calls/{}", context.public_url, call.id);

  if (details.summary) {
    auto summary =
        llm::CallSummary::FromJson(nlohmann::json::parse(details.summary->summary_json, nullptr,
                                                         false));
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
  return m;
}

}  // namespace callbrief::pipeline
