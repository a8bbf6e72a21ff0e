// The transcribe stage over a scripted speech-to-text and a real store: a two-channel call's
// chunks become one transcript with speakers, each chunk's transcript and cost is kept the moment
// it arrives, and a retry sends only what is missing. The request itself against the
// OpenAI-compatible emulator: tests/fakes/openai_clients_test.cc; stitching: asr/stitch_test.cc.
#include "pipeline/transcribe_stage.h"

#include <fstream>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "pipeline/chunk_record.h"
#include "testing/claimed_calls.h"
#include "testing/manual_clock.h"
#include "testing/temp_dir.h"

namespace callbrief::pipeline {
namespace {

using core::ErrorKind;

constexpr std::int64_t kNowMs = 1'800'000'000'000;

asr::RawSegment Said(std::int64_t start_ms, std::int64_t end_ms, std::string text) {
  return {.start_ms = start_ms,
          .end_ms = end_ms,
          .text = std::move(text),
          .avg_logprob = -0.2,
          .compression_ratio = 1.2};
}

// What each channel of the recording says: chunk 0 is the manager's, chunk 1 the client's.
asr::ChunkTranscript Heard(int index) {
  asr::ChunkTranscript t{.index = index, .language = "russian"};
  if (index == 0) {
    t.segments = {Said(0, 3000, "Добрый день, компания Ромашка."),
                  Said(6000, 9000, "Да, перенесу на пятницу.")};
  } else {
    t.segments = {Said(3200, 5800, "Можно перенести доставку на пятницу?")};
  }
  for (const asr::RawSegment& s : t.segments) t.text += s.text + " ";
  t.usage = {.provider = "openai-transcribe",
             .model = "whisper-1",
             .operation = "transcribe chunk " + std::to_string(index + 1) + "/2",
             .audio_seconds = 10,
             .cost_usd = 0.001};
  return t;
}

// Answers each chunk with Heard(), except the chunks told to fail; keeps which chunks it was
// asked for. Thread-safe (the stage sends chunks in parallel).
class ScriptedTranscriber final : public asr::Transcriber {
 public:
  core::Result<asr::ChunkTranscript> Transcribe(const asr::ChunkToTranscribe& chunk) override {
    std::lock_guard lock(mutex_);
    asked_.push_back(chunk.index);
    if (auto it = failures_.find(chunk.index); it != failures_.end()) return it->second;
    asr::ChunkTranscript t = Heard(chunk.index);
    EXPECT_EQ(chunk.speaker, chunk.index == 0 ? "manager" : "client");
    return t;
  }
  void Fail(int index, core::Error error) {
    std::lock_guard lock(mutex_);
    failures_.insert_or_assign(index, std::move(error));
  }
  void Heal() {
    std::lock_guard lock(mutex_);
    failures_.clear();
  }
  std::multiset<int> asked() {
    std::lock_guard lock(mutex_);
    return {asked_.begin(), asked_.end()};
  }

 private:
  std::mutex mutex_;
  std::map<int, core::Error> failures_;
  std::vector<int> asked_;
};

class TranscribeStageTest : public ::testing::Test {
 protected:
  // A call prepared into two ten-second chunks, one per channel, whose files exist.
  store::CallDetails Prepared() {
    store::CallDetails claimed = calls_.Claim(store::testing::MakeCall("CALL.1"), kNowMs);
    std::vector<store::AudioChunk> chunks;
    for (int index : {0, 1}) {
      const std::string path = audio_.File("chunk-" + std::to_string(index) + ".ogg");
      std::ofstream(path) << "OggS";
      chunks.push_back(ChunkRecordFrom({.index = index,
                                        .path = path,
                                        .mime_type = "audio/ogg",
                                        .speaker = index == 0 ? "manager" : "client",
                                        .time_map = core::TimeMap({{0, 0, 10'000}}),
                                        .seconds = 10}));
    }
    store::StageOutcome prepared{.call_id = claimed.call.id,
                                 .lease_owner = claimed.call.lease_owner,
                                 .lease_epoch = claimed.call.lease_epoch,
                                 .ran = store::Stage::kPrepare,
                                 .started_at_ms = kNowMs,
                                 .finished_at_ms = kNowMs,
                                 .next = store::Stage::kTranscribe,
                                 .chunks = std::move(chunks)};
    EXPECT_TRUE(calls_.store().FinishStage(prepared).ok());
    return calls_.ClaimAgain("CALL.1", kNowMs);
  }

  TranscribeStage Stage(asr::Transcriber* transcriber) {
    return TranscribeStage(transcriber, calls_.store(), clock_, /*parallelism=*/2);
  }

  testing::ClaimedCalls calls_;
  testing::TempDir audio_;
  testing::ManualClock clock_{core::FromUnixMillis(kNowMs)};
  ScriptedTranscriber transcriber_;
};

TEST_F(TranscribeStageTest, BothChannelsBecomeOneTranscriptInTimeOrderWithTheirSpeakers) {
  auto result = Stage(&transcriber_).Run(Prepared());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kSummarize);
  ASSERT_TRUE(result->segments);
  const std::vector<store::TranscriptSegment>& segments = *result->segments;
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].speaker, "manager");
  EXPECT_EQ(segments[1].speaker, "client");
  EXPECT_EQ(segments[1].text, "Можно перенести доставку на пятницу?");
  EXPECT_EQ(segments[1].start_ms, 3200);
  EXPECT_EQ(segments[1].end_ms, 5800);
  EXPECT_EQ(segments[2].speaker, "manager");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(segments[i].index, i);
}

TEST_F(TranscribeStageTest, EachChunksTranscriptAndCostAreKeptTheMomentItArrives) {
  ASSERT_TRUE(Stage(&transcriber_).Run(Prepared()).ok());
  auto chunks = calls_.store().LoadChunks(calls_.Stored("CALL.1").call.id);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 2u);
  for (const store::AudioChunk& chunk : *chunks) {
    ASSERT_TRUE(chunk.transcript_json) << "chunk " << chunk.index;
    EXPECT_NE(chunk.transcript_json->find("пятницу"), std::string::npos);
  }
  const std::vector<store::UsageRow> usage = calls_.Stored("CALL.1").usage;
  ASSERT_EQ(usage.size(), 2u);
  for (const store::UsageRow& row : usage) {
    EXPECT_EQ(row.stage, store::Stage::kTranscribe);
    EXPECT_EQ(row.audio_seconds, 10);
    EXPECT_EQ(row.at_ms, kNowMs);
  }
}

TEST_F(TranscribeStageTest, ARetryAfterAFailedChunkSendsOnlyTheChunkStillMissing) {
  transcriber_.Fail(1, core::Error::Transient("HTTP 502"));
  auto failed = Stage(&transcriber_).Run(Prepared());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kTransient) << "the retry policy decides";

  transcriber_.Heal();
  auto retried = Stage(&transcriber_).Run(calls_.ClaimAgain("CALL.1", kNowMs + 60'000));
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(transcriber_.asked(), (std::multiset<int>{0, 1, 1})) << "chunk 0 is paid for once";
  ASSERT_TRUE(retried->segments);
  EXPECT_EQ(retried->segments->size(), 3u);
  EXPECT_EQ(calls_.Stored("CALL.1").usage.size(), 2u);
}

TEST_F(TranscribeStageTest, ChunksWhoseFilesAreGoneSendTheCallBackToDownload) {
  store::CallDetails prepared = Prepared();
  std::filesystem::remove(audio_.File("chunk-1.ogg"));
  auto result = Stage(&transcriber_).Run(prepared);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, store::Stage::kDownload);
  EXPECT_NE(result->note.find("DATA_DIR"), std::string::npos) << result->note;
  EXPECT_TRUE(transcriber_.asked().empty()) << "nothing is sent before the audio is back";
}

TEST_F(TranscribeStageTest, WithoutASpeechToTextKeyTheCallParksOnAnErrorNamingTheSetting) {
  auto result = Stage(/*transcriber=*/nullptr).Run(Prepared());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
  EXPECT_NE(result.error().message.find("TRANSCRIBE_API_KEY"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::pipeline
