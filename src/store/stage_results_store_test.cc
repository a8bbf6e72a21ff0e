// The pipeline's side of the store, part two: due times, retries, chunks, transcripts,
// deliveries, usage; and the cases where the two databases' SQL differs (dialect.h).
#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;

// The same fixture under its own name (one instantiation per suite name).
class StageResultStoreTest : public WorkStoreTest {};
INSTANTIATE_TEST_SUITE_P(Backends, StageResultStoreTest, testing::AllBackends(),
                         testing::BackendName);

TEST_P(StageResultStoreTest, ACallWaitingForLaterIsNotDueUntilThen) {
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

TEST_P(StageResultStoreTest, FailedAttemptsAreCountedAndClearedOnSuccess) {
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

TEST_P(StageResultStoreTest, RetryReturnsAFailedCallToTheStageThatFailed) {
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

TEST_P(StageResultStoreTest, RetrySendsASkippedCallBackToResolve) {
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

TEST_P(StageResultStoreTest, RetryRefusesCallsInProgressAndUnknownOnes) {
  Record("A");
  EXPECT_EQ(*store_->RetryCall("A", kNow), RetryResult::kNotRetryable);
  EXPECT_EQ(*store_->RetryCall("nope", kNow), RetryResult::kNotFound);
}

TEST_P(StageResultStoreTest, ChunkTranscriptsAreKeptOneByOne) {
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

TEST_P(StageResultStoreTest, TranscriptAndSummaryAreStoredWithTheStage) {
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

TEST_P(StageResultStoreTest, ThePersonalDataReportIsStoredWithTheStageAndReplacedByTheNext) {
  std::int64_t id = Record("A");
  EXPECT_EQ(Find(id).call.pii_report_json, "");  // Never masked.
  ASSERT_TRUE(Claim("w1"));
  StageOutcome transcribed = Outcome(id, "w1", Stage::kTranscribe, Stage::kSummarize);
  transcribed.pii_report_json = R"({"stored_transcript":{"phone":1}})";
  ASSERT_TRUE(store_->FinishStage(transcribed).ok());
  EXPECT_EQ(Find(id).call.pii_report_json, R"({"stored_transcript":{"phone":1}})");

  ASSERT_TRUE(Claim("w1", kNow + 100));
  StageOutcome summarized = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  summarized.pii_report_json = R"({"sent_for_summary":{"phone":2}})";
  ASSERT_TRUE(store_->FinishStage(summarized).ok());
  EXPECT_EQ(Find(id).call.pii_report_json, R"({"sent_for_summary":{"phone":2}})");

  // A stage that does not mention the report leaves it alone.
  ASSERT_TRUE(Claim("w1", kNow + 200));
  ASSERT_TRUE(store_->FinishStage(Outcome(id, "w1", Stage::kDeliver, Stage::kDone)).ok());
  EXPECT_EQ(Find(id).call.pii_report_json, R"({"sent_for_summary":{"phone":2}})");
}

TEST_P(StageResultStoreTest, DeliveriesAreReplacedPerChannel) {
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

TEST_P(StageResultStoreTest, UsageAddsUpToTheCallsCost) {
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

TEST_P(StageResultStoreTest, ParkedCallsWakeWhenAsked) {
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

// ---- Cases where the two databases' SQL differs (dialect.h): each would catch a drift. ----

TEST_P(StageResultStoreTest, ATranscriptLongerThanOneMultiRowInsertIsKeptWholeAndInOrder) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome outcome = Outcome(id, "w1", Stage::kTranscribe, Stage::kSummarize);
  std::vector<TranscriptSegment> segments;
  for (int i = 0; i < 1203; ++i) {  // Three statements of at most 500 rows.
    segments.push_back({.index = i,
                        .start_ms = i * 1000,
                        .end_ms = i * 1000 + 900,
                        .speaker = i % 2 == 0 ? "manager" : "client",
                        .text = "реплика " + std::to_string(i)});
  }
  outcome.segments = segments;
  ASSERT_TRUE(store_->FinishStage(outcome).ok());
  CallDetails details = Find(id);
  ASSERT_EQ(details.segments.size(), segments.size());
  EXPECT_EQ(details.segments[1202].text, "реплика 1202");
  EXPECT_EQ(details.segments[501].start_ms, 501'000);
  EXPECT_EQ(details.segments[500].speaker, "manager");
}

TEST_P(StageResultStoreTest, DeliveriesAreListedByChannelByteByByte) {
  std::int64_t id = Record("A");
  auto claimed = Claim("w1");
  ASSERT_TRUE(claimed);
  const LeaseToken lease = LeaseOf(*claimed);
  for (const char* channel : {"telegram", "Timeline", "bitrix_timeline"}) {
    ASSERT_TRUE(store_->SaveDelivery(lease, {.channel = channel, .status = "pending"}).ok());
  }
  CallDetails details = Find(id);
  ASSERT_EQ(details.deliveries.size(), 3u);
  // Upper case before lower case, as bytes compare (a locale's collation would say otherwise).
  EXPECT_EQ(details.deliveries[0].channel, "Timeline");
  EXPECT_EQ(details.deliveries[1].channel, "bitrix_timeline");
  EXPECT_EQ(details.deliveries[2].channel, "telegram");
}

TEST_P(StageResultStoreTest, CostsAddUpExactlyAsDoublesDo) {
  std::int64_t id = Record("A");
  for (double cost : {0.1, 0.2}) {
    ASSERT_TRUE(store_
                    ->RecordUsage(id, {.stage = Stage::kSummarize,
                                       .provider = "openai-chat",
                                       .cost_usd = cost,
                                       .at_ms = kNow})
                    .ok());
  }
  CallDetails details = Find(id);
  ASSERT_TRUE(details.call.cost_usd);
  EXPECT_EQ(*details.call.cost_usd, 0.1 + 0.2);  // Not rounded to 0.3 on the way in or out.
  ASSERT_EQ(details.usage.size(), 2u);
  EXPECT_EQ(details.usage[0].cost_usd, 0.1);
}

TEST_P(StageResultStoreTest, ALeaseRenewedAtAnyTimeStillEndsOnlyAfterItsLength) {
  // SQLite reads the caller's clock for lease times, PostgreSQL its own: either way a renewed
  // lease of a minute is not over for a claim made a moment later.
  Record("A");
  auto claimed = Claim("w1", kNow, 60'000);
  ASSERT_TRUE(claimed);
  auto lost = store_->RenewLeases(std::vector<LeaseToken>{LeaseOf(*claimed)}, kNow, 60'000);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_TRUE(lost->empty());
  EXPECT_FALSE(Claim("w2", kNow + 1));
}

}  // namespace
}  // namespace callbrief::store
