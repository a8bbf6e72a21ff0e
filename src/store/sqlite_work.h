#pragma once

// The pipeline's statements on the SQLite store (leases, stage results, chunks, deliveries,
// usage, retry). Called by SqliteStore with its writer lock held, or on a reader for the Load*
// functions; SQLite exceptions pass through to the caller, which turns them into errors.
// Nothing outside src/store includes this.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/call.h"

namespace callbrief::store::sqlite {

std::optional<CallRecord> ClaimDueCall(SQLite::Database& db, std::string_view owner,
                                       std::int64_t now_ms, std::int64_t lease_ms,
                                       std::span<const std::int64_t> running);
// Answers the calls whose claim is no longer current (not renewed).
std::vector<std::int64_t> RenewLeases(SQLite::Database& db, std::span<const LeaseToken> claims,
                                      std::int64_t expires_at_ms);
// True while `claim` is the call's current one. Run in the write transaction it guards.
bool HoldsClaim(SQLite::Database& db, const LeaseToken& claim);
void ReleaseLeases(SQLite::Database& db, std::string_view owner);
std::optional<std::int64_t> NextDueAtMs(SQLite::Database& db);
int WakeParkedCalls(SQLite::Database& db, std::int64_t now_ms);

// False when the claim is not current: nothing was written (the caller's transaction rolls back).
bool FinishStage(SQLite::Database& db, const StageOutcome& outcome);

std::vector<AudioChunk> LoadChunks(SQLite::Database& db, std::int64_t call_id);
void SaveChunkTranscript(SQLite::Database& db, std::int64_t call_id, int chunk_index,
                         std::string_view transcript_json, std::int64_t now_ms);
void SaveDelivery(SQLite::Database& db, std::int64_t call_id, const Delivery& delivery);
void RecordUsage(SQLite::Database& db, std::int64_t call_id, const UsageRow& usage);
RetryResult RetryCall(SQLite::Database& db, const CallRecord& call, std::int64_t now_ms);

// stage_runs and provider_usage rows of a call, for CallDetails.
void LoadPipelineHistory(SQLite::Database& db, CallDetails* details);

}  // namespace callbrief::store::sqlite
