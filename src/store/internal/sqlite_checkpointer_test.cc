#include "store/internal/sqlite_checkpointer.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/test_support.h"

namespace callbrief::store {
namespace {

using testing::TempDir;

// A WAL database whose own connection never checkpoints, as SqliteStore's writer.
std::unique_ptr<SQLite::Database> OpenWriter(const std::string& path) {
  auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA wal_autocheckpoint = 0");
  db->exec("CREATE TABLE t (payload BLOB)");
  return db;
}

void WriteKilobytes(SQLite::Database& db, int kilobytes) {
  SQLite::Transaction tx(db);
  SQLite::Statement insert(db, "INSERT INTO t VALUES (zeroblob(1024))");
  for (int i = 0; i < kilobytes; ++i) {
    insert.exec();
    insert.reset();
  }
  tx.commit();
}

std::uintmax_t WalBytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path + "-wal", ec);
  return ec ? 0 : size;
}

// Polls `done` for up to 10 s (the checkpointer runs on its own thread).
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 1000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST(SqliteCheckpointerTest, AWalPastTheLimitIsCheckpointedAndEmptied) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  auto writer = OpenWriter(path);
  SqliteCheckpointer checkpointer(path, std::chrono::milliseconds(5), /*truncate_above_pages=*/64);
  WriteKilobytes(*writer, 2048);  // About 512 pages of 4 KiB: far past the limit.
  ASSERT_GT(WalBytes(path), 1024u * 1024u);
  checkpointer.NoteCommit();
  EXPECT_TRUE(Eventually([&] { return WalBytes(path) == 0; })) << WalBytes(path) << " bytes";
  EXPECT_EQ(writer->execAndGet("SELECT COUNT(*) FROM t").getInt(), 2048);
}

TEST(SqliteCheckpointerTest, ASmallWalIsLeftToPassiveCheckpoints) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  auto writer = OpenWriter(path);
  std::uintmax_t wal_bytes = 0;
  {
    SqliteCheckpointer checkpointer(path, std::chrono::milliseconds(5));
    WriteKilobytes(*writer, 256);
    wal_bytes = WalBytes(path);
    checkpointer.NoteCommit();
  }  // The destructor runs a last PASSIVE checkpoint.
  // PASSIVE copied the pages into the database but never shrinks the WAL file.
  EXPECT_EQ(WalBytes(path), wal_bytes);
  SQLite::Database reader(path);
  EXPECT_EQ(reader.execAndGet("SELECT COUNT(*) FROM t").getInt(), 256);
}

TEST(SqliteCheckpointerTest, AReaderHoldingTheWalOnlyDelaysTheTruncation) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  auto writer = OpenWriter(path);
  WriteKilobytes(*writer, 1024);
  auto reader = std::make_unique<SQLite::Database>(path);
  reader->exec("BEGIN");
  ASSERT_EQ(reader->execAndGet("SELECT COUNT(*) FROM t").getInt(), 1024);  // Pins a snapshot.
  WriteKilobytes(*writer, 1024);
  SqliteCheckpointer checkpointer(path, std::chrono::milliseconds(5), /*truncate_above_pages=*/64);
  checkpointer.NoteCommit();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  reader->exec("COMMIT");
  reader.reset();
  EXPECT_TRUE(Eventually([&] { return WalBytes(path) == 0; })) << WalBytes(path) << " bytes";
}

}  // namespace
}  // namespace callbrief::store
