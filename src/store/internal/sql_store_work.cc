// The pipeline's side of the store: leases, stage results, chunks, deliveries, usage, retry.
#include <algorithm>

#include <fmt/format.h>

#include "store/internal/records.h"
#include "store/internal/sql_store.h"
#include "store/internal/talk_metrics_rows.h"

namespace callbrief::store::internal {
namespace {

using core::Result;
using core::Status;

// The stages a worker runs are ActiveStagesSql() (records.h): an IN list, so the database uses
// the calls_due index; it is also the condition of the claim's index (calls_claim, migration 9).

// Which due call a free worker takes: calls as they came (the one received first goes through
// all its stages before later ones get ahead of it, so the first call of a burst is summarized
// first rather than every call crawling through each stage together), with calls from a
// backfill after every live one (webhook, reconciler, a retry from the UI), so importing last
// month's history never delays a call that just ended; calls parked on a configuration error
// come after both (once the setting is fixed they are all due at once, and a call that just
// ended goes first), and a claim walking the index meets them last. The order is that of the
// calls_claim index (migration 9), so a claim reads it from the front instead of sorting the
// backlog.
constexpr std::string_view kClaimOrder =
    "CASE WHEN last_error_kind = 'config' THEN 2 WHEN source = 'backfill' THEN 1 ELSE 0 END, "
    "received_at, id";

// Rows per multi-row INSERT: a long transcript goes in a few statements, not one per segment.
constexpr size_t kRowsPerInsert = 500;

std::string Name(Stage stage) { return std::string(StageName(stage)); }

// " AND id NOT IN ($a, …)" for the calls a process runs now (never claimed again by it, whatever
// their lease says), as parameters in slots of kRunningSlots padded with 0 (no call's id), so
// the claim's text — and its prepared statement — stays the same whatever runs.
constexpr size_t kRunningSlots = 8;
std::string ExcludeRunning(Params& params, std::span<const std::int64_t> running) {
  const size_t slots =
      std::max<size_t>(1, (running.size() + kRunningSlots - 1) / kRunningSlots) * kRunningSlots;
  std::string sql = " AND id NOT IN (";
  for (size_t i = 0; i < slots; ++i) {
    sql += (i == 0 ? "" : ",") + params.Next(i < running.size() ? running[i] : 0);
  }
  return sql + ")";
}

// INSERT `head` VALUES (…),(…) for every item, kRowsPerInsert at a time; `add` appends one item's
// `columns` values to the parameters.
template <typename T, typename AddRow>
Status InsertRows(Connection& c, std::string_view head, int columns, const std::vector<T>& items,
                  AddRow add) {
  for (size_t from = 0; from < items.size(); from += kRowsPerInsert) {
    size_t to = std::min(items.size(), from + kRowsPerInsert);
    std::string sql(head);
    sql += " VALUES ";
    Params params;
    for (size_t i = from; i < to; ++i) {
      sql += i == from ? "(" : ",(";
      for (int col = 0; col < columns; ++col) {
        sql += fmt::format("{}${}", col == 0 ? "" : ",", params.size() + col + 1);
      }
      sql += ")";
      add(params, items[i]);
    }
    STORE_RETURN_IF_ERROR(c.Exec(sql, params));
  }
  return core::Ok();
}

Status WriteFacts(Connection& c, std::int64_t id, const CallFactsUpdate& f) {
  return Done(c.Exec(
      "UPDATE calls SET call_type = $1, direction = $2, client_number = $3, portal_number = $4, "
      "portal_user_id = $5, manager_name = $6, duration_seconds = $7, "
      "started_at = COALESCE(CAST($8 AS BIGINT), started_at), failed_code = $9, "
      "failed_reason = $10, crm_entity_type = $11, crm_entity_id = $12, crm_activity_id = $13, "
      "record_file_id = $14 WHERE id = $15",
      Params(f.call_type, DirectionName(f.direction), f.client_number, f.portal_number,
             f.portal_user_id, f.manager_name, f.duration_seconds, f.started_at_ms, f.failed_code,
             f.failed_reason, f.crm_entity_type, f.crm_entity_id, f.crm_activity_id,
             f.record_file_id, id)));
}

Status WriteResults(Connection& c, const Dialect& dialect, const StageOutcome& o) {
  const std::int64_t id = o.call_id;
  if (o.facts) STORE_RETURN_IF_ERROR(WriteFacts(c, id, *o.facts));
  if (o.recording) {
    STORE_RETURN_IF_ERROR(
        c.Exec("UPDATE calls SET recording_path = $1, recording_bytes = $2, recording_sha256 = $3 "
               "WHERE id = $4",
               Params(o.recording->path, o.recording->bytes, o.recording->sha256, id)));
  }
  if (o.audio_report_json) {
    STORE_RETURN_IF_ERROR(c.Exec("UPDATE calls SET audio_report = $1 WHERE id = $2",
                                 Params(*o.audio_report_json, id)));
  }
  if (o.pii_report_json) {
    STORE_RETURN_IF_ERROR(
        c.Exec("UPDATE calls SET pii_report = $1 WHERE id = $2", Params(*o.pii_report_json, id)));
  }
  if (o.chunks) {
    STORE_RETURN_IF_ERROR(c.Exec("DELETE FROM audio_chunks WHERE call_id = $1", Params(id)));
    STORE_RETURN_IF_ERROR(InsertRows(
        c,
        "INSERT INTO audio_chunks (call_id, chunk_index, channel, path, start_ms, end_ms, "
        "time_map, transcript)",
        8, *o.chunks, [&](Params& p, const AudioChunk& ch) {
          p.Add(id).Add(ch.index).Add(ch.speaker).Add(ch.path).Add(ch.start_ms);
          p.Add(ch.end_ms).Add(ch.time_map_json).Add(ch.transcript_json);
        }));
  }
  if (o.segments) {
    STORE_RETURN_IF_ERROR(c.Exec("DELETE FROM transcript_segments WHERE call_id = $1", Params(id)));
    STORE_RETURN_IF_ERROR(InsertRows(
        c,
        "INSERT INTO transcript_segments (call_id, segment_index, start_ms, end_ms, speaker, "
        "text)",
        6, *o.segments, [&](Params& p, const TranscriptSegment& s) {
          p.Add(id).Add(s.index).Add(s.start_ms).Add(s.end_ms).Add(s.speaker).Add(s.text);
        }));
    // The trackers' hits are the transcript's, so they change in the same transaction.
    STORE_RETURN_IF_ERROR(WriteTrackerHits(c, id, *o.segments));
    // In the same transaction, so the list never sorts by metrics of another transcript.
    STORE_RETURN_IF_ERROR(SaveTalkMetrics(c, id, *o.segments, o.finished_at_ms));
  }
  if (o.summary) {
    STORE_RETURN_IF_ERROR(
        c.Exec("INSERT INTO summaries (call_id, model, body, call_kind, sentiment, created_at) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO UPDATE SET "
               "model = excluded.model, body = excluded.body, call_kind = excluded.call_kind, "
               "sentiment = excluded.sentiment, created_at = excluded.created_at",
               Params(id, o.summary->model, o.summary->summary_json, o.summary->call_kind,
                      o.summary->sentiment, o.summary->created_at_ms)));
  }
  if (o.scorecard) STORE_RETURN_IF_ERROR(UpsertScorecard(c, id, *o.scorecard));
  if (o.segments || o.summary) STORE_RETURN_IF_ERROR(c.Exec(dialect.search_index, Params(id)));
  return core::Ok();
}

// True while `claim` is the call's current one. Run in the transaction of the write it guards;
// the dialect's guard lock makes a takeover wait until that transaction ends.
Result<bool> HoldsClaim(Connection& c, const Dialect& dialect, const LeaseToken& claim) {
  STORE_ASSIGN_OR_RETURN(
      Rows rows, c.Exec(fmt::format("SELECT 1 FROM calls WHERE id = $1 AND lease_owner = $2 AND "
                                    "lease_epoch = $3{}",
                                    dialect.guard_lock),
                        Params(claim.call_id, claim.owner, claim.epoch)));
  return !rows.empty();
}

}  // namespace

std::string SqlStore::LeaseClock(Params& params, std::int64_t now_ms) const {
  if (!dialect_.lease_clock.empty()) return std::string(dialect_.lease_clock);
  return params.Next(now_ms);
}

Result<std::optional<CallRecord>> SqlStore::ClaimDueCall(std::string_view owner,
                                                         std::int64_t now_ms, std::int64_t lease_ms,
                                                         std::span<const std::int64_t> running) {
  Params p(owner);
  const std::string now = p.Next(now_ms);  // Which calls are due: the caller's clock.
  const std::string lease = p.Next(lease_ms);
  const std::string clock = dialect_.lease_clock.empty() ? now : std::string(dialect_.lease_clock);
  const std::string not_running = ExcludeRunning(p, running);
  // A lease ending at T is free at T, so a lease of 0 ms is over at once.
  const std::string sql = fmt::format(
      "UPDATE calls SET lease_owner = $1, lease_expires_at = {0} + {1}, "
      "lease_epoch = lease_epoch + 1 WHERE id = (SELECT id FROM calls{8} WHERE stage IN {2} "
      "AND (next_attempt_at IS NULL OR next_attempt_at <= {3}) "
      "AND (lease_expires_at IS NULL OR lease_expires_at <= {0}){4} ORDER BY {5} LIMIT 1{6}) "
      "RETURNING {7}",
      clock, lease, ActiveStagesSql(), now, not_running, kClaimOrder, dialect_.claim_lock,
      kCallColumns, dialect_.claim_index);
  return db_->Run(Access::kUnsynced, "claiming a due call",
                  [&](Connection& c) -> Result<std::optional<CallRecord>> {
                    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, p));
                    if (rows.empty()) return std::optional<CallRecord>();
                    return std::optional<CallRecord>(ReadCall(rows, 0));
                  });
}

Result<std::vector<std::int64_t>> SqlStore::RenewLeases(std::span<const LeaseToken> claims,
                                                        std::int64_t now_ms,
                                                        std::int64_t lease_ms) {
  using Lost = std::vector<std::int64_t>;
  if (claims.empty()) return Lost{};
  return db_->Run(Access::kUnsynced, "renewing leases", [&](Connection& c) -> Result<Lost> {
    Lost lost;
    for (const LeaseToken& claim : claims) {
      Params p(lease_ms, claim.call_id, claim.owner, claim.epoch);
      const std::string clock = LeaseClock(p, now_ms);
      STORE_ASSIGN_OR_RETURN(
          Rows renewed,
          c.Exec(fmt::format("UPDATE calls SET lease_expires_at = {} + $1 "
                             "WHERE id = $2 AND lease_owner = $3 AND lease_epoch = $4",
                             clock),
                 p));
      if (renewed.affected() == 0) lost.push_back(claim.call_id);
    }
    return lost;
  });
}

Status SqlStore::ReleaseLeases(std::string_view owner) {
  return db_->Run(Access::kUnsynced, "releasing leases", [&](Connection& c) {
    return Done(c.Exec(
        "UPDATE calls SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1",
        Params(owner)));
  });
}

Result<std::optional<std::int64_t>> SqlStore::NextDueAtMs() {
  using Due = std::optional<std::int64_t>;
  return db_->Run(Access::kRead, "finding the next due call", [](Connection& c) -> Result<Due> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(fmt::format("SELECT MIN(COALESCE(next_attempt_at, "
                                                         "0)) FROM calls WHERE stage IN {} AND "
                                                         "lease_owner IS NULL",
                                                         ActiveStagesSql())));
    return rows.OptionalInt64(0, 0);
  });
}

Result<QueueStats> SqlStore::QueueAt(std::int64_t now_ms) {
  Params p(now_ms);
  const std::string clock = LeaseClock(p, now_ms);
  // COUNT and MIN over CASE: one pass over the unfinished calls (the calls_due index), and
  // BIGINT results on both databases (SUM would be NUMERIC on PostgreSQL). Parked as
  // WakeParkedCalls finds them.
  const std::string due = fmt::format(
      "(next_attempt_at IS NULL OR next_attempt_at <= $1) AND "
      "(lease_expires_at IS NULL OR lease_expires_at <= {})",
      clock);
  const std::string sql = fmt::format(
      "SELECT COUNT(CASE WHEN {0} THEN 1 END), "
      "MIN(CASE WHEN {0} THEN COALESCE(next_attempt_at, received_at) END), "
      "COUNT(CASE WHEN last_error_kind = 'config' AND next_attempt_at > $1 THEN 1 END) "
      "FROM calls WHERE stage IN {1}",
      due, ActiveStagesSql());
  return db_->Run(Access::kRead, "measuring the queue", [&](Connection& c) -> Result<QueueStats> {
    STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, p));
    return QueueStats{.due = rows.Int64(0, 0),
                      .oldest_due_since_ms = rows.OptionalInt64(0, 1),
                      .parked = rows.Int64(0, 2)};
  });
}

Result<int> SqlStore::WakeParkedCalls(std::int64_t now_ms) {
  return db_->Run(Access::kWrite, "waking parked calls", [&](Connection& c) -> Result<int> {
    STORE_ASSIGN_OR_RETURN(
        Rows rows, c.Exec(fmt::format("UPDATE calls SET next_attempt_at = $1 WHERE stage IN {} "
                                      "AND last_error_kind = 'config' AND next_attempt_at > $1",
                                      ActiveStagesSql()),
                          Params(now_ms)));
    return static_cast<int>(rows.affected());
  });
}

Status SqlStore::FinishStage(const StageOutcome& o) {
  const bool terminal = IsTerminal(o.next);
  std::optional<std::int64_t> next_at, finished;
  if (terminal) {
    finished = o.finished_at_ms;
  } else {
    next_at = o.next_attempt_at_ms.value_or(o.finished_at_ms);
  }
  auto held = db_->Run(
      o.synced ? Access::kTransaction : Access::kUnsynced, "finishing a stage",
      [&](Connection& c) -> Result<bool> {
        STORE_ASSIGN_OR_RETURN(
            Rows updated,
            c.Exec("UPDATE calls SET stage = $1, next_attempt_at = $2, "
                   "attempts = CASE WHEN $3 = 1 THEN attempts + 1 ELSE 0 END, last_error = $4, "
                   "last_error_kind = $5, skip_reason = $6, failed_stage = $7, lease_owner = NULL, "
                   "lease_expires_at = NULL, updated_at = $8, finished_at = $9 "
                   "WHERE id = $10 AND lease_owner = $11 AND lease_epoch = $12",
                   Params(Name(o.next), next_at, o.count_attempt ? 1 : 0, o.error, o.error_kind,
                          o.next == Stage::kSkipped ? o.skip_reason : std::string(),
                          o.next == Stage::kFailed ? Name(o.ran) : std::string(), o.finished_at_ms,
                          finished, o.call_id, o.lease_owner, o.lease_epoch)));
        if (updated.affected() == 0) return false;  // Nothing written: the claim is not current.
        STORE_RETURN_IF_ERROR(WriteResults(c, dialect_, o));
        STORE_RETURN_IF_ERROR(
            c.Exec("INSERT INTO stage_runs (call_id, stage, attempt, started_at, finished_at, "
                   "outcome, error) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   Params(o.call_id, Name(o.ran), o.attempt, o.started_at_ms, o.finished_at_ms,
                          o.run_outcome, o.error)));
        return true;
      });
  if (!held.ok()) return held.error();
  if (!*held) {
    return LeaseLost(fmt::format("finishing stage {}", StageName(o.ran)),
                     {o.call_id, o.lease_owner, o.lease_epoch});
  }
  return core::Ok();
}

Result<std::vector<AudioChunk>> SqlStore::LoadChunks(std::int64_t call_id) {
  using Chunks = std::vector<AudioChunk>;
  return db_->Run(Access::kRead, "reading audio chunks", [&](Connection& c) -> Result<Chunks> {
    STORE_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("SELECT chunk_index, channel, path, start_ms, end_ms, time_map, "
                          "transcript FROM audio_chunks WHERE call_id = $1 ORDER BY chunk_index",
                          Params(call_id)));
    Chunks chunks;
    for (int i = 0; i < rows.size(); ++i) {
      AudioChunk ch;
      ch.index = rows.Int(i, 0);
      ch.speaker = rows.Text(i, 1);
      ch.path = rows.Text(i, 2);
      ch.start_ms = rows.Int64(i, 3);
      ch.end_ms = rows.Int64(i, 4);
      ch.time_map_json = rows.Text(i, 5);
      if (!rows.IsNull(i, 6)) ch.transcript_json = rows.Text(i, 6);
      chunks.push_back(std::move(ch));
    }
    return chunks;
  });
}

Status SqlStore::SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                                     std::string_view transcript_json, std::int64_t now_ms) {
  return db_->Run(Access::kUnsynced, "saving a chunk transcript", [&](Connection& c) {
    return Done(
        c.Exec("UPDATE audio_chunks SET transcript = $1, transcribed_at = $2 "
               "WHERE call_id = $3 AND chunk_index = $4",
               Params(transcript_json, now_ms, call_id, chunk_index)));
  });
}

Status SqlStore::SaveDelivery(const LeaseToken& claim, const Delivery& d) {
  // A delivery's last record ("done") need not wait for the disk: what makes the delivery
  // happen once is the synced record before each send (attempt start, Telegram's progress), which
  // a power cut cannot undo; losing "done" leaves the channel where a crash right after the send
  // leaves it, and the stage's synced result follows at once anyway.
  const Access access = d.status == "done" ? Access::kUnsynced : Access::kTransaction;
  auto held = db_->Run(access, "saving a delivery", [&](Connection& c) -> Result<bool> {
    STORE_ASSIGN_OR_RETURN(bool holds, HoldsClaim(c, dialect_, claim));
    if (!holds) return false;
    STORE_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO deliveries (call_id, channel, status, attempts, external_id, last_error, "
        "delivered_at, attempt_started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (call_id, channel) DO UPDATE SET status = excluded.status, "
        "attempts = excluded.attempts, external_id = excluded.external_id, "
        "last_error = excluded.last_error, delivered_at = excluded.delivered_at, "
        "attempt_started_at = excluded.attempt_started_at",
        Params(claim.call_id, d.channel, d.status, d.attempts, d.external_id, d.last_error,
               d.delivered_at_ms, d.attempt_started_at_ms)));
    return true;
  });
  if (!held.ok()) return held.error();
  if (!*held) return LeaseLost(fmt::format("saving the {} delivery", d.channel), claim);
  return core::Ok();
}

Status SqlStore::RecordUsage(std::int64_t call_id, const UsageRow& u) {
  // The usage row and the call's cost change together.
  return db_->Run(Access::kUnsynced, "recording provider usage", [&](Connection& c) -> Status {
    STORE_RETURN_IF_ERROR(
        c.Exec("INSERT INTO provider_usage (call_id, stage, provider, model, operation, "
               "audio_seconds, input_tokens, output_tokens, latency_ms, cost_usd, at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
               Params(call_id, Name(u.stage), u.provider, u.model, u.operation, u.audio_seconds,
                      u.input_tokens, u.output_tokens, u.latency_ms, u.cost_usd, u.at_ms)));
    if (!u.cost_usd) return core::Ok();
    return Done(c.Exec("UPDATE calls SET cost_usd = COALESCE(cost_usd, 0) + $1 WHERE id = $2",
                       Params(*u.cost_usd, call_id)));
  });
}

Result<RetryResult> SqlStore::RetryCall(std::string_view key, std::int64_t now_ms) {
  return db_->Run(Access::kWrite, "retrying a call", [&](Connection& c) -> Result<RetryResult> {
    STORE_ASSIGN_OR_RETURN(std::optional<CallRecord> call, FindCallRow(c, key));
    if (!call) return RetryResult::kNotFound;
    Stage restart = Stage::kResolve;
    if (call->stage == Stage::kFailed) {
      restart = call->failed_stage.value_or(Stage::kResolve);
    } else if (call->stage != Stage::kSkipped) {
      return RetryResult::kNotRetryable;
    }
    // Guarded by the stage it read: a call that moved on meanwhile is left alone.
    STORE_ASSIGN_OR_RETURN(
        Rows updated,
        c.Exec("UPDATE calls SET stage = $1, attempts = 0, next_attempt_at = $2, last_error = '', "
               "last_error_kind = '', skip_reason = '', failed_stage = '', finished_at = NULL, "
               "updated_at = $2 WHERE id = $3 AND stage = $4",
               Params(Name(restart), now_ms, call->id, Name(call->stage))));
    return updated.affected() == 1 ? RetryResult::kRetried : RetryResult::kNotRetryable;
  });
}

}  // namespace callbrief::store::internal
