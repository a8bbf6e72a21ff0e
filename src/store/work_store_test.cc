// The pipeline's side of the store, part one: claims, leases, epochs and finishing a stage.
#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;

INSTANTIATE_TEST_SUITE_P(Backends, WorkStoreTest, testing::AllBackends(), testing::BackendName);

TEST_P(WorkStoreTest, ClaimLeasesTheCallThatHasWaitedLongest) {
  Record("B", kNow - 500);
  std::int64_t first = Record("A", kNow - 900);
  auto claimed = Claim("w1");
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, first);
  EXPECT_EQ(claimed->lease_owner, "w1");
}

TEST_P(WorkStoreTest, ACallThatCameFirstGoesOnBeforeLaterOnesEvenAfterAStage) {
  std::int64_t first = Record("A", kNow - 900);
  std::int64_t second = Record("B", kNow - 500);
  ASSERT_EQ(Claim("w1")->id, first);
  ASSERT_TRUE(store_->FinishStage(Outcome(first, "w1", Stage::kResolve, Stage::kDownload)).ok());
  // A is due again now, later than B has been waiting: still A first, so a burst of calls is
  // summarized one after another, not all together at the end.
  EXPECT_EQ(Claim("w1", kNow + 100)->id, first);
  EXPECT_EQ(Claim("w2", kNow + 100)->id, second);
}

TEST_P(WorkStoreTest, LiveCallsGoBeforeBackfilledOnes) {
  IncomingCall old_call = MakeCall("from-history");
  old_call.source = CallSource::kBackfill;
  old_call.received_at_ms = kNow - 5000;
  ASSERT_TRUE(store_->RecordIncomingCalls(std::span(&old_call, 1)).ok());
  std::int64_t live = Record("live", kNow - 100);
  EXPECT_EQ(Claim("w1")->id, live);
  EXPECT_EQ(Claim("w2")->bitrix_call_id, "from-history");
}

TEST_P(WorkStoreTest, ALeasedCallIsNotClaimedTwice) {
  Record("A");
  ASSERT_TRUE(Claim("w1"));
  EXPECT_FALSE(Claim("w2"));
}

TEST_P(WorkStoreTest, AnExpiredLeaseIsTakenOverByAnotherWorker) {
  std::int64_t id = Record("A");
  auto first = ClaimRunOut("w1");
  ASSERT_TRUE(first);
  auto taken = Claim("w2", kNow + 1);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, id);
  EXPECT_EQ(taken->lease_owner, "w2");
  EXPECT_GT(taken->lease_epoch, first->lease_epoch);
}

TEST_P(WorkStoreTest, EveryClaimHasItsOwnEpoch) {
  std::int64_t id = Record("A");
  auto first = Claim("w1");
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->FinishStage(Outcome(id, "w1", Stage::kResolve, Stage::kDownload)).ok());
  auto second = Claim("w1", kNow + 100);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->lease_epoch, first->lease_epoch + 1);
}

TEST_P(WorkStoreTest, RenewedLeaseOutlivesItsFirstExpiry) {
  std::int64_t id = Record("A");
  auto claimed = ClaimRunOut("w1");
  ASSERT_TRUE(claimed);
  const LeaseToken token = LeaseOf(*claimed);
  auto lost = store_->RenewLeases(std::span(&token, 1), kNow, 10 * kLease);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_TRUE(lost->empty());
  EXPECT_FALSE(Claim("w2", kNow + kLease + 1));
  EXPECT_EQ(Find(id).call.lease_owner, "w1");
}

TEST_P(WorkStoreTest, ReleasedLeasesMakeCallsClaimableAtOnce) {
  Record("A");
  ASSERT_TRUE(Claim("w1"));
  ASSERT_TRUE(store_->ReleaseLeases("w1").ok());
  EXPECT_TRUE(Claim("w2"));
}

TEST_P(WorkStoreTest, FinishStageMovesTheCallOnAndFreesIt) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome outcome = Outcome(id, "w1", Stage::kResolve, Stage::kDownload);
  outcome.facts = CallFactsUpdate{.direction = Direction::kOutgoing,
                                  .client_number = "+74950000000",
                                  .manager_name = "Анна Петрова",
                                  .duration_seconds = 95,
                                  .crm_entity_type = "CONTACT",
                                  .crm_entity_id = 42,
                                  .record_file_id = 777};
  ASSERT_TRUE(store_->FinishStage(outcome).ok());

  CallDetails details = Find(id);
  EXPECT_EQ(details.call.stage, Stage::kDownload);
  EXPECT_EQ(details.call.manager_name, "Анна Петрова");
  EXPECT_EQ(details.call.direction, Direction::kOutgoing);
  EXPECT_EQ(details.call.record_file_id, 777);
  EXPECT_EQ(details.call.lease_owner, "");
  ASSERT_EQ(details.stage_runs.size(), 1u);
  EXPECT_EQ(details.stage_runs[0].stage, Stage::kResolve);
  EXPECT_EQ(details.stage_runs[0].outcome, "ok");
  EXPECT_TRUE(Claim("w2", outcome.finished_at_ms));
}

TEST_P(WorkStoreTest, AWorkerThatLostItsLeaseCannotFinishTheStage) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(ClaimRunOut("w1"));
  ASSERT_TRUE(Claim("w2", kNow + 1));
  core::Status late = store_->FinishStage(Outcome(id, "w1", Stage::kResolve, Stage::kDownload));
  ASSERT_FALSE(late.ok());
  EXPECT_TRUE(IsLeaseLost(late.error())) << late.error().message;
  EXPECT_FALSE(late.error().IsRetryable());
  EXPECT_NE(late.error().message.find("no longer current"), std::string::npos);
  EXPECT_EQ(Find(id).call.stage, Stage::kReceived);
  EXPECT_TRUE(Find(id).stage_runs.empty());
  // The claim that took the call over finishes it.
  EXPECT_TRUE(store_->FinishStage(Outcome(id, "w2", Stage::kResolve, Stage::kDownload)).ok());
}

// The issue-15 case: leases were per instance, so one instance taking its own call over (after
// a clock step, or a pause longer than the lease) could finish the stage twice.
TEST_P(WorkStoreTest, ASecondClaimOfTheSameOwnerMakesTheFirstStale) {
  std::int64_t id = Record("A");
  auto first = ClaimRunOut("callbrief");
  ASSERT_TRUE(first);
  ASSERT_TRUE(Claim("callbrief", kNow + 1));
  StageOutcome late = Outcome(id, "callbrief", Stage::kDeliver, Stage::kDone);
  late.lease_epoch = first->lease_epoch;
  core::Status refused = store_->FinishStage(late);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(IsLeaseLost(refused.error()));
  EXPECT_TRUE(
      store_->FinishStage(Outcome(id, "callbrief", Stage::kResolve, Stage::kDownload)).ok());
  EXPECT_EQ(Find(id).call.stage, Stage::kDownload);
  ASSERT_EQ(Find(id).stage_runs.size(), 1u);
}

TEST_P(WorkStoreTest, AStaleClaimCannotRenewItsLeaseNorRecordADelivery) {
  std::int64_t id = Record("A");
  auto stale = ClaimRunOut("w1");
  ASSERT_TRUE(stale);
  auto current = Claim("w2", kNow + 1);
  ASSERT_TRUE(current);
  const std::vector<LeaseToken> both{LeaseOf(*stale), LeaseOf(*current)};
  auto lost = store_->RenewLeases(both, kNow + 1, kLease);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_EQ(*lost, std::vector<std::int64_t>{id});

  core::Status refused =
      store_->SaveDelivery(LeaseOf(*stale), {.channel = "telegram", .status = "done"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(IsLeaseLost(refused.error())) << refused.error().message;
  EXPECT_TRUE(Find(id).deliveries.empty());
  ASSERT_TRUE(
      store_->SaveDelivery(LeaseOf(*current), {.channel = "telegram", .status = "pending"}).ok());
  ASSERT_EQ(Find(id).deliveries.size(), 1u);
  EXPECT_EQ(Find(id).deliveries[0].status, "pending");
}

TEST_P(WorkStoreTest, NoDeliveryIsRecordedForACallNoLongerLeased) {
  std::int64_t id = Record("A");
  auto claimed = Claim("w1");
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(store_->ReleaseLeases("w1").ok());
  core::Status refused =
      store_->SaveDelivery(LeaseOf(*claimed), {.channel = "telegram", .status = "done"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(IsLeaseLost(refused.error()));
  EXPECT_TRUE(Find(id).deliveries.empty());
}

TEST_P(WorkStoreTest, ACallThisProcessRunsIsNeverClaimedByIt) {
  std::int64_t running = Record("A", kNow - 900);
  std::int64_t other = Record("B", kNow - 500);
  ASSERT_TRUE(ClaimRunOut("w1"));  // A, its lease already over.
  auto next = Claim("w1", kNow + 1, kLease, {running});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, other);
  EXPECT_FALSE(Claim("w1", kNow + 2, kLease, {running, other}));
}

// A clock step of five minutes on the instance (NTP, a VM resumed) during a stage. On SQLite
// every process reads the one host's clock, so the step ends the lease and a second claim takes
// the call over — the first claim's result is then refused. On PostgreSQL the lease runs on the
// database's clock, which did not step: the call stays with its first claim.
TEST_P(WorkStoreTest, AClockStepOfFiveMinutesDuringAStage) {
  constexpr std::int64_t kStep = 5 * 60'000;
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  auto second = Claim("w2", kNow + kStep);
  core::Status first_result =
      store_->FinishStage(Outcome(id, "w1", Stage::kResolve, Stage::kDownload));
  if (GetParam() == testing::Backend::kSqlite) {
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, id);
    ASSERT_FALSE(first_result.ok());
    EXPECT_TRUE(IsLeaseLost(first_result.error()));
    EXPECT_EQ(Find(id).call.stage, Stage::kReceived);
  } else {
    EXPECT_FALSE(second);
    EXPECT_TRUE(first_result.ok()) << first_result.error().message;
    EXPECT_EQ(Find(id).call.stage, Stage::kDownload);
  }
}

TEST_P(WorkStoreTest, TheQueueCountsDueCallsTheOldestDueTimeAndParkedCalls) {
  const std::int64_t running = Record("A", kNow - 900);
  const std::int64_t parked = Record("B", kNow - 800);
  const std::int64_t backing_off = Record("C", kNow - 700);
  const std::int64_t done = Record("F", kNow - 600);
  ASSERT_EQ(Claim("w1")->id, running);
  ASSERT_EQ(Claim("w2")->id, parked);
  ASSERT_EQ(Claim("w3")->id, backing_off);
  ASSERT_EQ(Claim("w4")->id, done);
  StageOutcome park = Outcome(parked, "w2", Stage::kResolve, Stage::kResolve);
  park.run_outcome = "parked";
  park.error_kind = "config";
  park.next_attempt_at_ms = kNow + 15 * 60'000;
  ASSERT_TRUE(store_->FinishStage(park).ok());
  StageOutcome retry = Outcome(backing_off, "w3", Stage::kResolve, Stage::kResolve);
  retry.run_outcome = "retry";
  retry.error_kind = "transient";
  retry.next_attempt_at_ms = kNow + 10'000;
  ASSERT_TRUE(store_->FinishStage(retry).ok());
  ASSERT_TRUE(store_->FinishStage(Outcome(done, "w4", Stage::kResolve, Stage::kDone)).ok());
  Record("D", kNow - 100);
  Record("E", kNow - 5000);

  auto now = store_->QueueAt(kNow);
  ASSERT_TRUE(now.ok()) << now.error().message;
  EXPECT_EQ(now->due, 2) << "D and E; not the running, parked, backing-off or done calls";
  EXPECT_EQ(now->oldest_due_since_ms, kNow - 5000);
  EXPECT_EQ(now->parked, 1);

  auto later = store_->QueueAt(kNow + 20'000);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->due, 3) << "C's backoff is over";
  EXPECT_EQ(later->oldest_due_since_ms, kNow - 5000);
}

TEST_P(WorkStoreTest, ACallParkedOnTheConfigurationIsClaimedAfterEveryOtherDueCall) {
  const std::int64_t parked = Record("A", kNow - 900);
  ASSERT_EQ(Claim("w1")->id, parked);
  StageOutcome park = Outcome(parked, "w1", Stage::kResolve, Stage::kResolve);
  park.run_outcome = "parked";
  park.error_kind = "config";
  park.next_attempt_at_ms = kNow - 1;  // Due again (the operator fixed the setting).
  ASSERT_TRUE(store_->FinishStage(park).ok());
  const std::int64_t later = Record("B", kNow - 100);
  EXPECT_EQ(Claim("w2")->id, later) << "received later, but not waiting for the operator";
  EXPECT_EQ(Claim("w3")->id, parked);
}

TEST_P(WorkStoreTest, AnEmptyQueueHasNoOldestDueTime) {
  auto queue = store_->QueueAt(kNow);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  EXPECT_EQ(queue->due, 0);
  EXPECT_EQ(queue->oldest_due_since_ms, std::nullopt);
  EXPECT_EQ(queue->parked, 0);
}

}  // namespace
}  // namespace callbrief::store
