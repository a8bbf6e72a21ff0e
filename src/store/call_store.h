#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <functional>

#include <fmt/format.h>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::store {

// Where newly announced calls are recorded (the part of the store GroupCommitter needs).
class CallIntake {
 public:
  virtual ~CallIntake() = default;

  // Records newly announced calls in ONE transaction, durable when this returns: intake answers
  // Bitrix24 only after that. A call whose bitrix_call_id is already stored is left unchanged and
  // reported as kDuplicate (also for a repeat inside the same batch); one erased before is not
  // stored and reported as kErased with id 0. Results are in input order.
  virtual core::Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) = 0;
};

// The send slots of one Telegram chat as the pacer keeps them (notify/telegram_pacer.h): the
// earliest time the next message may go, and the times of the messages reserved inside the group
// window (oldest first). Milliseconds since the epoch.
struct PacingSlots {
  std::int64_t next_free_ms = 0;
  std::vector<std::int64_t> recent_ms{};
};
// Changes `slots` as of `now_ms` and answers a value for the caller (the pacer: the wait).
using PacingUpdate =
    std::function<core::Result<std::int64_t>(PacingSlots& slots, std::int64_t now_ms)>;

// Durable storage of calls and everything the pipeline learns about them. One interface, one
// implementation per database (SQLite embedded, PostgreSQL for production); the same tests run
// against each. Implementations are thread-safe. Errors are kTransient when the database is busy
// or unreachable, kConfig when it cannot be opened or is of a newer schema than this binary.
class CallStore : public CallIntake {
 public:
  // Newest first, filtered, one page.
  virtual core::Result<CallPage> ListCalls(const CallQuery& query) = 0;

  // By our numeric id, or by Bitrix24's CALL_ID. nullopt when there is no such call.
  virtual core::Result<std::optional<CallDetails>> FindCall(std::string_view id_or_call_id) = 0;

  // Number of calls in each stage, for readiness, metrics and the status page.
  virtual core::Result<std::vector<std::pair<Stage, std::int64_t>>> CountByStage() = 0;

  // Small named values kept between runs (the reconciler's cursor, a migrated Telegram chat id).
  virtual core::Result<std::optional<std::string>> GetSetting(std::string_view name) = 0;
  virtual core::Status PutSetting(std::string_view name, std::string_view value) = 0;

  // Cheap round trip proving the database answers (readiness probe).
  virtual core::Status Ping() = 0;

  // ---- The pipeline's side: leases and stage results ----
  //
  // A worker claims a due call (a non-terminal stage, next attempt time reached, no live lease)
  // by writing its owner name, a lease expiry and the next claim epoch in one statement, so two
  // workers — or two processes on one database — never run the same call at once. Every later
  // write names the claim (LeaseToken); when the lease was taken over meanwhile (it expired — a
  // paused process, a stepped clock — and another claim took the call) the write changes nothing
  // and answers LeaseLost. Lease times: on SQLite (one host) the caller's `now_ms`; on PostgreSQL
  // the database's own clock, so instances whose clocks disagree still agree on who holds a call.

  // The due call that has waited longest, now leased to `owner` for `lease_ms` under a new
  // epoch; nullopt when nothing is due. Calls in `running` (those this process runs now) are never
  // taken, even when their lease looks expired. `now_ms` also decides which calls are due.
  virtual core::Result<std::optional<CallRecord>> ClaimDueCall(
      std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms,
      std::span<const std::int64_t> running) = 0;
  // Heartbeat: pushes the expiry of these claims to now + lease_ms. Answers the call ids whose
  // claim is no longer current (their results will be refused); the others were renewed.
  virtual core::Result<std::vector<std::int64_t>> RenewLeases(std::span<const LeaseToken> claims,
                                                              std::int64_t now_ms,
                                                              std::int64_t lease_ms) = 0;
  // Gives up every lease `owner` holds (shutdown; start-up of the same instance after a crash).
  virtual core::Status ReleaseLeases(std::string_view owner) = 0;
  // The earliest time an unleased non-terminal call becomes due; nullopt when none waits.
  virtual core::Result<std::optional<std::int64_t>> NextDueAtMs() = 0;
  // The queue at `now_ms` (QueueStats): due, as ClaimDueCall decides it (leases by the same clock
  // as claims), and parked calls. One read of the unfinished calls.
  virtual core::Result<QueueStats> QueueAt(std::int64_t now_ms) = 0;
  // Makes calls parked on a configuration error due now (the configuration may have changed).
  virtual core::Result<int> WakeParkedCalls(std::int64_t now_ms) = 0;

  // Ends a stage run: results, next stage and stage_runs row in one transaction (StageOutcome),
  // under the outcome's claim (lease_owner, lease_epoch); LeaseLost when it is not current.
  virtual core::Status FinishStage(const StageOutcome& outcome) = 0;

  // The prepared chunks of a call, in index order, with the transcripts stored so far.
  virtual core::Result<std::vector<AudioChunk>> LoadChunks(std::int64_t call_id) = 0;
  // Keeps one chunk's transcript as soon as it arrives (a retry re-sends only missing chunks).
  virtual core::Status SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                                           std::string_view transcript_json,
                                           std::int64_t now_ms) = 0;
  // Creates or replaces the state of one delivery (telegram, bitrix_timeline) of the claimed
  // call; LeaseLost when the claim is not current (the worker must not send then).
  virtual core::Status SaveDelivery(const LeaseToken& claim, const Delivery& delivery) = 0;
  // Keeps one provider request's usage and adds its cost to the call's total.
  virtual core::Status RecordUsage(std::int64_t call_id, const UsageRow& usage) = 0;

  // Sends a failed (or skipped) call back to the stage it stopped at — skipped calls to resolve —
  // due now, attempts reset. Calls in progress or done are kNotRetryable.
  virtual core::Result<RetryResult> RetryCall(std::string_view id_or_call_id,
                                              std::int64_t now_ms) = 0;

  // ---- Erasure on a data subject's request (docs/privacy.md) ----

  // Every call whose client number has the key ClientNumberKey(number) gives, newest first
  // (nothing for a number without digits).
  virtual core::Result<std::vector<CallRecord>> FindCallsByClientNumber(
      std::string_view number) = 0;
  // Deletes the call and everything stored about it (events, stage runs, chunks, transcript,
  // summary, scorecard, metrics, tracker hits, deliveries, its search entry) in one transaction,
  // keeping only its Bitrix24 CALL_ID with the time of erasure, so a repeated webhook, the
  // reconciler or a backfill never stores it again (RecordIncomingCalls answers kErased). Costs
  // stay, without the call. A call a worker holds now is kInProgress and left as it is. The
  // files in DATA_DIR are the caller's to delete.
  virtual core::Result<ErasedCall> EraseCall(std::string_view id_or_call_id,
                                             std::int64_t now_ms) = 0;

  // ---- The web UI's side ----

  // The summary facts the Calls list shows, for those of these calls that have a summary.
  virtual core::Result<std::vector<SummaryBrief>> ListSummaryBriefs(
      std::span<const std::int64_t> call_ids) = 0;
  // The dashboard: one row per day that has calls, oldest first.
  virtual core::Result<std::vector<DayStats>> StatsByDay(const StatsQuery& query) = 0;
  // Every operator with at least one call, ordered by name then id.
  virtual core::Result<std::vector<ManagerRef>> ListManagers() = 0;
  // The manager dashboard: each operator with a call started in the window, by id (days are not
  // cut, so the query's offset does not matter).
  virtual core::Result<std::vector<ManagerStats>> StatsByManager(const StatsQuery& query) = 0;

  // ---- Trackers (call.h: Tracker) ----

  // Every tracker, ordered by name (byte order).
  virtual core::Result<std::vector<Tracker>> ListTrackers() = 0;
  // Stores `tracker` as new (id 0) or in place of the one with its id, after checking it
  // (kInvalidInput naming what is wrong: an empty or duplicate name, no phrase, a phrase without a
  // word, a limit of call.h passed). Answers the tracker as stored (its id, phrases cleaned up),
  // nullopt when `tracker.id` names no tracker. Hits already stored are kept.
  virtual core::Result<std::optional<Tracker>> SaveTracker(const Tracker& tracker,
                                                           std::int64_t now_ms) = 0;
  // Removes a tracker and every hit of it; false when there was no such tracker.
  virtual core::Result<bool> DeleteTracker(std::int64_t id) = 0;
  // Every tracker with its hits in the calls started inside the query's window, ordered by name.
  virtual core::Result<std::vector<TrackerCount>> CountTrackerHits(const StatsQuery& query) = 0;

  // ---- Budgets shared by every instance ----

  // Runs `update` on the slots kept under `key` (never seen: all zero) and stores what it leaves,
  // in one transaction holding the key's row, so instances sharing the database take turns and
  // none reserves a slot another already has. `now_ms` given to `update`: the database's clock on
  // PostgreSQL (instances whose clocks disagree still agree on the slots), the caller's `now_ms`
  // on SQLite. An error of `update` stores nothing and is answered as is.
  virtual core::Result<std::int64_t> UpdatePacing(std::string_view key, std::int64_t now_ms,
                                                  const PacingUpdate& update) = 0;

  // ---- Scorecard checklists (issue 16, item 2) ----

  // Every stored checklist, ordered by id.
  virtual core::Result<std::vector<StoredChecklist>> ListChecklists() = 0;
  // Creates or replaces the checklist `checklist.id`; when it is active, every other one stops
  // being active in the same transaction. The store does not read the JSON (analytics does).
  virtual core::Status SaveChecklist(const StoredChecklist& checklist) = 0;
  // The active checklist; nullopt when none is stored or none is active.
  virtual core::Result<std::optional<StoredChecklist>> ActiveChecklist() = 0;

  // ---- Call scorecards (issue 16, items 2 and 6) ----

  // The call's scorecard: score and critical flag as columns, so alerts and lists need not read
  // the JSON. nullopt when the call was never scored (or does not exist).
  virtual core::Result<std::optional<ScorecardRecord>> FindScorecard(std::int64_t call_id) = 0;
  // Replaces the call's scorecard and nothing else (re-scoring: transcript, summary, stage and
  // deliveries stay as they are). kInvalidInput when there is no such call.
  virtual core::Status SaveScorecard(std::int64_t call_id, const ScorecardRecord& scorecard) = 0;
};

// The code of the error every write under a stale claim answers (core::Error::code).
inline constexpr std::string_view kLeaseLostCode = "lease_lost";

// That error: kPermanent (trying again cannot help: the call belongs to another claim now).
inline core::Error LeaseLost(std::string_view what, const LeaseToken& claim) {
  core::Error error = core::Error::Permanent(
      fmt::format("{} of call {}: the claim (epoch {}) is no longer current — another worker "
                  "took the call over",
                  what, claim.call_id, claim.epoch));
  error.code = std::string(kLeaseLostCode);
  return error;
}
inline bool IsLeaseLost(const core::Error& error) { return error.code == kLeaseLostCode; }

// Opens the store named by a DATABASE_URL (`sqlite://PATH`, or `postgresql://…` / `postgres://…`
// for PostgreSQL: postgres_store.h), applying pending migrations when `migrate` is true; with
// `migrate` false an out-of-date schema is a kConfig error telling the operator to run
// `callbrief migrate`.
core::Result<std::unique_ptr<CallStore>> OpenStore(const std::string& database_url, bool migrate);

// Applies pending migrations and returns the schema version reached.
core::Result<int> MigrateStore(const std::string& database_url);

}  // namespace callbrief::store
