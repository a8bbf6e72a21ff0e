#include "support/replicate_calls.h"

#include <set>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/sqlite_store.h"

namespace callbrief::testing {
namespace {

const std::set<std::string> kTimeColumns = {"started_at",   "finished_at",     "received_at",
                                            "updated_at",   "next_attempt_at", "created_at",
                                            "delivered_at", "transcribed_at",  "at"};

std::vector<std::string> Columns(SQLite::Database& db, const std::string& table) {
  std::vector<std::string> columns;
  SQLite::Statement st(db, fmt::format("PRAGMA table_info({})", table));
  while (st.executeStep()) columns.push_back(st.getColumn(1).getString());
  return columns;
}

// INSERT INTO table (cols) SELECT exprs FROM table WHERE call_id/id <= :last, with ids offset,
// times shifted and the given per-column replacements.
std::string CopySql(SQLite::Database& db, const std::string& table, const std::string& key,
                    bool own_id) {
  std::vector<std::string> names, exprs;
  for (const std::string& c : Columns(db, table)) {
    if (own_id && c == "id") continue;
    names.push_back(c);
    if (c == key) {
      exprs.push_back(c + " + :offset");
    } else if (kTimeColumns.contains(c)) {
      exprs.push_back(
          fmt::format("CASE WHEN {0} IS NULL OR {0} = 0 THEN {0} ELSE {0} - :shift END", c));
    } else if (table == "calls" && c == "bitrix_call_id") {
      exprs.push_back("bitrix_call_id || '-' || :copy");
    } else if (table == "calls" && c == "client_number") {
      exprs.push_back("printf('+7495%07d', abs(random()) % 10000000)");
    } else if (table == "calls" && c == "lease_owner") {
      exprs.push_back("NULL");
    } else {
      exprs.push_back(c);
    }
  }
  return fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} <= :last", table,
                     fmt::join(names, ", "), fmt::join(exprs, ", "), table, key);
}

}  // namespace

core::Status ReplicateCalls(const std::string& path, int copies, std::int64_t step_ms) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    if (core::Status search = store::EnableSqliteSearch(db.getHandle()); !search.ok()) {
      return search.error();
    }
    db.exec("PRAGMA synchronous = OFF");
    const std::int64_t last = db.execAndGet("SELECT MAX(id) FROM calls").getInt64();
    struct Table {
      std::string name, key;
      bool own_id;
    };
    std::vector<Table> tables = {{"calls", "id", false}};
    for (const char* child : {"raw_events", "stage_runs", "provider_usage"}) {
      tables.push_back({child, "call_id", true});
    }
    for (const char* child : {"transcript_segments", "summaries", "deliveries", "audio_chunks"}) {
      tables.push_back({child, "call_id", false});
    }
    std::vector<std::unique_ptr<SQLite::Statement>> statements;
    // The search index (migration 7) of each copy: its calls' documents, under their new ids.
    statements.push_back(std::make_unique<SQLite::Statement>(
        db,
        "INSERT INTO call_search (rowid, document) SELECT rowid + :offset, document "
        "FROM call_search WHERE rowid <= :last"));
    for (const Table& t : tables) {
      statements.push_back(
          std::make_unique<SQLite::Statement>(db, CopySql(db, t.name, t.key, t.own_id)));
    }
    for (int copy = 1; copy <= copies; ++copy) {
      SQLite::Transaction tx(db);
      for (auto& st : statements) {
        st->reset();
        // Not every table has times or a CALL_ID: bind what the statement names.
        auto bind = [&](const char* name, std::int64_t value) {
          if (int index = st->getIndex(name); index > 0) st->bind(index, value);
        };
        bind(":offset", last * copy);
        bind(":shift", step_ms * copy);
        bind(":last", last);
        bind(":copy", copy);
        st->exec();
      }
      tx.commit();
    }
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("ANALYZE");
    return core::Ok();
  } catch (const SQLite::Exception& e) {
    return core::Error::Permanent(fmt::format("replicating calls in {}: {}", path, e.what()));
  }
}

}  // namespace callbrief::testing
