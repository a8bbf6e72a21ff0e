#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::store {

struct PostgresOptions {
  // postgresql://user:password@host:port/database?sslmode=require (postgres:// too); libpq
  // reads the usual PG* environment variables for whatever the URL leaves out.
  std::string url{};
  bool migrate = true;  // Apply pending migrations on open.
  int connections = 8;  // At most this many connections at once; made when first needed.
  // As SqliteOptions::clock (lease times on PostgreSQL come from the server's clock).
  const core::Clock* clock = nullptr;
};

// The production store: PostgreSQL through libpq, any number of callbrief processes on one
// database. Workers claim calls with `FOR UPDATE SKIP LOCKED`, every stage result is written in
// one transaction guarded by the lease owner, migrations run under an advisory lock. Thread-safe;
// threads share a small pool of connections.
//
// Errors: unreachable server, lost connection, serialization failure or deadlock → kTransient;
// malformed URL, wrong password, missing database, out-of-date schema → kConfig. No message
// contains the password (it is also registered with core::GlobalRedactor()).
core::Result<std::unique_ptr<CallStore>> OpenPostgresStore(const PostgresOptions& options);

// Applies pending migrations and returns the schema version reached.
core::Result<int> MigratePostgres(const std::string& url);

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view url);

}  // namespace callbrief::store
