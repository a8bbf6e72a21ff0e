#include "pipeline/alert_rules.h"

#include <set>

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::pipeline {
namespace {

// The transcript line a hit was heard in; the words as said when the line is not found (a hit
// keeps only the line's start and speaker).
std::string LineOf(const store::CallDetails& details, const store::TrackerHit& hit) {
  for (const store::TranscriptSegment& segment : details.segments) {
    if (segment.start_ms == hit.start_ms && segment.speaker == hit.speaker &&
        segment.text.find(hit.said) != std::string::npos) {
      return segment.text;
    }
  }
  return hit.said;
}

// The first critical criterion answered "no" in a stored scorecard (analytics::ScorecardToJson):
// its question, quote and the quote's time; nullopt when the JSON has none.
std::optional<notify::Alert> FailedCriticalCriterion(const std::string& scorecard_json) {
  const nlohmann::json scorecard = core::ParseBoundedJson(scorecard_json);
  if (!scorecard.is_object() || !scorecard.contains("criteria") ||
      !scorecard["criteria"].is_array()) {
    return std::nullopt;
  }
  for (const nlohmann::json& c : scorecard["criteria"]) {
    if (!c.is_object() || c.value("critical", false) != true || c.value("verdict", "") != "no") {
      continue;
    }
    notify::Alert alert{.reason = fmt::format("Провален критичный пункт чек-листа: «{}»",
                                              c.value("question", c.value("id", "")))};
    if (c.contains("quote") && c["quote"].is_string()) alert.quote = c["quote"].get<std::string>();
    if (c.contains("quote_start_ms") && c["quote_start_ms"].is_number_integer()) {
      alert.at_ms = c["quote_start_ms"].get<std::int64_t>();
    }
    return alert;
  }
  return std::nullopt;
}

}  // namespace

AlertRules AlertRulesFrom(const std::vector<std::string>& names) {
  AlertRules rules;
  for (const std::string& name : names) {
    if (name == "tracker") rules.tracker_hits = true;
    if (name == "negative") rules.negative_tone = true;
    if (name == "critical") rules.critical_failed = true;
    constexpr std::string_view kScore = "score_below:";
    if (name.starts_with(kScore)) {
      int threshold = 0;
      const char* end = name.data() + name.size();
      if (std::from_chars(name.data() + kScore.size(), end, threshold).ptr == end) {
        rules.score_below = threshold;
      }
    }
  }
  return rules;
}

std::vector<notify::Alert> AlertsFor(const store::CallDetails& details,
                                     const notify::CallMessage& message, const AlertRules& rules) {
  std::vector<notify::Alert> alerts;
  if (rules.tracker_hits) {
    std::set<std::int64_t> alerted;
    for (const store::TrackerHit& hit : details.tracker_hits) {
      if (!hit.tracker_alerts || !alerted.insert(hit.tracker_id).second) continue;
      alerts.push_back({.key = fmt::format("tracker:{}", hit.tracker_id),
                        .reason = fmt::format("Трекер «{}»: «{}»", hit.tracker_name, hit.said),
                        .quote = LineOf(details, hit),
                        .speaker = hit.speaker,
                        .at_ms = hit.start_ms});
    }
  }
  if (rules.negative_tone && message.sentiment == "negative") {
    alerts.push_back({.key = "negative",
                      .reason = "Негативный тон разговора",
                      .quote = message.summary.empty() ? message.client_request : message.summary});
  }
  const std::optional<store::ScorecardRecord>& scorecard = details.scorecard;
  if (rules.score_below && scorecard && scorecard->score &&
      *scorecard->score < *rules.score_below) {
    alerts.push_back({.key = "score",
                      .reason = fmt::format("Оценка по чек-листу {} из 100 — ниже порога {}",
                                            *scorecard->score, *rules.score_below),
                      .quote = message.summary});
  }
  if (rules.critical_failed && scorecard && scorecard->critical_failed) {
    notify::Alert alert =
        FailedCriticalCriterion(scorecard->scorecard_json)
            .value_or(notify::Alert{.reason = "Провален критичный пункт чек-листа"});
    alert.key = "critical";
    if (alert.quote.empty()) alert.quote = message.summary;
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

}  // namespace callbrief::pipeline
