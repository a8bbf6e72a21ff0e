#include "store/internal/write_group.h"

#include <algorithm>
#include <vector>

namespace callbrief::store::internal {
namespace {

using core::Status;

bool AllOrNothing(Access access) {
  return access == Access::kTransaction || access == Access::kUnsynced;
}

Status Alone(Connection& c, std::string_view begin, WriteUnit& unit) {
  if (!AllOrNothing(unit.access)) return (*unit.work)(c);
  STORE_RETURN_IF_ERROR(c.Exec(begin));
  Status done = (*unit.work)(c);
  if (done.ok()) done = Done(c.Exec("COMMIT"));
  if (!done.ok()) (void)c.Exec("ROLLBACK");  // Fails only when nothing is left to undo.
  return done;
}

// Ends the savepoint of a unit: kept, or undone where the unit is all or nothing.
Status EndUnit(Connection& c, const WriteUnit& unit) {
  if (!unit.status.ok() && AllOrNothing(unit.access)) {
    STORE_RETURN_IF_ERROR(c.Exec("ROLLBACK TO unit"));
  }
  return Done(c.Exec("RELEASE unit"));
}

// Runs batch[from…] in one transaction until the end or until the transaction is lost, and
// answers the index of the first unit not yet run.
size_t RunFrom(Connection& c, std::string_view begin, std::span<WriteUnit* const> batch,
               size_t from) {
  if (Status began = Done(c.Exec(begin)); !began.ok()) {
    for (size_t i = from; i < batch.size(); ++i) batch[i]->status = began;
    return batch.size();
  }
  size_t next = from;
  Status lost = core::Ok();
  while (next < batch.size()) {
    WriteUnit& unit = *batch[next];
    if (Status saved = Done(c.Exec("SAVEPOINT unit")); !saved.ok()) {
      lost = saved;
      if (next == from) {  // Not even the first unit could start: it fails, never retried forever.
        unit.status = saved;
        ++next;
      }
      break;
    }
    unit.status = (*unit.work)(c);
    ++next;
    if (Status ended = EndUnit(c, unit); !ended.ok()) {
      lost = ended;  // The database rolled the transaction back (a full disk, I/O trouble).
      break;
    }
  }
  if (lost.ok()) lost = Done(c.Exec("COMMIT"));
  if (lost.ok()) return next;
  (void)c.Exec("ROLLBACK");
  // Transient whatever ended the transaction: these writes did nothing wrong, and the same write
  // again, in another transaction, can succeed.
  const core::Error error = core::Error::Transient(
      "the transaction this write shared with others was lost: " + lost.error().message);
  for (size_t i = from; i < next; ++i) {
    if (batch[i]->status.ok()) batch[i]->status = error;
  }
  return next;
}

}  // namespace

WriteGroup::WriteGroup(Commit commit, std::size_t max_batch)
    : commit_(std::move(commit)), max_batch_(std::max<std::size_t>(1, max_batch)) {}

Status WriteGroup::Submit(Access access, const std::function<Status(Connection&)>& work) {
  WriteUnit unit{.access = access, .work = &work};
  std::unique_lock lock(mutex_);
  queue_.push_back(&unit);
  while (!unit.done) {
    if (leading_) {
      ended_.wait(lock);
      continue;
    }
    leading_ = true;
    const size_t n = std::min(queue_.size(), max_batch_);
    std::vector<WriteUnit*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    ++stats_.batches;
    stats_.units += n;
    stats_.largest_batch = std::max(stats_.largest_batch, n);
    lock.unlock();
    commit_(batch);
    lock.lock();
    for (WriteUnit* done : batch) done->done = true;
    leading_ = false;
    ended_.notify_all();
  }
  return unit.status;
}

std::size_t WriteGroup::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

WriteGroup::Stats WriteGroup::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void RunInOneTransaction(Connection& c, std::string_view begin, std::span<WriteUnit* const> batch) {
  if (batch.size() == 1) {
    batch[0]->status = Alone(c, begin, *batch[0]);
    return;
  }
  for (size_t next = 0; next < batch.size();) next = RunFrom(c, begin, batch, next);
}

}  // namespace callbrief::store::internal
