// The pipeline's side of the store: leases, stage results, chunks, deliveries, usage, retry.
#include <map>

#include <gtest/gtest.h>

#include "store/store_test_backends.h"
#include "store/test_support.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;

constexpr std::int64_t kNow = 1'800'000'000'000;
constexpr std::int64_t kLease = 120'000;

// Runs on every backend (store_test_backends.h): `store_` is open on a fresh database.
class WorkStoreTest : public testing::StoreTest {
 protected:
  std::int64_t Record(std::string call_id, std::int64_t received_at = kNow - 1000) {
    IncomingCall call = MakeCall(std::move(call_id));
    call.received_at_ms = received_at;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    return recorded.ok() ? (*recorded)[0].id : 0;
  }

  // Remembers the claim as `owner`'s latest, which Outcome() then names.
  std::optional<CallRecord> Claim(std::string_view owner, std::int64_t now = kNow,
                                  std::int64_t lease = kLease,
                                  std::vector<std::int64_t> running = {}) {
    auto claimed = store_->ClaimDueCall(owner, now, lease, running);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    if (!claimed.ok()) return std::nullopt;
    if (claimed->has_value()) claims_[std::string(owner)] = LeaseOf(**claimed);
    return *claimed;
  }
  // A claim whose lease has already run out (0 ms): the next claim takes the call over on either
  // backend, whichever clock it reads (PostgreSQL's own, SQLite's `now`).
  std::optional<CallRecord> ClaimRunOut(std::string_view owner) { return Claim(owner, kNow, 0); }

  CallDetails Find(std::int64_t id) {
    auto found = store_->FindCall(std::to_string(id));
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : CallDetails{};
  }

  // The outcome of a stage run under `owner`'s latest claim.
  StageOutcome Outcome(std::int64_t id, std::string owner, Stage ran, Stage next) {
    const std::int64_t epoch = claims_[owner].epoch;
    return {.call_id = id,
            .lease_owner = std::move(owner),
            .lease_epoch = epoch,
            .ran = ran,
            .started_at_ms = kNow,
            .finished_at_ms = kNow + 50,
            .next = next};
  }

  std::map<std::string, LeaseToken> claims_;
};

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

TEST_P(WorkStoreTest, ACallWaitingForLaterIsNotDueUntilThen) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome wait = Outcome(id, "w1", Stage::kResolve, Stage::kResolve);
  wait.next_attempt_at_ms = kNow + 30'000;
  wait.run_outcome = "waiting";
  ASSERT_TRUE(store_->FinishStage(wait).ok());

  EXPECT_FALSE(Claim("w1", kNow + 29'999));
  auto next_due = store_->NextDueAtMs();
  ASSERT_TRUE(next_due.ok());
  EXPECT_EQ(*next_due, kNow + 30'000);
  EXPECT_TRUE(Claim("w1", kNow + 30'000));
}

TEST_P(WorkStoreTest, FailedAttemptsAreCountedAndClearedOnSuccess) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome retry = Outcome(id, "w1", Stage::kDownload, Stage::kDownload);
  retry.count_attempt = true;
  retry.error = "HTTP 503 from the portal";
  retry.error_kind = "transient";
  ASSERT_TRUE(store_->FinishStage(retry).ok());
  EXPECT_EQ(Find(id).call.attempts, 1);
  EXPECT_EQ(Find(id).call.last_error, "HTTP 503 from the portal");

  ASSERT_TRUE(Claim("w1", kNow + 100));
  ASSERT_TRUE(store_->FinishStage(Outcome(id, "w1", Stage::kDownload, Stage::kPrepare)).ok());
  EXPECT_EQ(Find(id).call.attempts, 0);
  EXPECT_EQ(Find(id).call.last_error, "");
}

TEST_P(WorkStoreTest, RetryReturnsAFailedCallToTheStageThatFailed) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome failed = Outcome(id, "w1", Stage::kTranscribe, Stage::kFailed);
  failed.error = "invalid API key";
  ASSERT_TRUE(store_->FinishStage(failed).ok());
  EXPECT_EQ(Find(id).call.failed_stage, Stage::kTranscribe);
  EXPECT_TRUE(Find(id).call.finished_at_ms.has_value());
  EXPECT_FALSE(Claim("w1", kNow + 1000));

  auto retried = store_->RetryCall(std::to_string(id), kNow + 2000);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(*retried, RetryResult::kRetried);
  auto claimed = Claim("w1", kNow + 2000);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->stage, Stage::kTranscribe);
  EXPECT_EQ(claimed->last_error, "");
}

TEST_P(WorkStoreTest, RetrySendsASkippedCallBackToResolve) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome skipped = Outcome(id, "w1", Stage::kResolve, Stage::kSkipped);
  skipped.skip_reason = "no recording";
  ASSERT_TRUE(store_->FinishStage(skipped).ok());
  EXPECT_EQ(Find(id).call.skip_reason, "no recording");

  ASSERT_EQ(*store_->RetryCall("A", kNow), RetryResult::kRetried);
  EXPECT_EQ(Find(id).call.stage, Stage::kResolve);
  EXPECT_EQ(Find(id).call.skip_reason, "");
}

TEST_P(WorkStoreTest, RetryRefusesCallsInProgressAndUnknownOnes) {
  Record("A");
  EXPECT_EQ(*store_->RetryCall("A", kNow), RetryResult::kNotRetryable);
  EXPECT_EQ(*store_->RetryCall("nope", kNow), RetryResult::kNotFound);
}

TEST_P(WorkStoreTest, ChunkTranscriptsAreKeptOneByOne) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome prepared = Outcome(id, "w1", Stage::kPrepare, Stage::kTranscribe);
  prepared.audio_report_json = R"({"chunks":2})";
  prepared.chunks = std::vector<AudioChunk>{
      {.index = 0, .speaker = "manager", .path = "c0.mp3", .end_ms = 60'000},
      {.index = 1, .speaker = "client", .path = "c1.mp3", .end_ms = 60'000}};
  ASSERT_TRUE(store_->FinishStage(prepared).ok());
  ASSERT_TRUE(store_->SaveChunkTranscript(id, 1, R"({"text":"Алло"})", kNow).ok());

  auto chunks = store_->LoadChunks(id);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_FALSE((*chunks)[0].transcript_json.has_value());
  EXPECT_EQ((*chunks)[1].transcript_json, R"({"text":"Алло"})");
  EXPECT_EQ((*chunks)[1].speaker, "client");
  EXPECT_EQ(Find(id).call.audio_report_json, R"({"chunks":2})");
}

TEST_P(WorkStoreTest, TranscriptAndSummaryAreStoredWithTheStage) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome outcome = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  outcome.segments = std::vector<TranscriptSegment>{
      {.index = 0, .start_ms = 0, .end_ms = 1500, .speaker = "manager", .text = "Добрый день"}};
  outcome.summary = Summary{.model = "gpt-4o",
                            .summary_json = R"({"summary":"ok"})",
                            .call_kind = "conversation",
                            .sentiment = "positive",
                            .created_at_ms = kNow};
  ASSERT_TRUE(store_->FinishStage(outcome).ok());
  CallDetails details = Find(id);
  ASSERT_EQ(details.segments.size(), 1u);
  EXPECT_EQ(details.segments[0].text, "Добрый день");
  ASSERT_TRUE(details.summary);
  EXPECT_EQ(details.summary->sentiment, "positive");
}

TEST_P(WorkStoreTest, DeliveriesAreReplacedPerChannel) {
  std::int64_t id = Record("A");
  auto claimed = Claim("w1");
  ASSERT_TRUE(claimed);
  const LeaseToken lease = LeaseOf(*claimed);
  ASSERT_TRUE(store_->SaveDelivery(lease, {.channel = "telegram", .status = "pending"}).ok());
  ASSERT_TRUE(store_
                  ->SaveDelivery(lease, {.channel = "telegram",
                                         .status = "done",
                                         .attempts = 2,
                                         .external_id = "17",
                                         .delivered_at_ms = kNow,
                                         .attempt_started_at_ms = kNow - 900})
                  .ok());
  CallDetails details = Find(id);
  ASSERT_EQ(details.deliveries.size(), 1u);
  EXPECT_EQ(details.deliveries[0].status, "done");
  EXPECT_EQ(details.deliveries[0].external_id, "17");
  EXPECT_EQ(details.deliveries[0].attempt_started_at_ms, kNow - 900);
}

TEST_P(WorkStoreTest, UsageAddsUpToTheCallsCost) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(store_
                  ->RecordUsage(id, {.stage = Stage::kTranscribe,
                                     .provider = "openai-transcribe",
                                     .model = "whisper-1",
                                     .audio_seconds = 120,
                                     .latency_ms = 900,
                                     .cost_usd = 0.012,
                                     .at_ms = kNow})
                  .ok());
  ASSERT_TRUE(store_
                  ->RecordUsage(id, {.stage = Stage::kSummarize,
                                     .provider = "openai-chat",
                                     .model = "gpt-4o",
                                     .input_tokens = 1000,
                                     .output_tokens = 200,
                                     .latency_ms = 1500,
                                     .cost_usd = 0.0045,
                                     .at_ms = kNow})
                  .ok());
  CallDetails details = Find(id);
  ASSERT_TRUE(details.call.cost_usd);
  EXPECT_NEAR(*details.call.cost_usd, 0.0165, 1e-9);
  ASSERT_EQ(details.usage.size(), 2u);
  EXPECT_EQ(details.usage[1].input_tokens, 1000);
}

TEST_P(WorkStoreTest, ParkedCallsWakeWhenAsked) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome parked = Outcome(id, "w1", Stage::kTranscribe, Stage::kTranscribe);
  parked.next_attempt_at_ms = kNow + 3'600'000;
  parked.error_kind = "config";
  parked.error = "OPENAI_API_KEY is not set";
  ASSERT_TRUE(store_->FinishStage(parked).ok());
  EXPECT_FALSE(Claim("w1", kNow + 1000));
  auto woken = store_->WakeParkedCalls(kNow + 1000);
  ASSERT_TRUE(woken.ok());
  EXPECT_EQ(*woken, 1);
  EXPECT_TRUE(Claim("w1", kNow + 1000));
}

}  // namespace
}  // namespace callbrief::store
