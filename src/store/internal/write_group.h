#pragma once

// Group commit of every write to an SQLite database (issue 15, item 2): intake's batches, the
// workers' claims and stage results, deliveries, leases. SQLite has one writer and
// synchronous=FULL syncs the WAL at every commit, so writes made one transaction each queue for
// the lock and pay one sync each; here they share transactions and syncs. Nothing outside
// src/store includes this.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string_view>

#include "core/result.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

// One unit of work that writes, as Database::Run hands it over: its access (kWrite,
// kTransaction or kUnsynced — all or nothing, like kTransaction), the work, and once its batch has
// ended, its outcome.
struct WriteUnit {
  Access access = Access::kWrite;
  const std::function<core::Status(Connection&)>* work = nullptr;
  core::Status status = core::Ok();
  bool done = false;  // Set by the group once the unit's batch has ended.
};

// Leader/follower group commit without a thread of its own. Callers on many threads Submit() a
// unit and wait; the first to find no batch running leads: it takes every unit queued so far (its
// own among them, at most `max_batch`), hands them to `commit` — which runs them in one
// transaction and sets each one's outcome — and wakes the others. A waiter whose unit was left
// for later leads the next batch. Under light load a unit runs at once on its caller's thread;
// under load batches grow by themselves while one commits, and nothing waits for a timer.
// `commit` is never run by two threads at once. Thread-safe.
class WriteGroup {
 public:
  using Commit = std::function<void(std::span<WriteUnit* const> batch)>;
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t units = 0;
    std::size_t largest_batch = 0;
  };

  explicit WriteGroup(Commit commit, std::size_t max_batch = 64);
  WriteGroup(const WriteGroup&) = delete;
  WriteGroup& operator=(const WriteGroup&) = delete;

  // Runs `work` in the next batch and answers its outcome once that batch has ended (committed:
  // durable; or failed). `work` must not submit to this group itself.
  core::Status Submit(Access access, const std::function<core::Status(Connection&)>& work);

  // Units waiting for a batch now (not those of the batch running).
  std::size_t queued() const;
  Stats stats() const;

 private:
  const Commit commit_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable ended_;  // A batch ended: its units are done, a new leader may start.
  std::deque<WriteUnit*> queue_;
  bool leading_ = false;  // A batch is running.
  Stats stats_;
};

// Runs `batch` on `c` as one transaction (`begin` … COMMIT), each unit in its own savepoint, and
// sets each unit's outcome: a unit whose work fails is undone alone (kTransaction: all or
// nothing) or keeps the statements that succeeded before the failing one (kWrite: each statement
// on its own, as outside a batch), and the others still commit. When the transaction itself is
// lost (the database rolled it back after an error, COMMIT failed), every other unit it held
// answers a kTransient error saying so, and the units after it run in a new transaction. A batch of
// one runs as it would alone: a kWrite without a transaction, a kTransaction in its own.
void RunInOneTransaction(Connection& c, std::string_view begin, std::span<WriteUnit* const> batch);

}  // namespace callbrief::store::internal
