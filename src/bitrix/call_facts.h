#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bitrix/rest_client.h"
#include "core/result.h"

namespace callbrief::bitrix {

// The authoritative facts of a finished call: one row of voximplant.statistic.get.
struct CallFacts {
  std::int64_t statistic_id = 0;  // Row ID; increases with every call (the reconciler's cursor).
  std::string call_id;
  std::optional<int> call_type;
  std::string phone_number;   // The client.
  std::string portal_number;  // The line.
  std::optional<std::int64_t> portal_user_id;
  int duration_seconds = 0;
  std::optional<std::int64_t> started_at_ms;
  std::string failed_code;  // "200" = completed.
  std::string failed_reason;
  std::string crm_entity_type;  // CONTACT, COMPANY or LEAD.
  std::optional<std::int64_t> crm_entity_id;
  std::optional<std::int64_t> crm_activity_id;
  std::optional<std::int64_t> record_file_id;  // Disk object id, for disk.file.get.
  std::string record_url;                      // CALL_RECORD_URL; "" when none.
  std::optional<int> record_duration_seconds;

  bool HasRecording() const { return record_file_id.has_value() || !record_url.empty(); }
};

// Reads one statistic row. Only ID and CALL_ID are required; other fields are optional facts.
core::Result<CallFacts> ParseStatisticRow(const nlohmann::json& row);

// Looks the call up by CALL_ID. nullopt when the portal has no such row (yet): Bitrix24 writes the
// row before it sends the event, so for an announced call that means the webhook user cannot see
// it (not an administrator) or the call is not finished.
core::Result<std::optional<CallFacts>> FetchCallFacts(RestClient& client, std::string_view call_id);

// One page of call records with statistic ID above `after_id`, oldest first, optionally limited
// to calls started in [since, until). The reconciler and backfill walk the history with this:
// an ID cursor instead of offsets (Bitrix24's fast mode, start=-1), so a page costs the same at
// row 50 as at row 500,000 and rows added meanwhile are never skipped. `next_after_id` is the
// cursor for the following page; `done` is true once a page is shorter than Bitrix24's 50.
struct StatisticPage {
  std::vector<CallFacts> calls;
  std::int64_t next_after_id = 0;
  bool done = false;
};

struct StatisticWindow {
  std::int64_t after_id = 0;
  std::optional<std::int64_t> since_ms;
  std::optional<std::int64_t> until_ms;
};

inline constexpr int kStatisticPageSize = 50;

core::Result<StatisticPage> ListStatisticPage(RestClient& client, const StatisticWindow& window);

// How many statistic rows the window holds (one request that asks Bitrix24 to count).
core::Result<std::int64_t> CountStatistic(RestClient& client, const StatisticWindow& window);

// What to do with a call, by the seed's filters: only completed calls (CALL_FAILED_CODE 200),
// longer than MIN_CALL_DURATION seconds, with a recording. The recording may appear after the
// event: until `recording_wait_over`, a call without one waits rather than being skipped.
enum class Verdict { kProcess, kSkip, kWaitForRecording };

struct FilterDecision {
  Verdict verdict = Verdict::kProcess;
  std::string reason;  // For kSkip and kWaitForRecording: stored on the call and shown to people.
};

FilterDecision DecideCall(const CallFacts& facts, int min_call_duration_seconds,
                          bool recording_wait_over);

}  // namespace callbrief::bitrix
