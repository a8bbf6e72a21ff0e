#include "pipeline/stage_table.h"

#include <set>

#include <gtest/gtest.h>

#include "testing/claimed_calls.h"

namespace callbrief::pipeline {
namespace {

using store::Stage;

std::vector<Stage> EveryStage() {
  std::vector<Stage> all;
  for (int i = static_cast<int>(Stage::kReceived); i <= static_cast<int>(Stage::kFailed); ++i) {
    all.push_back(static_cast<Stage>(i));
  }
  return all;
}

TEST(StageTable, EveryStageAWorkerRunsHasOneRowAndNoTerminalStageHasOne) {
  for (Stage stage : EveryStage()) {
    int rows = 0;
    for (const StageRow& row : PipelineStages()) rows += row.stage == stage ? 1 : 0;
    EXPECT_EQ(rows, store::IsTerminal(stage) ? 0 : 1) << store::StageName(stage);
  }
}

TEST(StageTable, TheUsualPathRunsEveryHandlerOnceFromReceivedToDone) {
  std::set<Stage> handlers_run;
  Stage at = Stage::kReceived;
  for (std::size_t step = 0; step <= PipelineStages().size() && !store::IsTerminal(at); ++step) {
    std::optional<StageRow> row = StageRowOf(at);
    ASSERT_TRUE(row.has_value()) << store::StageName(at);
    EXPECT_FALSE(store::IsTerminal(row->handler));
    handlers_run.insert(row->handler);
    at = row->usual_next;
  }
  EXPECT_EQ(at, Stage::kDone);
  EXPECT_EQ(handlers_run.size(), PipelineStages().size() - 1) << "received runs resolve";
  EXPECT_EQ(StageRowOf(Stage::kReceived)->handler, Stage::kResolve);
}

// The store claims every non-terminal stage of the enum (store/internal/records.cc); this keeps
// that equal to the table: a stage added to the enum without a row (or the reverse) fails here.
TEST(StageTable, TheStoreClaimsACallInEveryActiveStageAndInNoOther) {
  const std::vector<Stage> active = ActiveStages();
  std::int64_t now_ms = 1'800'000'000'000;
  for (Stage stage : EveryStage()) {
    testing::ClaimedCalls calls;
    store::CallDetails call = calls.Claim(store::testing::MakeCall("CALL.1"), now_ms);
    store::StageOutcome moved{.call_id = call.call.id,
                              .lease_owner = call.call.lease_owner,
                              .lease_epoch = call.call.lease_epoch,
                              .ran = Stage::kResolve,
                              .started_at_ms = now_ms,
                              .finished_at_ms = now_ms,
                              .next = stage};
    ASSERT_TRUE(calls.store().FinishStage(moved).ok()) << store::StageName(stage);
    auto claimed = calls.store().ClaimDueCall("another", now_ms + 1, 60'000, {});
    ASSERT_TRUE(claimed.ok());
    const bool is_active = std::find(active.begin(), active.end(), stage) != active.end();
    EXPECT_EQ(claimed->has_value(), is_active) << store::StageName(stage);
  }
}

TEST(StageTable, OnlyStagesThatPayAProviderOrDeliverWaitForTheDiskWithTheirResult) {
  std::set<Stage> synced;
  for (const StageRow& row : PipelineStages()) {
    if (row.synced) synced.insert(row.stage);
  }
  EXPECT_EQ(synced, (std::set<Stage>{Stage::kTranscribe, Stage::kSummarize, Stage::kDeliver}));
}

TEST(RunOutcomes, EachKeepsTheNameTheStageRunsTableAndTheUiKnow) {
  const std::pair<RunOutcome, const char*> names[] = {
      {RunOutcome::kOk, "ok"},           {RunOutcome::kWaiting, "waiting"},
      {RunOutcome::kSkipped, "skipped"}, {RunOutcome::kRetry, "retry"},
      {RunOutcome::kParked, "parked"},   {RunOutcome::kFailed, "failed"}};
  for (const auto& [outcome, name] : names) {
    EXPECT_EQ(RunOutcomeName(outcome), name);
    EXPECT_EQ(RunOutcomeFromName(name), outcome);
  }
  EXPECT_EQ(RunOutcomeFromName("OK"), std::nullopt);
}

}  // namespace
}  // namespace callbrief::pipeline
