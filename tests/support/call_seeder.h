#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::testing {

// One stage run of a seeded call, as the pipeline would have written it.
struct SeedRun {
  store::Stage stage = store::Stage::kResolve;
  std::int64_t took_ms = 0;
  std::string outcome = "ok";
  std::string error{};
};

// Everything about one call a seed writes. Times are absolute Unix milliseconds.
struct SeedCall {
  std::string bitrix_call_id{};
  store::Direction direction = store::Direction::kIncoming;
  std::string client_number{};
  std::string portal_number{};
  std::int64_t portal_user_id = 0;
  std::string manager_name{};
  int duration_seconds = 0;
  std::int64_t started_at_ms = 0;
  std::int64_t received_at_ms = 0;  // Processing starts here; runs follow one another.
  std::string crm_entity_type{};
  std::optional<std::int64_t> crm_entity_id{};

  store::Stage end = store::Stage::kDone;  // kDone, kSkipped, kFailed, or a stage to stop in.
  std::vector<SeedRun> runs{};             // The last one moves the call to `end`.
  std::string error_kind{};                // For kFailed.
  std::string skip_reason{};               // For kSkipped.

  std::string recording_path{};
  std::int64_t recording_bytes = 0;
  std::vector<store::TranscriptSegment> segments{};
  std::optional<store::Summary> summary{};
  std::optional<store::ScorecardRecord> scorecard{};  // Stored with the summary.
  std::vector<store::UsageRow> usage{};
  std::vector<store::Delivery> deliveries{};
};

// Writes seeded calls through the store's own interface (intake, leases, stage outcomes), so the
// rows are exactly what the service writes. Calls are written in waves: recorded, then each one
// claimed and run to its end, so a claim never has to choose among many due calls.
class CallSeeder {
 public:
  // `now_ms`: the real time; every seeded call must have arrived by then.
  CallSeeder(store::CallStore& store, std::int64_t now_ms) : store_(store), now_ms_(now_ms) {}

  // Records and processes `calls` (in order of arrival); returns their ids in that order.
  // Calls already in the database are an error.
  core::Result<std::vector<std::int64_t>> Write(std::vector<SeedCall> calls);

 private:
  core::Status Process(const SeedCall& call, std::int64_t id);

  store::CallStore& store_;
  std::int64_t now_ms_ = 0;
};

}  // namespace callbrief::testing
