#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

#include "asr/transcriber.h"

namespace callbrief::asr {
namespace {

using core::ErrorKind;

// Answers each chunk from a table keyed by index; records concurrency. With `rendezvous` > 1 the
// first calls wait until that many are in flight together (proving they overlap), with a generous
// guard so a sequential implementation fails instead of hanging.
class ScriptedTranscriber final : public Transcriber {
 public:
  std::map<int, core::Error> failures;
  int rendezvous = 0;

  core::Result<ChunkTranscript> Transcribe(const ChunkToTranscribe& chunk) override {
    {
      std::unique_lock lock(mutex_);
      asked_.insert(chunk.index);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      cv_.notify_all();
      if (rendezvous > 1 && chunk.index < rendezvous) {
        met_ |= cv_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return in_flight_ >= rendezvous || met_; });
      }
      --in_flight_;
    }
    if (auto it = failures.find(chunk.index); it != failures.end()) return it->second;
    return ChunkTranscript{.index = chunk.index, .text = "chunk " + std::to_string(chunk.index)};
  }
  int max_in_flight() {
    std::lock_guard lock(mutex_);
    return max_in_flight_;
  }
  bool met() {
    std::lock_guard lock(mutex_);
    return met_;
  }
  std::set<int> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  bool met_ = false;
  std::set<int> asked_;
};

std::vector<ChunkToTranscribe> Chunks(int n) {
  std::vector<ChunkToTranscribe> chunks;
  for (int i = 0; i < n; ++i) chunks.push_back({.index = i});
  return chunks;
}

TEST(TranscribeAllTest, ReturnsTranscriptsInChunkOrderAndReportsEachOnce) {
  ScriptedTranscriber transcriber;
  std::vector<int> reported;
  auto result = TranscribeAll(transcriber, Chunks(7), 3,
                              [&](const ChunkToTranscribe& chunk, const ChunkTranscript& t) {
                                EXPECT_EQ(chunk.index, t.index);
                                reported.push_back(chunk.index);
                                return core::Ok();
                              });
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ((*result)[i].text, "chunk " + std::to_string(i));
  std::sort(reported.begin(), reported.end());
  EXPECT_EQ(reported, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(TranscribeAllTest, SendsChunksInParallelUpToTheBound) {
  ScriptedTranscriber transcriber;
  transcriber.rendezvous = 3;
  auto result = TranscribeAll(transcriber, Chunks(9), 3, nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(transcriber.met());
  EXPECT_EQ(transcriber.max_in_flight(), 3);
}

TEST(TranscribeAllTest, ParallelismOfOneIsSequential) {
  ScriptedTranscriber transcriber;
  ASSERT_TRUE(TranscribeAll(transcriber, Chunks(4), 1, nullptr).ok());
  EXPECT_EQ(transcriber.max_in_flight(), 1);
  ASSERT_TRUE(TranscribeAll(transcriber, Chunks(2), 0, nullptr).ok());  // Treated as 1.
}

TEST(TranscribeAllTest, NoChunksIsAnEmptySuccess) {
  ScriptedTranscriber transcriber;
  auto result = TranscribeAll(transcriber, {}, 4, nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->empty());
}

TEST(TranscribeAllTest, AFailureStopsFurtherChunksButKeepsEarlierResults) {
  ScriptedTranscriber transcriber;
  transcriber.failures.emplace(1, core::Error::RateLimited("429", std::chrono::seconds(2)));
  std::vector<int> stored;
  auto result = TranscribeAll(transcriber, Chunks(5), 1,
                              [&](const ChunkToTranscribe& chunk, const ChunkTranscript&) {
                                stored.push_back(chunk.index);
                                return core::Ok();
                              });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(stored, (std::vector<int>{0}));
  EXPECT_EQ(transcriber.asked(), (std::set<int>{0, 1}));
}

TEST(TranscribeAllTest, PrefersAnErrorRetryingCannotFix) {
  ScriptedTranscriber transcriber;
  transcriber.rendezvous = 2;  // Both in flight together, so both fail.
  transcriber.failures.emplace(0, core::Error::Transient("500"));
  transcriber.failures.emplace(1, core::Error::Permanent("insufficient_quota"));
  auto result = TranscribeAll(transcriber, Chunks(2), 2, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
}

TEST(TranscribeAllTest, AFailingStoreStopsTheBatch) {
  ScriptedTranscriber transcriber;
  auto result = TranscribeAll(transcriber, Chunks(3), 1,
                              [](const ChunkToTranscribe&, const ChunkTranscript&) {
                                return core::Status(core::Error::Transient("disk full"));
                              });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "disk full");
  EXPECT_EQ(transcriber.asked(), (std::set<int>{0}));
}

}  // namespace
}  // namespace callbrief::asr
