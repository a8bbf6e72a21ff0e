#include "store/internal/sqlite_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

namespace callbrief::store {

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, std::chrono::milliseconds interval,
                                       int truncate_above_pages)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX,
                                             /*busyTimeoutMs=*/5000)),
      interval_(interval),
      truncate_above_pages_(truncate_above_pages),
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
    // One row: busy (0/1), pages in the WAL, pages copied into the database.
    SQLite::Statement passive(*db_, "PRAGMA wal_checkpoint(PASSIVE)");
    if (!passive.executeStep()) return;
    const int wal_pages = passive.getColumn(1).getInt();
    passive.reset();
    if (wal_pages <= truncate_above_pages_) return;
    SQLite::Statement truncate(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    if (truncate.executeStep() && truncate.getColumn(0).getInt() == 0) {
      spdlog::info("SQLite WAL had {} pages: checkpointed and emptied it", wal_pages);
    } else {
      // Readers stayed the whole busy timeout; the next round tries again.
      dirty_ = true;
    }
  } catch (const SQLite::Exception& e) {
    // Not fatal: the WAL keeps every commit durable; the next round tries again.
    spdlog::warn("SQLite WAL checkpoint failed, will retry: {}", e.what());
    dirty_ = true;
  }
}

}  // namespace callbrief::store
