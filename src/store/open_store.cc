// Opening the store named by a DATABASE_URL: the driver and dialect of its database under the one
// CallStore implementation (internal/sql_store.h).
#include <fmt/format.h>

#include "store/call_store.h"
#include "store/internal/postgres_driver.h"
#include "store/internal/sql_store.h"
#include "store/internal/sqlite_driver.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace callbrief::store {
namespace {

using core::Error;
using core::Result;
using internal::ApplyMigrations;

constexpr std::string_view kUnknownScheme =
    "DATABASE_URL: must be sqlite://PATH or a postgresql:// URL";

// Migrates (or checks) the schema, then wraps the database in the store.
const core::Clock& ClockOr(const core::Clock* clock) {
  return clock != nullptr ? *clock : core::SystemClock::Instance();
}

Result<std::unique_ptr<CallStore>> Open(Result<std::unique_ptr<internal::Database>> db,
                                        const internal::Dialect& dialect, bool migrate,
                                        const core::Clock& clock) {
  if (!db) return db.error();
  auto version =
      ApplyMigrations(**db, dialect, migrate,
                      fmt::format("DATABASE_URL: opening the {} database", dialect.name), clock);
  if (!version) return version.error();
  return std::unique_ptr<CallStore>(
      std::make_unique<internal::SqlStore>(std::move(*db), dialect, clock));
}

Result<int> Migrate(Result<std::unique_ptr<internal::Database>> db,
                    const internal::Dialect& dialect) {
  if (!db) return db.error();
  return ApplyMigrations(**db, dialect, /*apply=*/true,
                         fmt::format("DATABASE_URL: migrating the {} schema", dialect.name),
                         core::SystemClock::Instance());
}

}  // namespace

std::string SqlitePathFromUrl(const std::string& url) {
  constexpr std::string_view kScheme = "sqlite://";
  return url.starts_with(kScheme) ? url.substr(kScheme.size()) : url;
}

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<std::unique_ptr<CallStore>> OpenSqliteStore(const SqliteOptions& options) {
  return Open(internal::OpenSqliteDatabase(options.path, options.read_connections),
              internal::SqliteDialect(), options.migrate, ClockOr(options.clock));
}

Result<std::unique_ptr<CallStore>> OpenPostgresStore(const PostgresOptions& options) {
  // The first connection proves the server answers and brings the schema up to date.
  return Open(internal::OpenPostgresDatabase(options.url, options.connections),
              internal::PostgresDialect(), options.migrate, ClockOr(options.clock));
}

Result<int> MigratePostgres(const std::string& url) {
  return Migrate(internal::OpenPostgresDatabase(url, 1), internal::PostgresDialect());
}

Result<std::unique_ptr<CallStore>> OpenStore(const std::string& database_url, bool migrate) {
  if (database_url.starts_with("sqlite://")) {
    return OpenSqliteStore({.path = SqlitePathFromUrl(database_url), .migrate = migrate});
  }
  if (IsPostgresUrl(database_url)) {
    return OpenPostgresStore({.url = database_url, .migrate = migrate});
  }
  return Error::Config(std::string(kUnknownScheme));
}

Result<int> MigrateStore(const std::string& database_url) {
  if (IsPostgresUrl(database_url)) return MigratePostgres(database_url);
  if (!database_url.starts_with("sqlite://")) return Error::Config(std::string(kUnknownScheme));
  return Migrate(internal::OpenSqliteDatabase(SqlitePathFromUrl(database_url), 1),
                 internal::SqliteDialect());
}

}  // namespace callbrief::store
