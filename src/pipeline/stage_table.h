#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "store/call.h"

namespace callbrief::pipeline {

// One row of the pipeline: a stage a call can sit in, the handler that runs it, and where the
// call usually goes next (a handler may choose otherwise: prepare skips transcribe for a call
// without speech, a stage that waits names itself, any stage may end in kSkipped).
struct StageRow {
  store::Stage stage;
  store::Stage handler;     // The key of StageHandlers that runs it.
  store::Stage usual_next;  // What the handler returns when all went well.
  std::string_view does;    // For people (docs/architecture.md, `callbrief --help`).
  // Whether the stage's result must be on disk before the worker goes on
  // (store::StageOutcome::synced): true where running the stage again after a power cut would
  // pay a provider or deliver again; false where it only costs time (the result is committed at
  // once and reaches the disk with the next synced commit).
  bool synced = true;
};

// THE pipeline, in order (docs/architecture.md, "Adding a stage"). Every non-terminal stage has
// exactly one row; the terminal ones (done, skipped, failed) have none.
std::span<const StageRow> PipelineStages();

// The row of `stage`; nullopt for a terminal stage.
std::optional<StageRow> StageRowOf(store::Stage stage);

// The stages a worker runs (those with a row), in pipeline order: what the store's claim must
// look at (the store claims every non-terminal stage of the enum; stage_table_test checks that
// this is exactly these).
std::vector<store::Stage> ActiveStages();

// How a stage run ended, as the stage_runs table keeps it (store::StageOutcome::run_outcome).
enum class RunOutcome {
  kOk,       // "ok": the call moved on.
  kWaiting,  // "waiting": the stage looks again later (a recording not there yet).
  kSkipped,  // "skipped": nothing to do for this call (skip_reason says why).
  kRetry,    // "retry": failed; tried again after a backoff.
  kParked,   // "parked": waits for the configuration to be fixed.
  kFailed,   // "failed": given up; the call is failed.
};
std::string_view RunOutcomeName(RunOutcome outcome);
std::optional<RunOutcome> RunOutcomeFromName(std::string_view name);

}  // namespace callbrief::pipeline
