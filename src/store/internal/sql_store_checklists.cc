// Scorecard checklists (issue 16, item 2), kept as JSON text that analytics reads and validates,
// and the calls' scorecards apart from the pipeline's stage writes (re-scoring, item 6).
#include <fmt/format.h>

#include "store/internal/records.h"
#include "store/internal/sql_store.h"

namespace callbrief::store::internal {
namespace {

using core::Result;
using core::Status;

constexpr std::string_view kColumns = "id, name, body, active, updated_at";

StoredChecklist ReadChecklist(const Rows& rows, int row) {
  return {rows.Text(row, 0), rows.Text(row, 1), rows.Text(row, 2), rows.Int(row, 3) != 0,
          rows.Int64(row, 4)};
}

}  // namespace

Result<std::vector<StoredChecklist>> SqlStore::ListChecklists() {
  return db_->Run(Access::kRead, "listing checklists",
                  [&](Connection& c) -> Result<std::vector<StoredChecklist>> {
                    STORE_ASSIGN_OR_RETURN(
                        Rows rows, c.Exec(fmt::format("SELECT {} FROM checklists ORDER BY id{}",
                                                      kColumns, dialect_.byte_order)));
                    std::vector<StoredChecklist> out;
                    for (int i = 0; i < rows.size(); ++i) out.push_back(ReadChecklist(rows, i));
                    return out;
                  });
}

Status SqlStore::SaveChecklist(const StoredChecklist& checklist) {
  return db_->Run(
      Access::kTransaction, fmt::format("saving checklist {}", checklist.id),
      [&](Connection& c) -> Status {
        if (checklist.active) {
          STORE_RETURN_IF_ERROR(
              c.Exec("UPDATE checklists SET active = 0 WHERE active <> 0 AND id <> $1",
                     Params(checklist.id)));
        }
        STORE_RETURN_IF_ERROR(
            c.Exec("INSERT INTO checklists (id, name, body, active, updated_at) VALUES ($1, $2, "
                   "$3, $4, $5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                   "body = excluded.body, active = excluded.active, "
                   "updated_at = excluded.updated_at",
                   Params(checklist.id, checklist.name, checklist.checklist_json,
                          checklist.active ? 1 : 0, checklist.updated_at_ms)));
        return core::Ok();
      });
}

Result<std::optional<StoredChecklist>> SqlStore::ActiveChecklist() {
  return db_->Run(Access::kRead, "reading the active checklist",
                  [&](Connection& c) -> Result<std::optional<StoredChecklist>> {
                    STORE_ASSIGN_OR_RETURN(
                        Rows rows, c.Exec(fmt::format("SELECT {} FROM checklists WHERE active <> 0 "
                                                      "ORDER BY id{} LIMIT 1",
                                                      kColumns, dialect_.byte_order)));
                    if (rows.empty()) return std::optional<StoredChecklist>();
                    return std::optional<StoredChecklist>(ReadChecklist(rows, 0));
                  });
}

Result<std::optional<ScorecardRecord>> SqlStore::FindScorecard(std::int64_t call_id) {
  return db_->Run(Access::kRead, fmt::format("reading the scorecard of call {}", call_id),
                  [&](Connection& c) -> Result<std::optional<ScorecardRecord>> {
                    return LoadScorecard(c, call_id);
                  });
}

Status SqlStore::SaveScorecard(std::int64_t call_id, const ScorecardRecord& scorecard) {
  return db_->Run(Access::kTransaction, fmt::format("saving the scorecard of call {}", call_id),
                  [&](Connection& c) -> Status {
                    STORE_ASSIGN_OR_RETURN(
                        Rows call, c.Exec("SELECT 1 FROM calls WHERE id = $1", Params(call_id)));
                    if (call.empty())
                      return core::Error::InvalidInput(fmt::format("no call with id {}", call_id));
                    return UpsertScorecard(c, call_id, scorecard);
                  });
}

}  // namespace callbrief::store::internal
