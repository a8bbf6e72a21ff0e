#include "store/group_commit.h"

#include <algorithm>

namespace callbrief::store {

GroupCommitter::GroupCommitter(CallIntake& store, std::size_t max_batch)
    : store_(store), max_batch_(std::max<std::size_t>(1, max_batch)), writer_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

std::future<core::Result<RecordedCall>> GroupCommitter::Submit(IncomingCall call) {
  Pending pending{std::move(call), {}};
  auto future = pending.done.get_future();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(pending));
  }
  wake_.notify_one();
  return future;
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void GroupCommitter::Run() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping, and everything submitted has been committed.
      std::size_t n = std::min(queue_.size(), max_batch_);
      batch.clear();
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n),
                std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      // Counted before the waiters wake, so a caller that saw its result also sees its batch.
      ++stats_.batches;
      stats_.calls += n;
      stats_.largest_batch = std::max(stats_.largest_batch, n);
    }
    Commit(batch);
  }
}

void GroupCommitter::Commit(std::vector<Pending>& batch) {
  std::vector<IncomingCall> calls;
  calls.reserve(batch.size());
  for (Pending& p : batch) calls.push_back(std::move(p.call));

  auto recorded = store_.RecordIncomingCalls(calls);
  if (recorded) {
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value((*recorded)[i]);
  } else if (batch.size() == 1) {
    batch[0].done.set_value(recorded.error());
  } else {
    // Isolate the failure: each call alone, so only the one that cannot be stored fails.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto single = store_.RecordIncomingCalls(std::span(&calls[i], 1));
      if (single) {
        batch[i].done.set_value((*single)[0]);
      } else {
        batch[i].done.set_value(single.error());
      }
    }
  }
}

}  // namespace callbrief::store
