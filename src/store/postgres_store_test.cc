// What only the PostgreSQL store has: its migrations on a server, connection errors and their
// kinds, passwords kept out of messages, recovery from a lost connection. Everything the two
// backends share runs on both in the other store tests.
#include "store/postgres_store.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/redact.h"
#include "store/internal/dialect.h"
#include "store/internal/postgres_driver.h"
#include "store/pg_test_cluster.h"

namespace callbrief::store {
namespace {

using core::ErrorKind;
using testing::PgTestDatabase;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CALLBRIEF_REQUIRE_PG_CLUSTER();
    auto db = PgTestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }

  // Runs statements on the test database behind the store's back.
  internal::Rows Sql(const std::string& sql) {
    auto c = internal::ConnectPostgres(db_->url());
    EXPECT_TRUE(c.ok()) << c.error().message;
    if (!c.ok()) return {};
    auto rows = (*c)->Exec(sql);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? std::move(*rows) : internal::Rows();
  }

  // The test database's URL with the password replaced.
  std::string UrlWithPassword(const std::string& password) const {
    testing::PgClusterInfo cluster = db_->cluster();
    cluster.password = password;
    return cluster.Url(db_->name());
  }

  std::unique_ptr<PgTestDatabase> db_;
};

TEST_F(PostgresStoreTest, OpeningWithoutMigrateRefusesAnEmptyDatabaseAndSaysWhatToRun) {
  auto opened = OpenStore(db_->url(), /*migrate=*/false);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
  EXPECT_NE(opened.error().message.find("callbrief migrate"), std::string::npos)
      << opened.error().message;
}

TEST_F(PostgresStoreTest, MigrateIsIdempotentAndReportsTheLatestVersion) {
  auto first = MigrateStore(db_->url());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, internal::PostgresDialect().migrations.back().version);
  auto second = MigrateStore(db_->url());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_migrations").Int(0, 0),
            static_cast<int>(internal::PostgresDialect().migrations.size()));
  auto opened = OpenStore(db_->url(), /*migrate=*/false);
  EXPECT_TRUE(opened.ok()) << opened.error().message;
}

TEST_F(PostgresStoreTest, ANewerSchemaThanThisBinaryKnowsIsRefused) {
  ASSERT_TRUE(MigrateStore(db_->url()).ok());
  Sql("INSERT INTO schema_migrations VALUES (999, 'future', 0)");
  auto opened = OpenStore(db_->url(), /*migrate=*/true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
  EXPECT_NE(opened.error().message.find("upgrade callbrief"), std::string::npos);
}

TEST_F(PostgresStoreTest, CreatesTheWholePipelineSchema) {
  ASSERT_TRUE(MigrateStore(db_->url()).ok());
  for (const char* table :
       {"calls", "raw_events", "stage_runs", "audio_chunks", "transcript_segments", "summaries",
        "deliveries", "provider_usage", "settings"}) {
    auto rows = Sql(std::string("SELECT to_regclass('") + table + "') IS NOT NULL");
    EXPECT_EQ(rows.Text(0, 0), "t") << table;
  }
}

TEST_F(PostgresStoreTest, InstancesStartingTogetherMigrateOnceAndAllOpen) {
  constexpr int kInstances = 4;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kInstances);
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      auto opened = OpenStore(db_->url(), /*migrate=*/true);
      if (!opened.ok()) errors[i] = opened.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& error : errors) EXPECT_EQ(error, "");
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM schema_migrations").Int(0, 0),
            static_cast<int>(internal::PostgresDialect().migrations.size()));
}

TEST_F(PostgresStoreTest, AWrongPasswordIsAConfigErrorThatNeverShowsThePassword) {
  auto opened = OpenStore(UrlWithPassword("wrong-pass-7731"), true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
  EXPECT_NE(opened.error().message.find("password authentication failed"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("wrong-pass-7731"), std::string::npos)
      << opened.error().message;
  // Whatever else prints the URL (doctor, logs) masks the password too.
  EXPECT_EQ(core::Redact("DATABASE_URL password wrong-pass-7731"), "DATABASE_URL password ***");
}

TEST_F(PostgresStoreTest, AMissingDatabaseIsAConfigError) {
  testing::PgClusterInfo cluster = db_->cluster();
  auto opened = OpenStore(cluster.Url("no_such_database"), true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
  EXPECT_NE(opened.error().message.find("no_such_database"), std::string::npos);
  EXPECT_EQ(opened.error().message.find(cluster.password), std::string::npos);
}

TEST_F(PostgresStoreTest, BothUrlSchemesOpenTheStore) {
  std::string url = db_->url();
  ASSERT_TRUE(url.starts_with("postgresql://"));
  auto long_scheme = OpenStore(url, true);
  EXPECT_TRUE(long_scheme.ok()) << long_scheme.error().message;
  auto short_scheme = OpenStore("postgres://" + url.substr(13), false);
  EXPECT_TRUE(short_scheme.ok()) << short_scheme.error().message;
}

TEST_F(PostgresStoreTest, ALostConnectionIsTransientAndTheNextCallReconnects) {
  auto opened = OpenStore(db_->url(), true);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  CallStore& store = **opened;
  ASSERT_TRUE(store.Ping().ok());
  // The server ends every session of the store (as a restart or a failover would).
  Sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  core::Status lost = store.Ping();
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().kind, ErrorKind::kTransient) << lost.error().message;
  core::Status again = store.Ping();
  EXPECT_TRUE(again.ok()) << again.error().message;
}

TEST(PostgresUrlTest, AServerThatDoesNotAnswerIsTransientAndTheMessageHidesThePassword) {
  // Port 1: nothing listens there.
  testing::PgClusterInfo nowhere{.port = 1, .password = "secretpw9"};
  auto opened = OpenStore(nowhere.Url("db"), true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kTransient) << opened.error().message;
  EXPECT_EQ(opened.error().message.find("secretpw9"), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("postgresql://postgres:***@127.0.0.1:1/db"),
            std::string::npos)
      << opened.error().message;
}

TEST(PostgresUrlTest, AMalformedUrlIsAConfigErrorWithoutThePassword) {
  auto opened = OpenStore("postgresql://u:secretpw9@db.example/x?no_such_option=1", true);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(opened.error().message.find("secretpw9"), std::string::npos) << opened.error().message;
  auto migrated = MigrateStore("postgres://u:secretpw9@db.example/x?no_such_option=1");
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.error().kind, ErrorKind::kConfig);
}

TEST(PostgresUrlTest, RedactsThePasswordWhereverItIs) {
  EXPECT_EQ(pg::RedactUrl("postgresql://u:pw@h:5432/db?sslmode=require"),
            "postgresql://u:***@h:5432/db?sslmode=require");
  EXPECT_EQ(pg::RedactUrl("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(pg::RedactUrl("postgresql://u@h/db?password=pw&sslmode=require"),
            "postgresql://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(pg::RedactUrl("postgresql://h/db"), "postgresql://h/db");
}

TEST(PostgresErrorKindTest, RetryableFailuresAreTransientAndOperatorFailuresConfig) {
  struct Case {
    const char* sqlstate;
    bool lost;
    ErrorKind kind;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"40001", false, ErrorKind::kTransient},  // serialization_failure
           {"40P01", false, ErrorKind::kTransient},  // deadlock_detected
           {"08006", false, ErrorKind::kTransient},  // connection_failure
           {"57P01", false, ErrorKind::kTransient},  // admin_shutdown
           {"53300", false, ErrorKind::kTransient},  // too_many_connections
           {"55P03", false, ErrorKind::kTransient},  // lock_not_available
           {"", false, ErrorKind::kTransient},       // libpq gave no state: the link broke
           {"23505", true, ErrorKind::kTransient},   // whatever it was, the connection is gone
           {"28P01", false, ErrorKind::kConfig},     // invalid_password
           {"3D000", false, ErrorKind::kConfig},     // invalid_catalog_name
           {"42501", false, ErrorKind::kConfig},     // insufficient_privilege
           {"23505", false, ErrorKind::kPermanent},  // unique_violation: a bug
           {"42P01", false, ErrorKind::kPermanent},  // undefined_table
       }) {
    EXPECT_EQ(pg::KindOfSqlState(c.sqlstate, c.lost), c.kind) << c.sqlstate << " " << c.lost;
  }
  EXPECT_EQ(pg::KindOfConnectFailure("FATAL:  password authentication failed for user \"u\""),
            ErrorKind::kConfig);
  EXPECT_EQ(pg::KindOfConnectFailure("FATAL:  database \"x\" does not exist"), ErrorKind::kConfig);
  EXPECT_EQ(pg::KindOfConnectFailure("connection to server at \"h\" (10.0.0.1), port 5432 failed: "
                                     "Connection refused"),
            ErrorKind::kTransient);
  EXPECT_EQ(pg::KindOfConnectFailure("FATAL:  the database system is starting up"),
            ErrorKind::kTransient);
}

TEST(PostgresSchemaTest, MigrationsKeepStepWithSqlite) {
  auto pg = internal::PostgresDialect().migrations;
  auto lite = internal::SqliteDialect().migrations;
  ASSERT_EQ(pg.size(), lite.size());
  for (size_t i = 0; i < pg.size(); ++i) {
    EXPECT_EQ(pg[i].version, lite[i].version);
    EXPECT_EQ(pg[i].name, lite[i].name);
  }
}

}  // namespace
}  // namespace callbrief::store
