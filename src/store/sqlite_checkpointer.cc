#include "store/sqlite_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

namespace callbrief::store {

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, std::chrono::milliseconds interval)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX,
                                             /*busyTimeoutMs=*/5000)),
      interval_(interval),
      thread_([this] { Run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SqliteCheckpointer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    lock.unlock();
    if (dirty_.exchange(false, std::memory_order_relaxed)) Checkpoint();
    lock.lock();
  }
  lock.unlock();
  Checkpoint();
}

void SqliteCheckpointer::Checkpoint() {
  try {
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (const SQLite::Exception& e) {
    // Not fatal: the WAL keeps every commit durable; the next round tries again.
    spdlog::warn("SQLite WAL checkpoint failed, will retry: {}", e.what());
    dirty_ = true;
  }
}

}  // namespace callbrief::store
