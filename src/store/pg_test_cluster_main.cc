// pg-test-cluster start|stop FILE — the ctest fixture around the store tests: `start` runs a
// throwaway PostgreSQL (pg_test_cluster.h) and writes where it is to FILE, `stop` stops it and
// removes it and FILE. When no cluster can be started, `start` writes the reason to FILE and still
// succeeds, so the SQLite tests run; every PostgreSQL test then reports the reason (a skip
// locally, a failure when CI=true).

#include <cstdio>
#include <filesystem>
#include <string>

#include "store/pg_test_cluster.h"

using namespace callbrief::store::testing;

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::fprintf(stderr, "usage: pg-test-cluster start|stop FILE\n");
    return 2;
  }
  const std::string command = argv[1], file = argv[2];
  // A run interrupted before its `stop` left its cluster running: stop it first.
  if (auto previous = LoadPgClusterInfo(file); previous.ok()) StopPgCluster(*previous);
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  if (command == "stop") return 0;

  auto cluster = StartPgCluster();
  if (auto saved = SavePgClusterInfo(cluster, file); !saved) {
    std::fprintf(stderr, "pg-test-cluster: %s\n", saved.error().message.c_str());
    if (cluster) StopPgCluster(*cluster);
    return 1;
  }
  if (cluster) {
    std::printf("test PostgreSQL on 127.0.0.1:%d in %s\n", cluster->port, cluster->dir.c_str());
  } else {
    std::printf("no test PostgreSQL (%s tests will say so): %s\n", InCi() ? "CI: the" : "the",
                cluster.error().message.c_str());
  }
  return 0;
}
