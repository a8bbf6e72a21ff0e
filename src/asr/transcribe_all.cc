#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "asr/transcriber.h"

namespace callbrief::asr {
namespace {

// Shared by the worker threads of one TranscribeAll call.
class Batch {
 public:
  Batch(Transcriber& transcriber, const std::vector<ChunkToTranscribe>& chunks,
        const ChunkDone& on_chunk_done)
      : transcriber_(transcriber),
        chunks_(chunks),
        on_chunk_done_(on_chunk_done),
        results_(chunks.size()) {}

  void Work() {
    while (auto next = Take()) {
      const ChunkToTranscribe& chunk = chunks_[*next];
      core::Result<ChunkTranscript> result = transcriber_.Transcribe(chunk);
      std::lock_guard lock(mutex_);
      if (!result) {
        Fail(result.error());
        continue;
      }
      if (on_chunk_done_) {
        // Under the lock: the callback is never called concurrently.
        if (core::Status stored = on_chunk_done_(chunk, *result); !stored) {
          Fail(stored.error());
          continue;
        }
      }
      results_[*next] = std::move(*result);
    }
  }

  core::Result<std::vector<ChunkTranscript>> Finish() {
    if (error_) return *error_;
    std::vector<ChunkTranscript> out;
    out.reserve(results_.size());
    for (auto& result : results_) out.push_back(std::move(*result));
    return out;
  }

 private:
  std::optional<std::size_t> Take() {
    std::lock_guard lock(mutex_);
    if (error_ || next_ >= chunks_.size()) return std::nullopt;
    return next_++;
  }

  // Keeps the error that matters most: one retrying cannot fix beats a retryable one.
  void Fail(const core::Error& error) {
    if (!error_ || (error_->IsRetryable() && !error.IsRetryable())) error_ = error;
  }

  Transcriber& transcriber_;
  const std::vector<ChunkToTranscribe>& chunks_;
  const ChunkDone& on_chunk_done_;
  std::mutex mutex_;
  std::size_t next_ = 0;                                 // Guarded by mutex_.
  std::vector<std::optional<ChunkTranscript>> results_;  // Guarded by mutex_.
  std::optional<core::Error> error_;                     // Guarded by mutex_.
};

}  // namespace

core::Result<std::vector<ChunkTranscript>> TranscribeAll(
    Transcriber& transcriber, const std::vector<ChunkToTranscribe>& chunks, int parallelism,
    const ChunkDone& on_chunk_done) {
  Batch batch(transcriber, chunks, on_chunk_done);
  std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(parallelism, 1)), chunks.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back([&batch] { batch.Work(); });
  batch.Work();  // The calling thread is one of the workers.
  for (auto& worker : workers) worker.join();
  return batch.Finish();
}

}  // namespace callbrief::asr
