// `callbrief backup FILE` against the running service, and a restore from its file: the operator's
// procedure of docs/operations.md, "Backups", run for real.

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The ids of Bitrix24 calls the service lists.
std::vector<std::string> ListedCalls(ServiceProcess& service) {
  auto client = service.Client();
  auto res = client.Get("/api/calls?limit=200");
  std::vector<std::string> ids;
  if (!res || res->status != 200) return ids;
  for (const json& call : json::parse(res->body).value("calls", json::array())) {
    ids.push_back(call.value("bitrix_call_id", ""));
  }
  return ids;
}

TEST(BackupTest, CopiesAConsistentDatabaseWhileTheServiceWritesAndRestoresFromIt) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_id = "BACKUP.TEST.1";
  ASSERT_EQ(PostForm(client, event)->status, 200);

  // A second writer on the same database, like a busy service: every transaction adds row n to
  // `probe` and sets `probe_total` to n. A copy of one moment has as many rows as its total.
  {
    SQLite::Database db(service.DatabasePath().string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);  // The service writes too.
    db.exec("CREATE TABLE probe (n INTEGER PRIMARY KEY)");
    db.exec("CREATE TABLE probe_total (total INTEGER NOT NULL)");
    db.exec("INSERT INTO probe_total VALUES (0)");
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    SQLite::Database db(service.DatabasePath().string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);
    for (int n = 1; !stop; ++n) {
      SQLite::Transaction transaction(db);
      db.exec("INSERT INTO probe VALUES (" + std::to_string(n) + ")");
      db.exec("UPDATE probe_total SET total = " + std::to_string(n));
      transaction.commit();
      written = n;
    }
  });
  while (written < 50) std::this_thread::yield();

  // `callbrief backup` as an operator runs it beside the service, on the service's database.
  ServiceProcess operator_shell({{"DATABASE_URL", "sqlite://" + service.DatabasePath().string()}});
  std::vector<fs::path> backups;
  for (int i = 0; i < 3; ++i) {
    const fs::path file = operator_shell.work_dir() / ("backup-" + std::to_string(i) + ".db");
    auto exit = operator_shell.RunToExit({"backup", file.string()});
    ASSERT_TRUE(exit.has_value());
    ASSERT_EQ(*exit, ExitedWith(0)) << operator_shell.Log();
    backups.push_back(file);
  }
  const int written_during = written;
  stop = true;
  writer.join();
  EXPECT_GT(written, 50);
  EXPECT_NE(operator_shell.Stdout().find("integrity ok"), std::string::npos);

  int previous = 0;
  for (const fs::path& file : backups) {
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::others_read, fs::perms::none) << file;
    EXPECT_FALSE(fs::exists(file.string() + "-wal")) << "a backup is one self-contained file";
    SQLite::Database copy(file.string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(copy.execAndGet("PRAGMA integrity_check").getString(), "ok");
    const int total = copy.execAndGet("SELECT total FROM probe_total").getInt();
    EXPECT_EQ(copy.execAndGet("SELECT count(*) FROM probe").getInt(), total) << file;
    EXPECT_EQ(copy.execAndGet("SELECT coalesce(max(n), 0) FROM probe").getInt(), total) << file;
    EXPECT_GE(total, previous);  // Each later backup is a later moment.
    EXPECT_LE(total, written_during);
    previous = total;
  }

  // Restore: the service stopped, the backup put where DATABASE_URL points, the service started.
  ASSERT_TRUE(service.Terminate().has_value());
  ServiceProcess restored;
  fs::create_directories(restored.DatabasePath().parent_path());
  fs::copy_file(backups.back(), restored.DatabasePath());
  ASSERT_TRUE(restored.Start());
  EXPECT_EQ(ListedCalls(restored), std::vector<std::string>{"BACKUP.TEST.1"});
  auto ready = restored.Client().Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
}

TEST(BackupTest, RefusesPostgresqlAndNamesPgDump) {
  ServiceProcess shell({{"DATABASE_URL", "postgresql://callbrief:secret-pw@127.0.0.1:1/cb"}});
  auto exit = shell.RunToExit({"backup", "out.db"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, ExitedWith(2));
  EXPECT_NE(shell.Stderr().find("pg_dump"), std::string::npos) << shell.Stderr();
  EXPECT_EQ(shell.Log().find("secret-pw"), std::string::npos);
}

TEST(BackupTest, AMissingDatabaseIsAnErrorAndNothingIsCreated) {
  ServiceProcess shell;
  auto exit = shell.RunToExit({"backup", "out.db"});
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, ExitedWith(2));
  EXPECT_NE(shell.Stderr().find("there is no SQLite database at data/callbrief.db"),
            std::string::npos)
      << shell.Stderr();
  EXPECT_FALSE(fs::exists(shell.work_dir() / "out.db"));
  EXPECT_FALSE(fs::exists(shell.DatabasePath()));
}

}  // namespace
}  // namespace callbrief::testing
