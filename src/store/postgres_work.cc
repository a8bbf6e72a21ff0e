#include "store/postgres_work.h"

#include <charconv>
#include <string>

#include "store/work_sql.h"

namespace callbrief::store::pg {
namespace {

using sql::kActiveStages;
using sql::kClaimOrder;

// Rows per multi-row INSERT: a long transcript goes in a few round trips, not one per segment.
constexpr size_t kRowsPerInsert = 500;

std::string Name(Stage stage) { return std::string(StageName(stage)); }

// INSERT `head` VALUES (…),(…) for every item, kRowsPerInsert at a time; `add` appends one item's
// `columns` values to the parameters.
template <typename T, typename AddRow>
void InsertRows(Connection& c, std::string_view head, int columns, const std::vector<T>& items,
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
    c.Exec(sql, params);
  }
}

void WriteFacts(Connection& c, std::int64_t id, const CallFactsUpdate& f) {
  c.Exec(
      "UPDATE calls SET call_type = $1, direction = $2, client_number = $3, portal_number = $4, "
      "portal_user_id = $5, manager_name = $6, duration_seconds = $7, "
      "started_at = COALESCE($8::bigint, started_at), failed_code = $9, failed_reason = $10, "
      "crm_entity_type = $11, crm_entity_id = $12, crm_activity_id = $13, record_file_id = $14 "
      "WHERE id = $15",
      Params(f.call_type, DirectionName(f.direction), f.client_number, f.portal_number,
             f.portal_user_id, f.manager_name, f.duration_seconds, f.started_at_ms, f.failed_code,
             f.failed_reason, f.crm_entity_type, f.crm_entity_id, f.crm_activity_id,
             f.record_file_id, id));
}

void WriteResults(Connection& c, const StageOutcome& o) {
  const std::int64_t id = o.call_id;
  if (o.facts) WriteFacts(c, id, *o.facts);
  if (o.recording) {
    c.Exec(
        "UPDATE calls SET recording_path = $1, recording_bytes = $2, recording_sha256 = $3 "
        "WHERE id = $4",
        Params(o.recording->path, o.recording->bytes, o.recording->sha256, id));
  }
  if (o.audio_report_json) {
    c.Exec("UPDATE calls SET audio_report = $1 WHERE id = $2", Params(*o.audio_report_json, id));
  }
  if (o.chunks) {
    c.Exec("DELETE FROM audio_chunks WHERE call_id = $1", Params(id));
    InsertRows(c,
               "INSERT INTO audio_chunks (call_id, chunk_index, channel, path, start_ms, end_ms, "
               "time_map, transcript)",
               8, *o.chunks, [&](Params& p, const AudioChunk& ch) {
                 p.Add(id).Add(ch.index).Add(ch.speaker).Add(ch.path).Add(ch.start_ms);
                 p.Add(ch.end_ms).Add(ch.time_map_json).Add(ch.transcript_json);
               });
  }
  if (o.segments) {
    c.Exec("DELETE FROM transcript_segments WHERE call_id = $1", Params(id));
    InsertRows(c,
               "INSERT INTO transcript_segments (call_id, segment_index, start_ms, end_ms, "
               "speaker, text)",
               6, *o.segments, [&](Params& p, const TranscriptSegment& s) {
                 p.Add(id).Add(s.index).Add(s.start_ms).Add(s.end_ms).Add(s.speaker).Add(s.text);
               });
  }
  if (o.summary) {
    c.Exec(
        "INSERT INTO summaries (call_id, model, body, call_kind, sentiment, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO UPDATE SET "
        "model = excluded.model, body = excluded.body, call_kind = excluded.call_kind, "
        "sentiment = excluded.sentiment, created_at = excluded.created_at",
        Params(id, o.summary->model, o.summary->summary_json, o.summary->call_kind,
               o.summary->sentiment, o.summary->created_at_ms));
  }
}

}  // namespace

const std::string_view kCallColumns =
    "id, bitrix_call_id, source, call_type, direction, client_number, portal_number, "
    "portal_user_id, manager_name, duration_seconds, started_at, failed_code, failed_reason, "
    "crm_entity_type, crm_entity_id, crm_activity_id, record_file_id, recording_path, "
    "recording_bytes, recording_sha256, audio_report, stage, skip_reason, attempts, "
    "next_attempt_at, last_error, last_error_kind, cost_usd, received_at, updated_at, finished_at, "
    "failed_stage, lease_owner, lease_epoch";

CallRecord ReadCall(const Rows& r, int row) {
  CallRecord c;
  int i = 0;
  c.id = r.Int64(row, i++);
  c.bitrix_call_id = r.Text(row, i++);
  c.source = r.Text(row, i++);
  c.call_type = r.OptionalInt(row, i++);
  c.direction = DirectionFromName(r.Text(row, i++)).value_or(Direction::kUnknown);
  c.client_number = r.Text(row, i++);
  c.portal_number = r.Text(row, i++);
  c.portal_user_id = r.OptionalInt64(row, i++);
  c.manager_name = r.Text(row, i++);
  c.duration_seconds = r.OptionalInt(row, i++);
  c.started_at_ms = r.Int64(row, i++);
  c.failed_code = r.Text(row, i++);
  c.failed_reason = r.Text(row, i++);
  c.crm_entity_type = r.Text(row, i++);
  c.crm_entity_id = r.OptionalInt64(row, i++);
  c.crm_activity_id = r.OptionalInt64(row, i++);
  c.record_file_id = r.OptionalInt64(row, i++);
  c.recording_path = r.Text(row, i++);
  c.recording_bytes = r.OptionalInt64(row, i++);
  c.recording_sha256 = r.Text(row, i++);
  c.audio_report_json = r.Text(row, i++);
  c.stage = StageFromName(r.Text(row, i++)).value_or(Stage::kFailed);
  c.skip_reason = r.Text(row, i++);
  c.attempts = r.Int(row, i++);
  c.next_attempt_at_ms = r.OptionalInt64(row, i++);
  c.last_error = r.Text(row, i++);
  c.last_error_kind = r.Text(row, i++);
  c.cost_usd = r.OptionalDouble(row, i++);
  c.received_at_ms = r.Int64(row, i++);
  c.updated_at_ms = r.Int64(row, i++);
  c.finished_at_ms = r.OptionalInt64(row, i++);
  c.failed_stage = StageFromName(r.Text(row, i++));
  c.lease_owner = r.Text(row, i++);
  c.lease_epoch = r.Int64(row, i++);
  return c;
}

std::optional<CallRecord> FindCallRow(Connection& c, std::string_view key) {
  bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string_view::npos;
  std::int64_t id = 0;
  if (numeric && std::from_chars(key.data(), key.data() + key.size(), id).ec == std::errc()) {
    Rows rows = c.Exec(fmt::format("SELECT {} FROM calls WHERE id = $1", kCallColumns), Params(id));
    if (!rows.empty()) return ReadCall(rows, 0);
  }
  Rows rows = c.Exec(fmt::format("SELECT {} FROM calls WHERE bitrix_call_id = $1", kCallColumns),
                     Params(key));
  if (!rows.empty()) return ReadCall(rows, 0);
  return std::nullopt;
}

// The database's clock in milliseconds since the epoch: lease times never come from an
// instance's clock, so instances whose clocks disagree (or one whose clock stepped) still agree
// on when a lease ends. now() is the start of the statement's transaction.
constexpr std::string_view kDbNowMs = "(EXTRACT(EPOCH FROM now()) * 1000)::bigint";

std::optional<CallRecord> ClaimDueCall(Connection& c, std::string_view owner, std::int64_t now_ms,
                                       std::int64_t lease_ms,
                                       std::span<const std::int64_t> running) {
  // SKIP LOCKED passes over a row another claimer is leasing this very moment; the lease test in
  // the subquery is checked again on the locked row, so an expired lease is taken over once.
  // A lease ending at T is free at T, so a lease of 0 ms is over at once.
  Rows rows = c.Exec(
      fmt::format("UPDATE calls SET lease_owner = $1, lease_expires_at = {0} + $2, "
                  "lease_epoch = lease_epoch + 1 "
                  "WHERE id = (SELECT id FROM calls WHERE stage IN {1} "
                  "AND (next_attempt_at IS NULL OR next_attempt_at <= $3) "
                  "AND (lease_expires_at IS NULL OR lease_expires_at <= {0}){2} "
                  "ORDER BY {3} LIMIT 1 FOR UPDATE SKIP LOCKED) "
                  "RETURNING {4}",
                  kDbNowMs, kActiveStages, sql::ExcludeRunning(running), kClaimOrder, kCallColumns),
      Params(owner, lease_ms, now_ms));
  if (rows.empty()) return std::nullopt;
  return ReadCall(rows, 0);
}

std::vector<std::int64_t> RenewLeases(Connection& c, std::span<const LeaseToken> claims,
                                      std::int64_t lease_ms) {
  std::vector<std::int64_t> lost;
  for (const LeaseToken& claim : claims) {
    Rows renewed = c.Exec(fmt::format("UPDATE calls SET lease_expires_at = {} + $1 "
                                      "WHERE id = $2 AND lease_owner = $3 AND lease_epoch = $4",
                                      kDbNowMs),
                          Params(lease_ms, claim.call_id, claim.owner, claim.epoch));
    if (renewed.affected() == 0) lost.push_back(claim.call_id);
  }
  return lost;
}

bool HoldsClaim(Connection& c, const LeaseToken& claim) {
  // FOR SHARE: a claim taking the call over waits until this transaction ends, so the write it
  // guards cannot land after the takeover.
  return !c.Exec(
               "SELECT 1 FROM calls WHERE id = $1 AND lease_owner = $2 AND lease_epoch = $3 "
               "FOR SHARE",
               Params(claim.call_id, claim.owner, claim.epoch))
              .empty();
}

void ReleaseLeases(Connection& c, std::string_view owner) {
  c.Exec("UPDATE calls SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1",
         Params(owner));
}

std::optional<std::int64_t> NextDueAtMs(Connection& c) {
  Rows rows =
      c.Exec(fmt::format("SELECT MIN(COALESCE(next_attempt_at, 0)) FROM calls "
                         "WHERE stage IN {} AND lease_owner IS NULL",
                         kActiveStages));
  return rows.OptionalInt64(0, 0);
}

int WakeParkedCalls(Connection& c, std::int64_t now_ms) {
  Rows rows = c.Exec(fmt::format("UPDATE calls SET next_attempt_at = $1 WHERE stage IN {} "
                                 "AND last_error_kind = 'config' AND next_attempt_at > $1",
                                 kActiveStages),
                     Params(now_ms));
  return static_cast<int>(rows.affected());
}

bool FinishStage(Connection& c, const StageOutcome& o) {
  const bool terminal = IsTerminal(o.next);
  std::optional<std::int64_t> next_at, finished;
  if (terminal) {
    finished = o.finished_at_ms;
  } else {
    next_at = o.next_attempt_at_ms.value_or(o.finished_at_ms);
  }
  Rows updated = c.Exec(
      "UPDATE calls SET stage = $1, next_attempt_at = $2, "
      "attempts = CASE WHEN $3::boolean THEN attempts + 1 ELSE 0 END, last_error = $4, "
      "last_error_kind = $5, skip_reason = $6, failed_stage = $7, lease_owner = NULL, "
      "lease_expires_at = NULL, updated_at = $8, finished_at = $9 "
      "WHERE id = $10 AND lease_owner = $11 AND lease_epoch = $12",
      Params(Name(o.next), next_at, o.count_attempt, o.error, o.error_kind,
             o.next == Stage::kSkipped ? o.skip_reason : std::string(),
             o.next == Stage::kFailed ? Name(o.ran) : std::string(), o.finished_at_ms, finished,
             o.call_id, o.lease_owner, o.lease_epoch));
  if (updated.affected() == 0) return false;

  WriteResults(c, o);
  c.Exec(
      "INSERT INTO stage_runs (call_id, stage, attempt, started_at, finished_at, outcome, error) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      Params(o.call_id, Name(o.ran), o.attempt, o.started_at_ms, o.finished_at_ms, o.run_outcome,
             o.error));
  return true;
}

std::vector<AudioChunk> LoadChunks(Connection& c, std::int64_t call_id) {
  Rows rows = c.Exec(
      "SELECT chunk_index, channel, path, start_ms, end_ms, time_map, transcript "
      "FROM audio_chunks WHERE call_id = $1 ORDER BY chunk_index",
      Params(call_id));
  std::vector<AudioChunk> chunks;
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
}

void SaveChunkTranscript(Connection& c, std::int64_t call_id, int chunk_index,
                         std::string_view transcript_json, std::int64_t now_ms) {
  c.Exec(
      "UPDATE audio_chunks SET transcript = $1, transcribed_at = $2 "
      "WHERE call_id = $3 AND chunk_index = $4",
      Params(transcript_json, now_ms, call_id, chunk_index));
}

void SaveDelivery(Connection& c, std::int64_t call_id, const Delivery& d) {
  c.Exec(
      "INSERT INTO deliveries (call_id, channel, status, attempts, external_id, last_error, "
      "delivered_at, attempt_started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT (call_id, channel) DO UPDATE SET status = excluded.status, "
      "attempts = excluded.attempts, external_id = excluded.external_id, "
      "last_error = excluded.last_error, delivered_at = excluded.delivered_at, "
      "attempt_started_at = excluded.attempt_started_at",
      Params(call_id, d.channel, d.status, d.attempts, d.external_id, d.last_error,
             d.delivered_at_ms, d.attempt_started_at_ms));
}

void RecordUsage(Connection& c, std::int64_t call_id, const UsageRow& u) {
  c.Exec(
      "INSERT INTO provider_usage (call_id, stage, provider, model, operation, audio_seconds, "
      "input_tokens, output_tokens, latency_ms, cost_usd, at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      Params(call_id, Name(u.stage), u.provider, u.model, u.operation, u.audio_seconds,
             u.input_tokens, u.output_tokens, u.latency_ms, u.cost_usd, u.at_ms));
  if (u.cost_usd) {
    c.Exec("UPDATE calls SET cost_usd = COALESCE(cost_usd, 0) + $1 WHERE id = $2",
           Params(*u.cost_usd, call_id));
  }
}

RetryResult RetryCall(Connection& c, const CallRecord& call, std::int64_t now_ms) {
  Stage restart = Stage::kResolve;
  if (call.stage == Stage::kFailed) {
    restart = call.failed_stage.value_or(Stage::kResolve);
  } else if (call.stage != Stage::kSkipped) {
    return RetryResult::kNotRetryable;
  }
  Rows updated = c.Exec(
      "UPDATE calls SET stage = $1, attempts = 0, next_attempt_at = $2, last_error = '', "
      "last_error_kind = '', skip_reason = '', failed_stage = '', finished_at = NULL, "
      "updated_at = $2 WHERE id = $3 AND stage = $4",
      Params(Name(restart), now_ms, call.id, Name(call.stage)));
  return updated.affected() == 1 ? RetryResult::kRetried : RetryResult::kNotRetryable;
}

void LoadChildren(Connection& c, CallDetails* d) {
  const Params id(d->call.id);
  Rows events = c.Exec(
      "SELECT id, event_name, received_at, remote_addr, body FROM raw_events "
      "WHERE call_id = $1 ORDER BY id",
      id);
  for (int i = 0; i < events.size(); ++i) {
    d->events.push_back({events.Int64(i, 0), events.Text(i, 1), events.Int64(i, 2),
                         events.Text(i, 3), events.Text(i, 4)});
  }
  Rows segs = c.Exec(
      "SELECT segment_index, start_ms, end_ms, speaker, text FROM transcript_segments "
      "WHERE call_id = $1 ORDER BY segment_index",
      id);
  for (int i = 0; i < segs.size(); ++i) {
    d->segments.push_back(
        {segs.Int(i, 0), segs.Int64(i, 1), segs.Int64(i, 2), segs.Text(i, 3), segs.Text(i, 4)});
  }
  Rows summary = c.Exec(
      "SELECT model, body, call_kind, sentiment, created_at FROM summaries WHERE call_id = $1", id);
  if (!summary.empty()) {
    d->summary = Summary{summary.Text(0, 0), summary.Text(0, 1), summary.Text(0, 2),
                         summary.Text(0, 3), summary.Int64(0, 4)};
  }
  Rows deliveries = c.Exec(
      "SELECT channel, status, attempts, external_id, last_error, delivered_at, "
      "attempt_started_at FROM deliveries WHERE call_id = $1 ORDER BY channel COLLATE \"C\"",
      id);
  for (int i = 0; i < deliveries.size(); ++i) {
    d->deliveries.push_back({deliveries.Text(i, 0), deliveries.Text(i, 1), deliveries.Int(i, 2),
                             deliveries.Text(i, 3), deliveries.Text(i, 4),
                             deliveries.OptionalInt64(i, 5), deliveries.OptionalInt64(i, 6)});
  }
  Rows runs = c.Exec(
      "SELECT stage, attempt, started_at, finished_at, outcome, error FROM stage_runs "
      "WHERE call_id = $1 ORDER BY id",
      id);
  for (int i = 0; i < runs.size(); ++i) {
    d->stage_runs.push_back({StageFromName(runs.Text(i, 0)).value_or(Stage::kFailed),
                             runs.Int(i, 1), runs.Int64(i, 2), runs.Int64(i, 3), runs.Text(i, 4),
                             runs.Text(i, 5)});
  }
  Rows usage = c.Exec(
      "SELECT stage, provider, model, operation, audio_seconds, input_tokens, output_tokens, "
      "latency_ms, cost_usd, at FROM provider_usage WHERE call_id = $1 ORDER BY id",
      id);
  for (int i = 0; i < usage.size(); ++i) {
    UsageRow u;
    u.stage = StageFromName(usage.Text(i, 0)).value_or(Stage::kFailed);
    u.provider = usage.Text(i, 1);
    u.model = usage.Text(i, 2);
    u.operation = usage.Text(i, 3);
    u.audio_seconds = usage.Double(i, 4);
    u.input_tokens = usage.Int64(i, 5);
    u.output_tokens = usage.Int64(i, 6);
    u.latency_ms = usage.Int64(i, 7);
    u.cost_usd = usage.OptionalDouble(i, 8);
    u.at_ms = usage.Int64(i, 9);
    d->usage.push_back(std::move(u));
  }
}

}  // namespace callbrief::store::pg
