#include "http/calls_api.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "bitrix/crm_links.h"
#include "core/clock.h"
#include "core/json_bounded.h"
#include "core/redact.h"
#include "http/checklists_api.h"
#include "http/trackers_api.h"

namespace callbrief::http {
namespace {

using core::Error;
using nlohmann::json;

constexpr int kMaxLimit = 200;

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json TimeOrNull(const std::optional<std::int64_t>& ms) {
  return ms ? json(core::FormatIso8601Millis(*ms)) : json(nullptr);
}

json EmptyAsNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Stored JSON documents (audio report, summary, event) are embedded as objects, not as strings.
json EmbeddedJson(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = core::ParseBoundedJson(text);
  return parsed.is_discarded() ? json(text) : parsed;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    size_t comma = s.find(',');
    if (comma != 0) parts.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return parts;
}

core::Result<std::int64_t> ParseTimeParam(std::string_view name, const std::string& value) {
  core::TimePoint t;
  if (!core::ParseIso8601(value, &t)) {
    return Error::InvalidInput(
        fmt::format("{}: expected a date like 2026-11-24 or 2026-11-24T09:00:00+03:00, got \"{}\"",
                    name, value.substr(0, 40)));
  }
  return core::ToUnixMillis(t);
}

// What a row of the Calls list shows of the call's talk metrics: the manager's figures it can be
// sorted by (CallRecord's columns), or null while the call has no transcript.
json MetricsBriefToJson(const store::CallRecord& c) {
  if (c.metrics_layout.empty()) return nullptr;
  auto seconds = [](const std::optional<std::int64_t>& ms) {
    return ms ? json(static_cast<double>(*ms) / 1000.0) : json(nullptr);
  };
  const auto& share = c.talk_share_manager_permille;
  return {
      {"layout", c.metrics_layout},
      {"talk_share_manager", share ? json(static_cast<double>(*share) / 1000.0) : json(nullptr)},
      {"longest_monologue_manager_seconds", seconds(c.longest_monologue_manager_ms)},
      {"interruptions_by_manager", OrNull(c.interruptions_by_manager)},
  };
}

}  // namespace

core::Result<store::CallQuery> ParseCallQuery(const QueryParams& params) {
  store::CallQuery q;
  for (const auto& [name, value] : params) {
    if (name == "stage") {
      for (std::string_view s : SplitCommas(value)) {
        auto stage = store::StageFromName(s);
        if (!stage) {
          return Error::InvalidInput(fmt::format("stage: unknown stage \"{}\"", s.substr(0, 32)));
        }
        q.stages.push_back(*stage);
      }
    } else if (name == "direction") {
      auto d = store::DirectionFromName(value);
      if (!d) return Error::InvalidInput("direction: expected incoming, outgoing or unknown");
      q.direction = *d;
    } else if (name == "from" || name == "to") {
      auto ms = ParseTimeParam(name, value);
      if (!ms) return ms.error();
      (name == "from" ? q.from_ms : q.to_ms) = *ms;
    } else if (name == "number") {
      for (char c : value) {
        if (c >= '0' && c <= '9') q.number_contains += c;
      }
    } else if (name == "manager") {
      std::int64_t id = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      if (ec != std::errc() || ptr != value.data() + value.size() || id < 0) {
        return Error::InvalidInput("manager: expected a Bitrix24 user id");
      }
      q.portal_user_id = id;
    } else if (name == "tracker") {
      std::int64_t id = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      if (ec != std::errc() || ptr != value.data() + value.size() || id <= 0) {
        return Error::InvalidInput("tracker: expected a tracker id (GET /api/trackers lists them)");
      }
      q.tracker_id = id;
    } else if (name == "sentiment") {
      if (value != "positive" && value != "neutral" && value != "negative") {
        return Error::InvalidInput("sentiment: expected positive, neutral or negative");
      }
      q.sentiment = value;
    } else if (name == "limit") {
      int limit = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || ptr != value.data() + value.size() || limit < 1 ||
          limit > kMaxLimit) {
        return Error::InvalidInput(fmt::format("limit: expected a number from 1 to {}", kMaxLimit));
      }
      q.limit = limit;
    } else if (name == "sort") {
      auto sort = store::CallSortFromName(value);
      if (!sort) {
        return Error::InvalidInput(
            "sort: expected started_at, talk_share_manager, longest_monologue_manager_seconds or "
            "interruptions_by_manager");
      }
      q.sort = *sort;
    } else if (name == "order") {
      if (value != "asc" && value != "desc") {
        return Error::InvalidInput("order: expected asc or desc");
      }
      q.ascending = value == "asc";
    } else if (name == "cursor") {
      q.cursor = value;
    } else if (name == "answer") {
      // QUESTION:VALUE, the question's id first: ids have no ':', text answers may.
      const size_t colon = value.find(':');
      const std::string question = value.substr(0, colon);
      const bool id_ok =
          !question.empty() && question.size() <= 40 &&
          question.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
      if (colon == std::string::npos || !id_ok || colon + 1 == value.size()) {
        return Error::InvalidInput(
            "answer: expected QUESTION:ANSWER, e.g. new_client:yes (ANSWER * for any answer)");
      }
      q.answer_question = question;
      q.answer_value = value.substr(colon + 1);
    } else if (name == "q") {
      // The store parses it (words and "phrases") and names what is wrong with it.
      const size_t first = value.find_first_not_of(" \t\r\n");
      if (first != std::string::npos) q.q = value.substr(first);
    }
    // Unknown parameters are ignored, as browsers and proxies add their own (e.g. cache busters).
  }
  if (q.sort == store::CallSort::kStartedAt && q.ascending) {
    return Error::InvalidInput(
        "order: the list by start time is newest first only; order=asc needs a metric in sort");
  }
  return q;
}

json CallToJson(const store::CallRecord& c) {
  return {
      {"id", c.id},
      {"bitrix_call_id", c.bitrix_call_id},
      {"source", store::CallSourceName(c.source)},
      {"call_type", OrNull(c.call_type)},
      {"direction", store::DirectionName(c.direction)},
      {"client_number", EmptyAsNull(c.client_number)},
      {"portal_number", EmptyAsNull(c.portal_number)},
      {"portal_user_id", OrNull(c.portal_user_id)},
      {"manager_name", EmptyAsNull(c.manager_name)},
      {"duration_seconds", OrNull(c.duration_seconds)},
      {"started_at", core::FormatIso8601Millis(c.started_at_ms)},
      {"failed_code", EmptyAsNull(c.failed_code)},
      {"failed_reason", EmptyAsNull(c.failed_reason)},
      {"crm",
       {{"entity_type", EmptyAsNull(c.crm_entity_type)},
        {"entity_id", OrNull(c.crm_entity_id)},
        {"activity_id", OrNull(c.crm_activity_id)}}},
      {"recording",
       {{"file_id", OrNull(c.record_file_id)},
        {"bytes", OrNull(c.recording_bytes)},
        {"sha256", EmptyAsNull(c.recording_sha256)}}},
      {"audio", EmbeddedJson(c.audio_report_json)},
      {"pii_masking", EmbeddedJson(c.pii_report_json)},
      {"stage", store::StageName(c.stage)},
      {"skip_reason", EmptyAsNull(c.skip_reason)},
      {"attempts", c.attempts},
      {"next_attempt_at", TimeOrNull(c.next_attempt_at_ms)},
      {"last_error", c.last_error.empty() ? json(nullptr) : json(core::Redact(c.last_error))},
      {"last_error_kind", EmptyAsNull(c.last_error_kind)},
      {"cost_usd", OrNull(c.cost_usd)},
      {"received_at", core::FormatIso8601Millis(c.received_at_ms)},
      {"updated_at", core::FormatIso8601Millis(c.updated_at_ms)},
      {"finished_at", TimeOrNull(c.finished_at_ms)},
  };
}

json CallDetailsToJson(const store::CallDetails& d, std::string_view portal_url) {
  json out = CallToJson(d.call);
  out["crm"]["url"] =
      EmptyAsNull(bitrix::CrmEntityUrl(portal_url, d.call.crm_entity_type, d.call.crm_entity_id));
  json runs = json::array();
  for (const auto& r : d.stage_runs) {
    runs.push_back(
        {{"stage", store::StageName(r.stage)},
         {"attempt", r.attempt},
         {"started_at", core::FormatIso8601Millis(r.started_at_ms)},
         {"finished_at",
          r.finished_at_ms ? json(core::FormatIso8601Millis(r.finished_at_ms)) : json(nullptr)},
         {"duration_ms",
          r.finished_at_ms ? json(r.finished_at_ms - r.started_at_ms) : json(nullptr)},
         {"outcome", r.outcome},
         {"error", r.error.empty() ? json(nullptr) : json(core::Redact(r.error))}});
  }
  json usage = json::array();
  for (const auto& u : d.usage) {
    usage.push_back({{"stage", store::StageName(u.stage)},
                     {"provider", u.provider},
                     {"model", EmptyAsNull(u.model)},
                     {"operation", EmptyAsNull(u.operation)},
                     {"audio_seconds", u.audio_seconds},
                     {"input_tokens", u.input_tokens},
                     {"output_tokens", u.output_tokens},
                     {"latency_ms", u.latency_ms},
                     {"cost_usd", OrNull(u.cost_usd)},
                     {"at", core::FormatIso8601Millis(u.at_ms)}});
  }
  out["stage_runs"] = std::move(runs);
  out["usage"] = std::move(usage);
  out["has_recording"] = !d.call.recording_path.empty();
  json events = json::array();
  for (const auto& e : d.events) {
    events.push_back({{"event", e.event_name},
                      {"received_at", core::FormatIso8601Millis(e.received_at_ms)},
                      {"remote_addr", e.remote_addr},
                      {"body", EmbeddedJson(core::Redact(e.event_json))}});
  }
  json segments = json::array();
  for (const auto& s : d.segments) {
    segments.push_back({{"start_ms", s.start_ms},
                        {"end_ms", s.end_ms},
                        {"speaker", EmptyAsNull(s.speaker)},
                        {"text", s.text}});
  }
  json deliveries = json::array();
  for (const auto& del : d.deliveries) {
    deliveries.push_back({{"channel", del.channel},
                          {"status", del.status},
                          {"attempts", del.attempts},
                          {"external_id", EmptyAsNull(del.external_id)},
                          {"last_error", EmptyAsNull(core::Redact(del.last_error))},
                          {"delivered_at", TimeOrNull(del.delivered_at_ms)}});
  }
  out["events"] = std::move(events);
  out["transcript"] = std::move(segments);
  // As stored with the transcript (migration 11), so the call shows what the list sorts by.
  out["metrics"] = EmbeddedJson(d.metrics_json);
  out["scorecard"] = CallScorecardToJson(d.scorecard);
  out["summary"] = d.summary
                       ? json{{"model", d.summary->model},
                              {"call_kind", EmptyAsNull(d.summary->call_kind)},
                              {"sentiment", EmptyAsNull(d.summary->sentiment)},
                              {"created_at", core::FormatIso8601Millis(d.summary->created_at_ms)},
                              {"content", EmbeddedJson(d.summary->summary_json)}}
                       : json(nullptr);
  out["deliveries"] = std::move(deliveries);
  out["tracker_hits"] = TrackerHitsToJson(d.tracker_hits);
  return out;
}

json SearchHitsToJson(const store::CallPage& page, std::int64_t call_id) {
  json hits = json::array();
  auto found = page.hits.find(call_id);
  if (found == page.hits.end()) return hits;
  for (const store::SearchHit& hit : found->second) {
    json snippet = json::array();
    for (const store::SearchFragment& f : hit.snippet) {
      snippet.push_back({{"text", f.text}, {"hit", f.hit}});
    }
    hits.push_back({{"in", hit.in_summary ? "summary" : "transcript"},
                    {"start_ms", hit.in_summary ? json(nullptr) : json(hit.start_ms)},
                    {"speaker", EmptyAsNull(hit.speaker)},
                    {"snippet", std::move(snippet)}});
  }
  return hits;
}

json CallPageToJson(const store::CallPage& page, std::span<const store::SummaryBrief> briefs,
                    bool searched) {
  json calls = json::array();
  for (const auto& c : page.calls) {
    json call = CallToJson(c);
    call["metrics"] = MetricsBriefToJson(c);
    if (searched) call["hits"] = SearchHitsToJson(page, c.id);
    call["brief"] = nullptr;
    for (const auto& b : briefs) {
      if (b.call_id != c.id) continue;
      call["brief"] = {{"sentiment", EmptyAsNull(b.sentiment)},
                       {"call_kind", EmptyAsNull(b.call_kind)},
                       {"headline", EmptyAsNull(b.headline)},
                       {"client_name", EmptyAsNull(b.client_name)},
                       {"company", EmptyAsNull(b.company)}};
      break;
    }
    calls.push_back(std::move(call));
  }
  return {{"calls", std::move(calls)}, {"next_cursor", EmptyAsNull(page.next_cursor)}};
}

json ManagersToJson(std::span<const store::ManagerRef> managers) {
  json out = json::array();
  for (const auto& m : managers) {
    out.push_back({{"id", m.portal_user_id}, {"name", EmptyAsNull(m.name)}, {"calls", m.calls}});
  }
  return out;
}

}  // namespace callbrief::http
