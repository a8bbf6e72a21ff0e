#include "store/store_test_backends.h"

#include "store/pg_test_cluster.h"
#include "store/test_support.h"

namespace callbrief::store::testing {
namespace {

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase() : url_("sqlite://" + dir_.File("calls.db")) {}
  const std::string& url() const override { return url_; }

 private:
  TempDir dir_;
  std::string url_;
};

class PostgresTestDatabase final : public TestDatabase {
 public:
  explicit PostgresTestDatabase(std::unique_ptr<PgTestDatabase> db) : db_(std::move(db)) {}
  const std::string& url() const override { return db_->url(); }

 private:
  std::unique_ptr<PgTestDatabase> db_;
};

}  // namespace

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "sqlite" : "postgres";
}

void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

core::Result<std::unique_ptr<TestDatabase>> CreateTestDatabase(Backend backend) {
  if (backend == Backend::kSqlite) {
    return std::unique_ptr<TestDatabase>(std::make_unique<SqliteTestDatabase>());
  }
  auto db = PgTestDatabase::Create();
  if (!db) return db.error();
  return std::unique_ptr<TestDatabase>(std::make_unique<PostgresTestDatabase>(std::move(*db)));
}

void StoreTest::SetUp() {
  if (GetParam() == Backend::kPostgres) {
    CALLBRIEF_REQUIRE_PG_CLUSTER();
  }
  auto db = CreateTestDatabase(GetParam());
  ASSERT_TRUE(db.ok()) << db.error().message;
  db_ = std::move(*db);
  auto opened = OpenAgain();
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  store_ = std::move(*opened);
}

void StoreTest::TearDown() {
  store_.reset();  // Its connections first: the database is dropped next.
  db_.reset();
}

core::Result<std::unique_ptr<CallStore>> StoreTest::OpenAgain(bool migrate) const {
  return OpenStore(db_->url(), migrate);
}

}  // namespace callbrief::store::testing
