// The drivers under the one store: the same statements, parameters and transactions behave the
// same on SQLite and on PostgreSQL.
#include "store/internal/driver.h"

#include <gtest/gtest.h>

#include "store/internal/postgres_driver.h"
#include "store/internal/sqlite_driver.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store_test_backends.h"

namespace callbrief::store::internal {
namespace {

using core::ErrorKind;
using core::Result;
using core::Status;

TEST(SqlitePlaceholdersTest, NumberedParametersKeepTheirNumbersAndQuotedTextIsLeftAlone) {
  EXPECT_EQ(SqlitePlaceholders("SELECT $1, $12 WHERE a = $2"), "SELECT ?1, ?12 WHERE a = ?2");
  EXPECT_EQ(SqlitePlaceholders("SELECT json_extract(b, '$.a'), '$1', \"$2\", $3"),
            "SELECT json_extract(b, '$.a'), '$1', \"$2\", ?3");
}

TEST(SqliteErrorTest, BusyAndIoTroubleAreTransientTheRestPermanent) {
  EXPECT_EQ(SqliteError(5, "database is locked").kind, ErrorKind::kTransient);    // BUSY
  EXPECT_EQ(SqliteError(6, "table is locked").kind, ErrorKind::kTransient);       // LOCKED
  EXPECT_EQ(SqliteError(10 | (1 << 8), "disk I/O").kind, ErrorKind::kTransient);  // IOERR_READ
  EXPECT_EQ(SqliteError(13, "disk full").kind, ErrorKind::kTransient);            // FULL
  EXPECT_EQ(SqliteError(19, "UNIQUE constraint").kind, ErrorKind::kPermanent);    // CONSTRAINT
  EXPECT_NE(SqliteError(1, "no such table: x").message.find("no such table: x"), std::string::npos);
}

TEST(RowsTest, TextCellsReadAsNumbersAndNullsAsNothing) {
  Rows rows(3, {std::string("42"), std::string("0.30000000000000004"), std::monostate{}}, 0);
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(rows.Int64(0, 0), 42);
  EXPECT_EQ(rows.Double(0, 1), 0.1 + 0.2);
  EXPECT_TRUE(rows.IsNull(0, 2));
  EXPECT_EQ(rows.Text(0, 2), "");
  EXPECT_EQ(rows.OptionalInt64(0, 2), std::nullopt);
  EXPECT_EQ(Rows(2, {std::int64_t{7}, 2.5}, 0).Text(0, 0), "7");
}

// Runs on every backend: `db_` is a driver on a fresh, empty database.
class DriverTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_.reset();  // Only the database is wanted here.
    const std::string& url = db_->url();
    auto db = IsPostgresUrl(url) ? OpenPostgresDatabase(url, 2)
                                 : OpenSqliteDatabase(SqlitePathFromUrl(url), 2);
    ASSERT_TRUE(db.ok()) << db.error().message;
    driver_ = std::move(*db);
    ASSERT_TRUE(
        driver_
            ->Run(Access::kWrite, "creating t",
                  [](Connection& c) {
                    return c.Script(
                        "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, r DOUBLE PRECISION)");
                  })
            .ok());
  }
  void TearDown() override {
    driver_.reset();
    testing::StoreTest::TearDown();
  }

  Result<Rows> Query(std::string_view sql, const Params& params = Params()) {
    return driver_->Run(Access::kRead, "reading",
                        [&](Connection& c) { return c.Exec(sql, params); });
  }

  std::unique_ptr<Database> driver_;
};
INSTANTIATE_TEST_SUITE_P(Backends, DriverTest, testing::AllBackends(), testing::BackendName);

TEST_P(DriverTest, ParametersGoInAndComeBackWithTheirTypesAndNulls) {
  auto written = driver_->Run(Access::kWrite, "writing", [](Connection& c) {
    return c.Exec("INSERT INTO t (k, n, r) VALUES ($1, $2, $3), ($4, $5, $6)",
                  Params("a", std::int64_t{1} << 40, 0.1 + 0.2, "b", std::optional<int>(),
                         std::optional<double>()));
  });
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->affected(), 2);
  auto rows = Query("SELECT k, n, r FROM t ORDER BY k");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2);
  EXPECT_EQ(rows->Text(0, 0), "a");
  EXPECT_EQ(rows->Int64(0, 1), std::int64_t{1} << 40);
  EXPECT_EQ(rows->Double(0, 2), 0.1 + 0.2);  // Exactly, not rounded on the way.
  EXPECT_EQ(rows->OptionalInt64(1, 1), std::nullopt);
  EXPECT_EQ(rows->OptionalDouble(1, 2), std::nullopt);
}

TEST_P(DriverTest, AParameterUsedTwiceIsBoundOnce) {
  auto rows = Query("SELECT $1 + 1 = $1 + 1, $2", Params(41, "x"));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->Text(0, 1), "x");
}

TEST_P(DriverTest, AFailedTransactionLeavesNothingBehind) {
  auto failed = driver_->Run(Access::kTransaction, "writing twice", [](Connection& c) -> Status {
    STORE_RETURN_IF_ERROR(c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a")));
    return Done(c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a")));  // Duplicate key.
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kPermanent) << failed.error().message;
  EXPECT_EQ(failed.error().message.rfind("writing twice: ", 0), 0u) << failed.error().message;
  auto rows = Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int64(0, 0), 0);
  // The connection is fit for the next unit of work.
  auto again = driver_->Run(Access::kTransaction, "writing once", [](Connection& c) {
    return c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a"));
  });
  EXPECT_TRUE(again.ok()) << again.error().message;
}

TEST_P(DriverTest, AnErrorOfTheWorkRollsBackWhatItWrote) {
  auto refused = driver_->Run(Access::kTransaction, "writing", [](Connection& c) -> Status {
    STORE_RETURN_IF_ERROR(c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a")));
    return core::Error::Permanent("changed my mind");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "writing: changed my mind");
  auto rows = Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Int64(0, 0), 0);
}

TEST_P(DriverTest, ALeaseWriteIsCommittedWhenItSucceedsAndUndoneWhenItFails) {
  auto claimed = driver_->Run(Access::kUnsynced, "claiming", [](Connection& c) {
    return c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a"));
  });
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  auto refused = driver_->Run(Access::kUnsynced, "claiming twice", [](Connection& c) -> Status {
    STORE_RETURN_IF_ERROR(c.Exec("INSERT INTO t (k) VALUES ($1)", Params("b")));
    return Done(c.Exec("INSERT INTO t (k) VALUES ($1)", Params("a")));  // Duplicate key.
  });
  ASSERT_FALSE(refused.ok());
  auto rows = Query("SELECT k FROM t ORDER BY k");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1);
  EXPECT_EQ(rows->Text(0, 0), "a");
}

TEST_P(DriverTest, AMalformedStatementIsAPermanentErrorThatSaysWhatTheDatabaseSaid) {
  auto rows = Query("SELEC 1");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(rows.error().message.find("SELEC"), std::string::npos) << rows.error().message;
}

}  // namespace
}  // namespace callbrief::store::internal
