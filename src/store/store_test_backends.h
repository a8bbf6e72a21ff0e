#pragma once

// The store tests run once per backend (test-only code): a fixture derived from StoreTest gets
// `store_`, opened and migrated on a fresh empty database of the backend named by the test's
// parameter, and the suite is instantiated with
//   INSTANTIATE_TEST_SUITE_P(Backends, MyStoreTest, testing::AllBackends(), testing::BackendName);
// PostgreSQL tests use the shared test cluster (pg_test_cluster.h). When it cannot be started
// they are skipped with the reason, or fail with it when CI=true.

#include <memory>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::store::testing {

enum class Backend { kSqlite, kPostgres };

inline auto AllBackends() { return ::testing::Values(Backend::kSqlite, Backend::kPostgres); }
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);
// "sqlite" or "postgres" in test names and messages.
void PrintTo(Backend backend, std::ostream* os);

// A fresh empty database of one backend, removed when destroyed.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // The DATABASE_URL of this database.
  virtual const std::string& url() const = 0;
};

core::Result<std::unique_ptr<TestDatabase>> CreateTestDatabase(Backend backend);

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Another store on the same database, as after a restart or in a second process.
  core::Result<std::unique_ptr<CallStore>> OpenAgain(bool migrate = true) const;

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<CallStore> store_;
};

}  // namespace callbrief::store::testing
