#include "bitrix/call_facts.h"

#include <fmt/format.h>

#include "bitrix/json_fields.h"
#include "core/clock.h"

namespace callbrief::bitrix {

using core::Error;

core::Result<CallFacts> ParseStatisticRow(const nlohmann::json& row) {
  if (!row.is_object()) return Error::Permanent("voximplant.statistic.get: a row is not an object");
  CallFacts f;
  auto id = IntegerField(row, "ID");
  f.call_id = TextField(row, "CALL_ID");
  if (!id || f.call_id.empty()) {
    return Error::Permanent("voximplant.statistic.get: a row without ID or CALL_ID");
  }
  f.statistic_id = *id;
  if (auto v = IntegerField(row, "CALL_TYPE")) f.call_type = static_cast<int>(*v);
  f.phone_number = TextField(row, "PHONE_NUMBER");
  f.portal_number = TextField(row, "PORTAL_NUMBER");
  f.portal_user_id = IntegerField(row, "PORTAL_USER_ID");
  f.duration_seconds = static_cast<int>(IntegerField(row, "CALL_DURATION").value_or(0));
  if (std::string start = TextField(row, "CALL_START_DATE"); !start.empty()) {
    core::TimePoint t;
    if (core::ParseIso8601(start, &t)) f.started_at_ms = core::ToUnixMillis(t);
  }
  f.failed_code = TextField(row, "CALL_FAILED_CODE");
  f.failed_reason = TextField(row, "CALL_FAILED_REASON");
  f.crm_entity_type = TextField(row, "CRM_ENTITY_TYPE");
  f.crm_entity_id = IntegerField(row, "CRM_ENTITY_ID");
  f.crm_activity_id = IntegerField(row, "CRM_ACTIVITY_ID");
  if (auto file = IntegerField(row, "RECORD_FILE_ID"); file && *file > 0) f.record_file_id = file;
  f.record_url = TextField(row, "CALL_RECORD_URL");
  if (auto d = IntegerField(row, "RECORD_DURATION"))
    f.record_duration_seconds = static_cast<int>(*d);
  // Bitrix24 uses 0 for "none" in id columns.
  if (f.crm_entity_id == 0) f.crm_entity_id.reset();
  if (f.crm_activity_id == 0) f.crm_activity_id.reset();
  if (f.portal_user_id == 0) f.portal_user_id.reset();
  return f;
}

core::Result<std::optional<CallFacts>> FetchCallFacts(RestClient& client,
                                                      std::string_view call_id) {
  auto reply =
      client.Call("voximplant.statistic.get", {{"FILTER", {{"CALL_ID", call_id}}}, {"start", -1}});
  if (!reply) return reply.error();
  if (!reply->result.is_array()) {
    return Error::Permanent("voximplant.statistic.get: the result is not a list");
  }
  for (const auto& row : reply->result) {
    auto facts = ParseStatisticRow(row);
    if (!facts) return facts.error();
    // The real portal silently drops filters it does not understand: never trust that the row
    // returned is the one asked for.
    if (facts->call_id == call_id) return std::optional<CallFacts>(std::move(*facts));
  }
  return std::optional<CallFacts>();
}

namespace {

// Bitrix24 compares CALL_START_DATE in the portal's time zone; an explicit offset makes the
// instant unambiguous whatever that zone is.
std::string PortalDate(std::int64_t unix_ms) {
  std::string iso = core::FormatIso8601Millis(unix_ms);  // 2026-11-01T00:00:00.000Z
  return iso.substr(0, 19) + "+00:00";
}

nlohmann::json StatisticFilter(const StatisticWindow& window) {
  nlohmann::json filter = {{">ID", window.after_id}};
  if (window.since_ms) filter[">=CALL_START_DATE"] = PortalDate(*window.since_ms);
  if (window.until_ms) filter["<CALL_START_DATE"] = PortalDate(*window.until_ms);
  return filter;
}

}  // namespace

core::Result<std::int64_t> CountStatistic(RestClient& client, const StatisticWindow& window) {
  auto reply =
      client.Call("voximplant.statistic.get", {{"FILTER", StatisticFilter(window)}, {"start", 0}});
  if (!reply) return reply.error();
  return reply->total.value_or(
      reply->result.is_array() ? static_cast<std::int64_t>(reply->result.size()) : 0);
}

core::Result<StatisticPage> ListStatisticPage(RestClient& client, const StatisticWindow& window) {
  nlohmann::json filter = StatisticFilter(window);
  auto reply = client.Call("voximplant.statistic.get",
                           {{"FILTER", filter}, {"SORT", "ID"}, {"ORDER", "ASC"}, {"start", -1}});
  if (!reply) return reply.error();
  if (!reply->result.is_array()) {
    return Error::Permanent("voximplant.statistic.get: the result is not a list");
  }
  StatisticPage page;
  page.next_after_id = window.after_id;
  for (const auto& row : reply->result) {
    auto facts = ParseStatisticRow(row);
    if (!facts) return facts.error();
    // Unknown filter keys are dropped silently by Bitrix24: check the cursor ourselves.
    if (facts->statistic_id <= window.after_id) continue;
    page.next_after_id = std::max(page.next_after_id, facts->statistic_id);
    page.calls.push_back(std::move(*facts));
  }
  page.done = static_cast<int>(reply->result.size()) < kStatisticPageSize;
  return page;
}

FilterDecision DecideCall(const CallFacts& facts, int min_call_duration_seconds,
                          bool recording_wait_over) {
  if (facts.failed_code != "200") {
    std::string why = facts.failed_reason.empty() ? "" : " (" + facts.failed_reason + ")";
    return {Verdict::kSkip,
            fmt::format("not completed: CALL_FAILED_CODE {}{}",
                        facts.failed_code.empty() ? "missing" : facts.failed_code, why)};
  }
  if (facts.duration_seconds <= min_call_duration_seconds) {
    return {Verdict::kSkip, fmt::format("too short: {} s, MIN_CALL_DURATION is {} s",
                                        facts.duration_seconds, min_call_duration_seconds)};
  }
  if (!facts.HasRecording()) {
    if (recording_wait_over) return {Verdict::kSkip, "no recording"};
    return {Verdict::kWaitForRecording, "waiting for the recording to appear in Bitrix24"};
  }
  return {Verdict::kProcess, ""};
}

}  // namespace callbrief::bitrix
