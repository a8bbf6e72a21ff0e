#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/call_store.h"

struct sqlite3;

namespace callbrief::store {

struct SqliteOptions {
  std::string path;          // File name; parent directories are created.
  bool migrate = true;       // Apply pending migrations on open.
  int read_connections = 4;  // Readers run beside the writer thanks to WAL.
  // The time of the store's own records (a setting's and a migration's time); lease and due times
  // come from the caller. Must outlive the store. Null: the system clock.
  const core::Clock* clock = nullptr;
};

// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit has reached
// the disk when it returns. One writer connection (SQLite has one writer at a time anyway) and a
// small pool of readers. Thread-safe.
core::Result<std::unique_ptr<CallStore>> OpenSqliteStore(const SqliteOptions& options);

// Lets a connection opened outside the store (a tool writing the file directly, as the bench's
// call copier) read and write the full-text search index (migration 7), whose FTS5 tokenizer
// "callbrief" every connection needs. kConfig when SQLite lacks FTS5.
core::Status EnableSqliteSearch(sqlite3* db);

// The file path of a `sqlite://PATH` URL (`sqlite:///abs` is absolute, `sqlite://rel` relative).
std::string SqlitePathFromUrl(const std::string& url);

}  // namespace callbrief::store
