#include "pipeline/stage_table.h"

#include <array>
#include <utility>

namespace callbrief::pipeline {
namespace {

using store::Stage;

constexpr std::array<StageRow, 7> kPipeline = {{
    // A new call's first run is the resolve handler's: `received` only says nobody looked yet.
    // Resolve, download and prepare cost only time to run again: their results are not synced.
    {Stage::kReceived, Stage::kResolve, Stage::kDownload, "a call announced, not looked at yet",
     false},
    {Stage::kResolve, Stage::kResolve, Stage::kDownload,
     "the call's facts from voximplant.statistic.get; skip or wait for the recording", false},
    {Stage::kDownload, Stage::kDownload, Stage::kPrepare, "the recording from Bitrix24's disk",
     false},
    {Stage::kPrepare, Stage::kPrepare, Stage::kTranscribe,
     "speech found per channel, cut into chunks (no speech: straight to summarize)", false},
    {Stage::kTranscribe, Stage::kTranscribe, Stage::kSummarize, "each chunk to speech-to-text"},
    {Stage::kSummarize, Stage::kSummarize, Stage::kDeliver, "the summary from the language model"},
    {Stage::kDeliver, Stage::kDeliver, Stage::kDone, "every delivery channel (delivery_channel.h)"},
}};

constexpr std::array<std::pair<RunOutcome, std::string_view>, 6> kRunOutcomeNames = {{
    {RunOutcome::kOk, "ok"},
    {RunOutcome::kWaiting, "waiting"},
    {RunOutcome::kSkipped, "skipped"},
    {RunOutcome::kRetry, "retry"},
    {RunOutcome::kParked, "parked"},
    {RunOutcome::kFailed, "failed"},
}};

}  // namespace

std::span<const StageRow> PipelineStages() { return kPipeline; }

std::optional<StageRow> StageRowOf(store::Stage stage) {
  for (const StageRow& row : kPipeline) {
    if (row.stage == stage) return row;
  }
  return std::nullopt;
}

std::vector<store::Stage> ActiveStages() {
  std::vector<store::Stage> stages;
  for (const StageRow& row : kPipeline) stages.push_back(row.stage);
  return stages;
}

std::string_view RunOutcomeName(RunOutcome outcome) {
  for (const auto& [o, name] : kRunOutcomeNames) {
    if (o == outcome) return name;
  }
  return "unknown";
}

std::optional<RunOutcome> RunOutcomeFromName(std::string_view name) {
  for (const auto& [o, n] : kRunOutcomeNames) {
    if (n == name) return o;
  }
  return std::nullopt;
}

}  // namespace callbrief::pipeline
