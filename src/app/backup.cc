#include "app/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "app/retention.h"
#include "core/redact.h"

namespace callbrief::app {
namespace {

namespace fs = std::filesystem;

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

core::Error SqliteError(sqlite3* db, std::string_view what) {
  return core::Error::Permanent(
      fmt::format("{}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

core::Result<Database> Open(const std::string& path, int flags, std::string_view what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, fmt::format("{} {}", what, path));
  // The service's writer may hold the write lock for a moment (a checkpoint): wait, don't fail.
  sqlite3_busy_timeout(raw, 10000);
  return db;
}

core::Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(db, what);
  return core::Ok();
}

// Flushes a file or a directory to disk, so a rename that follows survives a power cut.
bool Sync(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

core::Result<BackupInfo> BackupSqlite(const std::string& source, const std::string& target) {
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    return core::Error::Config(fmt::format("there is no SQLite database at {}", source));
  }
  if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
    return core::Error::Config("the backup file must not be the database itself");
  }
  const fs::path target_path = fs::absolute(target, ec);
  const fs::path directory = target_path.parent_path();
  if (!fs::is_directory(directory, ec)) {
    return core::Error::Config(fmt::format("the directory {} does not exist", directory.string()));
  }

  // The temporary file is created here, empty and private (an empty file is an empty SQLite
  // database), so SQLite never creates it with the umask's wider rights.
  std::string temp = target_path.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return core::Error::Permanent(fmt::format("cannot create a file in {}: {}", directory.string(),
                                              std::generic_category().message(errno)));
  }
  ::close(fd);
  struct RemoveUnlessKept {
    std::string path;
    bool keep = false;
    ~RemoveUnlessKept() {
      if (!keep) {
        std::error_code ignored;
        fs::remove(path, ignored);
        fs::remove(path + "-journal", ignored);
      }
    }
  } cleanup{temp};

  auto from = Open(source, SQLITE_OPEN_READWRITE, "cannot open the SQLite database");
  if (!from) return from.error();
  auto to = Open(temp, SQLITE_OPEN_READWRITE, "cannot open the backup file");
  if (!to) return to.error();

  sqlite3_backup* backup = sqlite3_backup_init(to->get(), "main", from->get(), "main");
  if (backup == nullptr) return SqliteError(to->get(), "cannot start the backup");
  // All pages in one step: one read transaction on the source, so the copy is one consistent
  // moment. (Copying in slices would restart whenever the service writes, possibly for ever.) A
  // busy source — another connection holding an exclusive lock — is waited for, within bounds.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::int64_t pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return core::Error::Transient(fmt::format("the backup did not finish: {}", sqlite3_errstr(rc)));
  }
  from->reset();

  // A self-contained file: the copy of a WAL database would otherwise expect a -wal beside it.
  if (auto s = Exec(to->get(), "PRAGMA journal_mode = DELETE", "the backup file"); !s) {
    return s.error();
  }
  sqlite3_stmt* check = nullptr;
  if (sqlite3_prepare_v2(to->get(), "PRAGMA integrity_check", -1, &check, nullptr) != SQLITE_OK) {
    return SqliteError(to->get(), "checking the backup");
  }
  std::string verdict;
  if (sqlite3_step(check) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(check, 0);
    verdict = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(check);
  if (verdict != "ok") {
    return core::Error::Permanent(
        fmt::format("the backup failed its integrity check: {}", verdict));
  }
  to->reset();

  if (!Sync(temp, O_RDONLY)) {
    return core::Error::Permanent(fmt::format("cannot flush {} to disk", temp));
  }
  if (std::rename(temp.c_str(), target_path.c_str()) != 0) {
    return core::Error::Permanent(fmt::format("cannot rename the backup to {}: {}",
                                              target_path.string(),
                                              std::generic_category().message(errno)));
  }
  cleanup.keep = true;
  Sync(directory, O_RDONLY | O_DIRECTORY);
  return BackupInfo{.bytes = static_cast<std::int64_t>(fs::file_size(target_path, ec)),
                    .pages = pages};
}

int RunBackup(const core::Config& config, const std::string& file) {
  constexpr std::string_view kScheme = "sqlite://";
  if (!config.database_url.starts_with(kScheme)) {
    std::fprintf(stderr,
                 "callbrief: backup copies a SQLite database; DATABASE_URL is PostgreSQL: back it "
                 "up with pg_dump, e.g. pg_dump --format=custom --file=%s \"$DATABASE_URL\" (see "
                 "docs/operations.md, \"Backups\")\n",
                 file.c_str());
    return 2;
  }
  const std::string source = config.database_url.substr(kScheme.size());
  const auto started = std::chrono::steady_clock::now();
  auto info = BackupSqlite(source, file);
  if (!info) {
    std::fprintf(stderr, "callbrief: backup: %s\n", core::Redact(info.error().message).c_str());
    return info.error().kind == core::ErrorKind::kConfig ? 2 : 1;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::printf("Backed up %s to %s: %s (%lld pages) in %lld ms, integrity ok\n", source.c_str(),
              file.c_str(), FormatBytes(info->bytes).c_str(), static_cast<long long>(info->pages),
              static_cast<long long>(took.count()));
  return 0;
}

}  // namespace callbrief::app
