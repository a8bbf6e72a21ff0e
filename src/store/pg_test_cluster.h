#pragma once

// Throwaway PostgreSQL servers for tests (test-only code, linked into test binaries).
//
// A cluster is a real PostgreSQL 15 from Debian's `postgresql` package: `initdb` in a fresh
// directory under the system temp dir, `pg_ctl start` on a free port, listening on 127.0.0.1 only,
// its Unix socket in the same directory (-k), password (SCRAM) authentication over TCP for the
// superuser `postgres`, durability turned off (fsync=off: nothing here must survive a power cut).
// initdb refuses to run as root, so as root initdb and pg_ctl run as the `postgres` system user
// (`runuser -u postgres --`) and the directory is handed to that user; as any other user they run
// as that user. Stopping a cluster (pg_ctl stop -m fast) removes its directory.

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace callbrief::store::testing {

struct PgClusterInfo {
  int port = 0;
  std::string password{};
  std::string dir{};  // Data directory, socket and logs; removed when the cluster stops.

  // postgresql://postgres:PASSWORD@127.0.0.1:PORT/DATABASE
  std::string Url(std::string_view database) const;
};

// Starts a cluster; the error says why it could not (no server binaries, no `postgres` user as
// root, initdb or pg_ctl failing — with the end of their log).
core::Result<PgClusterInfo> StartPgCluster();
// Stops the cluster and removes its directory. Quiet when it is already gone.
void StopPgCluster(const PgClusterInfo& cluster);

// The file through which `pg-test-cluster start` (a ctest fixture) hands its cluster to the tests:
// the cluster, or the reason there is none.
core::Status SavePgClusterInfo(const core::Result<PgClusterInfo>& cluster, const std::string& path);
core::Result<PgClusterInfo> LoadPgClusterInfo(const std::string& path);

// The environment variable naming that file; ctest sets it for the store tests.
inline constexpr char kPgClusterEnv[] = "CALLBRIEF_TEST_PG_CLUSTER";

// The cluster this test process uses: the ctest fixture's when kPgClusterEnv is set, else one
// started on first use and stopped when the process exits (a watchdog process stops and removes
// it even when this process crashes). Thread-safe.
core::Result<PgClusterInfo> SharedPgCluster();

// True when the environment says this is CI (CI=true): then a missing PostgreSQL fails the tests
// instead of skipping them.
bool InCi();

// In a test body or SetUp(): skips the test when PostgreSQL cannot be started here, and fails it
// with the reason under CI=true, where PostgreSQL is installed and its absence is a broken set-up.
#define CALLBRIEF_REQUIRE_PG_CLUSTER()                                                   \
  if (auto pg_cluster_ = ::callbrief::store::testing::SharedPgCluster(); !pg_cluster_) { \
    if (!::callbrief::store::testing::InCi())                                            \
      GTEST_SKIP() << "PostgreSQL unavailable: " << pg_cluster_.error().message;         \
    GTEST_FAIL() << "PostgreSQL unavailable (CI=true, so this fails): "                  \
                 << pg_cluster_.error().message;                                         \
  }

// A fresh empty database on the shared cluster, dropped (WITH FORCE) when destroyed.
class PgTestDatabase {
 public:
  static core::Result<std::unique_ptr<PgTestDatabase>> Create();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  const PgClusterInfo& cluster() const { return cluster_; }

 private:
  PgTestDatabase(PgClusterInfo cluster, std::string name);

  PgClusterInfo cluster_;
  std::string name_;
  std::string url_;
};

}  // namespace callbrief::store::testing
