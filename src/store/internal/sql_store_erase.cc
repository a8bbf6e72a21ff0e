// Erasure on a data subject's request (call_store.h: FindCallsByClientNumber, EraseCall;
// docs/privacy.md): the same SQL on both databases.
#include <algorithm>

#include <fmt/format.h>

#include "store/internal/records.h"
#include "store/internal/sql_store.h"

namespace callbrief::store::internal {

using core::Error;
using core::Result;

Result<std::vector<CallRecord>> SqlStore::FindCallsByClientNumber(std::string_view number) {
  using Calls = std::vector<CallRecord>;
  const std::string key = ClientNumberKey(number);
  if (key.empty()) return Calls{};
  return db_->Run(
      Access::kSnapshot, "finding a client's calls", [&](Connection& c) -> Result<Calls> {
        // Numbers are kept as Bitrix24 sent them (+7…, 8…, with or without separators), so they are
        // compared by key here, in code: a scan of one narrow column, for a rare request.
        STORE_ASSIGN_OR_RETURN(
            Rows numbers, c.Exec("SELECT id, client_number FROM calls WHERE client_number <> ''"));
        Calls calls;
        for (int i = 0; i < numbers.size(); ++i) {
          if (ClientNumberKey(numbers.Text(i, 1)) != key) continue;
          STORE_ASSIGN_OR_RETURN(std::optional<CallRecord> call,
                                 FindCallRow(c, std::to_string(numbers.Int64(i, 0))));
          if (call) calls.push_back(std::move(*call));
        }
        std::sort(calls.begin(), calls.end(), [](const CallRecord& a, const CallRecord& b) {
          return a.started_at_ms != b.started_at_ms ? a.started_at_ms > b.started_at_ms
                                                    : a.id > b.id;
        });
        return calls;
      });
}

Result<ErasedCall> SqlStore::EraseCall(std::string_view key, std::int64_t now_ms) {
  return db_->Run(Access::kTransaction, "erasing a call", [&](Connection& c) -> Result<ErasedCall> {
    STORE_ASSIGN_OR_RETURN(std::optional<CallRecord> call, FindCallRow(c, key));
    if (!call) return ErasedCall{};
    // Only a call no worker holds: a worker's next write under its claim would fail, but a
    // message it is sending now would still go out. The lease is read on the clock leases are
    // written with (the database's on PostgreSQL).
    Params p(call->id);
    const std::string clock = LeaseClock(p, now_ms);
    // Every row about the call goes with it: each table referring to calls does so ON DELETE
    // CASCADE (provider_usage: SET NULL, so costs stay), and SQLite's search index by the
    // call_search_forget trigger (migration 7).
    STORE_ASSIGN_OR_RETURN(
        Rows deleted,
        c.Exec(fmt::format("DELETE FROM calls WHERE id = $1 AND (lease_owner IS NULL OR "
                           "lease_expires_at IS NULL OR lease_expires_at <= {})",
                           clock),
               p));
    if (deleted.affected() == 0) return ErasedCall{EraseOutcome::kInProgress, call->id};
    STORE_RETURN_IF_ERROR(
        c.Exec("INSERT INTO erased_calls (bitrix_call_id, erased_at) VALUES ($1, $2) "
               "ON CONFLICT (bitrix_call_id) DO NOTHING",
               Params(call->bitrix_call_id, now_ms)));
    return ErasedCall{EraseOutcome::kErased, call->id};
  });
}

}  // namespace callbrief::store::internal
