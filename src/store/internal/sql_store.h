#pragma once

// The one CallStore implementation: every method written once, in SQL both databases run, over a
// driver (driver.h) and the few lines of its dialect (dialect.h). Its methods are spread over
// sql_store.cc (intake, lists, settings), sql_store_work.cc (the pipeline's side),
// sql_store_stats.cc (the web UI's figures), sql_store_checklists.cc (scorecard checklists) and
// sql_store_erase.cc (erasure on request);
// records.h maps rows to records. Nothing outside src/store includes this.

#include <map>
#include <memory>
#include <span>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/call_store.h"
#include "store/internal/dialect.h"
#include "store/internal/driver.h"

namespace callbrief::store::internal {

struct SearchQuery;  // search_text.h

class SqlStore final : public CallStore {
 public:
  SqlStore(std::unique_ptr<Database> db, const Dialect& dialect, const core::Clock& clock)
      : db_(std::move(db)), dialect_(dialect), clock_(clock) {}

  core::Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) override;
  core::Result<CallPage> ListCalls(const CallQuery& query) override;
  core::Result<std::optional<CallDetails>> FindCall(std::string_view id_or_call_id) override;
  core::Result<std::vector<std::pair<Stage, std::int64_t>>> CountByStage() override;
  core::Result<std::optional<std::string>> GetSetting(std::string_view name) override;
  core::Status PutSetting(std::string_view name, std::string_view value) override;
  core::Status Ping() override;

  core::Result<std::optional<CallRecord>> ClaimDueCall(
      std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms,
      std::span<const std::int64_t> running) override;
  core::Result<std::vector<std::int64_t>> RenewLeases(std::span<const LeaseToken> claims,
                                                      std::int64_t now_ms,
                                                      std::int64_t lease_ms) override;
  core::Status ReleaseLeases(std::string_view owner) override;
  core::Result<std::optional<std::int64_t>> NextDueAtMs() override;
  core::Result<QueueStats> QueueAt(std::int64_t now_ms) override;
  core::Result<int> WakeParkedCalls(std::int64_t now_ms) override;
  core::Status FinishStage(const StageOutcome& outcome) override;
  core::Result<std::vector<AudioChunk>> LoadChunks(std::int64_t call_id) override;
  core::Status SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                                   std::string_view transcript_json, std::int64_t now_ms) override;
  core::Status SaveDelivery(const LeaseToken& claim, const Delivery& delivery) override;
  core::Status RecordUsage(std::int64_t call_id, const UsageRow& usage) override;
  core::Result<RetryResult> RetryCall(std::string_view id_or_call_id, std::int64_t now_ms) override;
  core::Result<std::vector<CallRecord>> FindCallsByClientNumber(std::string_view number) override;
  core::Result<ErasedCall> EraseCall(std::string_view id_or_call_id, std::int64_t now_ms) override;

  core::Result<std::vector<SummaryBrief>> ListSummaryBriefs(
      std::span<const std::int64_t> call_ids) override;
  core::Result<std::vector<DayStats>> StatsByDay(const StatsQuery& query) override;
  core::Result<std::vector<ManagerRef>> ListManagers() override;
  core::Result<std::vector<ManagerStats>> StatsByManager(const StatsQuery& query) override;

  core::Result<std::vector<Tracker>> ListTrackers() override;
  core::Result<std::optional<Tracker>> SaveTracker(const Tracker& tracker,
                                                   std::int64_t now_ms) override;
  core::Result<bool> DeleteTracker(std::int64_t id) override;
  core::Result<std::vector<TrackerCount>> CountTrackerHits(const StatsQuery& query) override;

  core::Result<std::int64_t> UpdatePacing(std::string_view key, std::int64_t now_ms,
                                          const PacingUpdate& update) override;
  core::Result<std::vector<StoredChecklist>> ListChecklists() override;
  core::Status SaveChecklist(const StoredChecklist& checklist) override;
  core::Result<std::optional<StoredChecklist>> ActiveChecklist() override;
  core::Result<std::optional<ScorecardRecord>> FindScorecard(std::int64_t call_id) override;
  core::Status SaveScorecard(std::int64_t call_id, const ScorecardRecord& scorecard) override;

 private:
  // The expression of "now" in lease times: the database's clock, or the caller's `now_ms` added
  // to `params`.
  std::string LeaseClock(Params& params, std::int64_t now_ms) const;
  // The condition on calls of a search (parameters added to `params`), or nothing when no call
  // matches.
  core::Result<std::optional<std::string>> SearchCondition(const SearchQuery& search,
                                                           Params& params);

  std::unique_ptr<Database> db_;
  const Dialect& dialect_;
  const core::Clock& clock_;  // The time of a setting's change.
};

using SearchHits = std::map<std::int64_t, std::vector<SearchHit>>;

// Where `query` occurs in each of `calls` (CallPage::hits), read on `c` (sql_store_search.cc).
core::Result<SearchHits> LoadSearchHits(Connection& c, std::span<const CallRecord> calls,
                                        const SearchQuery& query);

// Finds the hits of every stored tracker in `segments` and stores them in place of the call's
// earlier ones, on `c` inside the transaction that stores the segments (sql_store_trackers.cc).
core::Status WriteTrackerHits(Connection& c, std::int64_t call_id,
                              std::span<const TranscriptSegment> segments);
// The stored hits of a call with their trackers' names, in transcript order.
core::Status LoadTrackerHits(Connection& c, CallDetails* details);

// Brings the schema up to date (`apply`) or checks that it is (kConfig "run `callbrief migrate`"
// otherwise) and answers the version, in one transaction under the dialect's migration lock, so
// instances starting together migrate one after the other: the second finds the work done.
// Errors read "<doing>: …". `clock` dates each migration applied.
core::Result<int> ApplyMigrations(Database& db, const Dialect& dialect, bool apply,
                                  std::string_view doing, const core::Clock& clock);

}  // namespace callbrief::store::internal
