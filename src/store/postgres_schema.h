#pragma once

// The PostgreSQL schema: the same numbered migrations as SQLite's (sqlite_schema.h), version for
// version, in PostgreSQL's dialect, and how they are applied. Nothing outside src/store includes
// this.

#include <span>

#include "store/pg_connection.h"
#include "store/sqlite_schema.h"

namespace callbrief::store {

std::span<const Migration> PostgresMigrations();

namespace pg {

// Brings the schema up to date (`apply`) or checks that it is (kConfig "run `callbrief migrate`"
// otherwise) and returns the version. Runs in one transaction under an advisory lock, so
// instances starting together migrate one after the other: the second finds the work done.
// Throws Failure on database errors.
int ApplyMigrations(Connection& c, bool apply);

}  // namespace pg
}  // namespace callbrief::store
