#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/result.h"

namespace callbrief::app {

// What `callbrief backup` wrote.
struct BackupInfo {
  std::int64_t bytes = 0;  // Size of the backup file.
  std::int64_t pages = 0;  // Database pages copied.
};

// Copies the SQLite database at `source` into `target` with SQLite's online backup API, in one
// read transaction: the copy is the database as of one moment, however much the running service
// writes meanwhile (in WAL mode the service's writes are not held up). The copy is written beside
// `target` under a temporary name, made a self-contained file (no -wal), checked with
// `PRAGMA integrity_check`, flushed to disk and only then renamed over `target`, so `target` is
// never a half-written file. It is created readable by its owner only: the database holds the
// login sessions' secret. The source is never created: a missing database is an error.
core::Result<BackupInfo> BackupSqlite(const std::string& source, const std::string& target);

// `callbrief backup FILE`: the DATABASE_URL's SQLite database into FILE; for PostgreSQL, an error
// that names pg_dump. Prints one line; returns the exit code.
int RunBackup(const core::Config& config, const std::string& file);

}  // namespace callbrief::app
