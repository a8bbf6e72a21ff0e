#pragma once

// The PostgreSQL store's statements on calls and the pipeline (leases, stage results, chunks,
// deliveries, usage, retry), the counterpart of sqlite_work.h. Each runs on the connection it is
// given, inside the caller's transaction when there is one; pg::Failure passes through to the
// caller, which turns it into an error. Nothing outside src/store includes this.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "store/call.h"
#include "store/pg_connection.h"

namespace callbrief::store::pg {

// The columns ReadCall expects, in its order.
extern const std::string_view kCallColumns;
CallRecord ReadCall(const Rows& rows, int row);

// By our numeric id, else by Bitrix24's CALL_ID.
std::optional<CallRecord> FindCallRow(Connection& c, std::string_view key);

// One statement: the row is locked with FOR UPDATE SKIP LOCKED while it is leased, so concurrent
// claimers (threads or processes) each get a different call.
// Lease times come from the database's clock (now()); `now_ms` only decides which calls are due.
std::optional<CallRecord> ClaimDueCall(Connection& c, std::string_view owner, std::int64_t now_ms,
                                       std::int64_t lease_ms,
                                       std::span<const std::int64_t> running);
// Pushes these claims' expiry to the database's now + lease_ms; answers the calls whose claim is
// no longer current (not renewed).
std::vector<std::int64_t> RenewLeases(Connection& c, std::span<const LeaseToken> claims,
                                      std::int64_t lease_ms);
// True while `claim` is the call's current one; locks the row until the transaction ends.
bool HoldsClaim(Connection& c, const LeaseToken& claim);
void ReleaseLeases(Connection& c, std::string_view owner);
std::optional<std::int64_t> NextDueAtMs(Connection& c);
int WakeParkedCalls(Connection& c, std::int64_t now_ms);

// Run inside a transaction. False when the lease was lost: nothing was written (the caller
// rolls back).
bool FinishStage(Connection& c, const StageOutcome& outcome);

std::vector<AudioChunk> LoadChunks(Connection& c, std::int64_t call_id);
void SaveChunkTranscript(Connection& c, std::int64_t call_id, int chunk_index,
                         std::string_view transcript_json, std::int64_t now_ms);
void SaveDelivery(Connection& c, std::int64_t call_id, const Delivery& delivery);
// Run inside a transaction: the usage row and the call's cost change together.
void RecordUsage(Connection& c, std::int64_t call_id, const UsageRow& usage);
RetryResult RetryCall(Connection& c, const CallRecord& call, std::int64_t now_ms);

// raw_events, transcript, summary, deliveries, stage_runs and provider_usage of a call.
void LoadChildren(Connection& c, CallDetails* details);

}  // namespace callbrief::store::pg
