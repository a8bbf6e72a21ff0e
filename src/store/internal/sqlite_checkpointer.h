#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace SQLite {
class Database;
}

namespace callbrief::store {

// Moves committed pages from the WAL into the database file on its own thread and connection.
// SQLite's automatic checkpoint would run inside the committing writer, and with
// synchronous=FULL it syncs the database file too: every few hundred commits one batch of webhook
// acknowledgements would wait for it. Here the writer only calls NoteCommit(); a PASSIVE checkpoint
// never blocks the writer or readers.
//
// A PASSIVE checkpoint cannot copy pages a reader still sees, and it never makes the WAL file
// smaller: under sustained writes with overlapping readers the file would grow without bound.
// When the WAL holds more than `truncate_above_pages` pages after a PASSIVE round, a TRUNCATE
// checkpoint waits (up to the busy timeout) for a moment without readers, copies everything and
// empties the file. Writers wait during that moment, longer the larger the WAL: at 4 MiB it is
// short; at 256 MiB (the threshold before issue 15) it was the p99 of intake under load, every
// few seconds with the workers reading beside a sustained write load (bench/README.md).
class SqliteCheckpointer {
 public:
  static constexpr int kDefaultTruncateAbovePages = 1024;  // 4 MiB with 4 KiB pages.

  SqliteCheckpointer(const std::string& path, std::chrono::milliseconds interval,
                     int truncate_above_pages = kDefaultTruncateAbovePages);
  ~SqliteCheckpointer();  // Stops the thread after a last checkpoint.
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  void NoteCommit() { dirty_.store(true, std::memory_order_relaxed); }

 private:
  void Run();
  void Checkpoint();

  std::unique_ptr<SQLite::Database> db_;
  const std::chrono::milliseconds interval_;
  const int truncate_above_pages_;
  std::atomic<bool> dirty_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace callbrief::store
