#pragma once

// The SQLite driver: one file in WAL mode with synchronous=FULL, so a commit has reached the disk
// when it returns. One writer connection (SQLite has one writer at a time anyway) behind a lock,
// and a small pool of read-only connections that read beside it. Nothing outside src/store
// includes this.

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

// Opens (creating the file and its directories) and configures the writer; readers are opened
// when first needed. kConfig when the file cannot be opened.
core::Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                           int read_connections);

// The statement with PostgreSQL's $N placeholders written as SQLite's ?N (same numbering), text
// in quotes left alone. Pure, for tests.
std::string SqlitePlaceholders(std::string_view sql);

// An SQLite result code as an error: a busy or locked database and I/O trouble are worth
// retrying; anything else is a bug or a damaged file. Pure, for tests.
core::Error SqliteError(int code, std::string_view message);

}  // namespace callbrief::store::internal
