#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::pipeline {

// What a stage produced: where the call goes next, and the results to store with that move (in
// one transaction, so a stage's work is never lost nor done twice).
struct StageResult {
  // The following stage; kSkipped or kDone to end; the same stage to look again later.
  store::Stage next = store::Stage::kDone;
  std::optional<std::int64_t> wait_until_ms{};  // With the same stage: when to look again.
  std::string note{};                           // Skip reason, or what the call waits for.

  std::optional<store::CallFactsUpdate> facts{};
  std::optional<store::RecordingUpdate> recording{};
  std::optional<std::string> audio_report_json{};
  std::optional<std::string> pii_report_json{};  // pipeline/pii_report.h
  std::optional<std::vector<store::AudioChunk>> chunks{};
  std::optional<std::vector<store::TranscriptSegment>> segments{};
  std::optional<store::Summary> summary{};
  std::optional<store::ScorecardRecord> scorecard{};
};

// One stage of the pipeline (docs/architecture.md). Run() does the stage's work for one call and
// returns its result; it must be idempotent — the pipeline may run it again after a crash — and
// must not write the call's stage itself. Errors carry the kind the retry policy switches on.
// Implementations are thread-safe: several workers run stages at once.
class StageHandler {
 public:
  virtual ~StageHandler() = default;
  virtual core::Result<StageResult> Run(const store::CallDetails& call) = 0;
};

}  // namespace callbrief::pipeline
