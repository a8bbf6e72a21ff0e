#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::store {

// Makes durable intake cheap under concurrency: callers on many threads Submit() one call each and
// wait; a single writer thread takes everything queued so far and records it in one transaction
// (one fsync), then wakes every waiter with its own outcome. Under light load a batch is one call
// and nothing waits for a timer; under heavy load batches grow by themselves.
//
// If a whole batch fails, each call of it is retried alone, so one bad row cannot fail the others.
// Thread-safe. The store must outlive the committer; the destructor drains the queue first.
class GroupCommitter {
 public:
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t calls = 0;
    std::size_t largest_batch = 0;
  };

  explicit GroupCommitter(CallIntake& store, std::size_t max_batch = 256);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `call`; the future is ready once it is durable (or failed to be).
  std::future<core::Result<RecordedCall>> Submit(IncomingCall call);

  Stats stats() const;

 private:
  struct Pending {
    IncomingCall call;
    std::promise<core::Result<RecordedCall>> done;
  };

  void Run();
  void Commit(std::vector<Pending>& batch);

  CallIntake& store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread writer_;
};

}  // namespace callbrief::store
