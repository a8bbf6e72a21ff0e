#pragma once

#include <span>
#include <string_view>

namespace callbrief::store {

// A numbered schema change. Versions start at 1 and never change once released: a new change is
// a new migration. The PostgreSQL schema mirrors these in its own dialect.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> SqliteMigrations();

}  // namespace callbrief::store
