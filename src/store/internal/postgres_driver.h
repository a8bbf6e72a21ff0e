#pragma once

// The PostgreSQL driver, over libpq: a pool of connections shared by threads. Every failure
// carries the kind the caller must act on: lost connections, serialization failures and
// deadlocks are kTransient; a wrong password, a missing database or a malformed URL is kConfig.
// Messages never contain the password (it is also registered with core::GlobalRedactor()).
// Nothing outside src/store includes this.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/result.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

// Checks the URL at once (a malformed one is kConfig); connections, up to `connections` at a
// time, are made when first needed. A connection that broke or was left inside a transaction is
// dropped rather than reused.
core::Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                             int connections);

// One connection of the caller's own (tests, the test cluster), outside any pool.
core::Result<std::unique_ptr<Connection>> ConnectPostgres(const std::string& url);

}  // namespace callbrief::store::internal

namespace callbrief::store::pg {

// The kind of a statement's failure from its SQLSTATE (empty when libpq gave none) and whether the
// connection is gone. Pure, for tests.
core::ErrorKind KindOfSqlState(std::string_view sqlstate, bool connection_lost);
// The kind of a failure to connect, from libpq's message. Pure, for tests.
core::ErrorKind KindOfConnectFailure(std::string_view message);

// The URL with its password replaced by "***" (`postgresql://user:***@host/db`, also
// `?password=…`), for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace callbrief::store::pg
