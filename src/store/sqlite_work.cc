#include "store/sqlite_work.h"

#include <string>

#include <fmt/format.h>

#include "store/sqlite_support.h"
#include "store/work_sql.h"

namespace callbrief::store::sqlite {
namespace {

using sql::kActiveStages;
using sql::kClaimOrder;

std::string Name(Stage stage) { return std::string(StageName(stage)); }

void WriteFacts(SQLite::Database& db, std::int64_t id, const CallFactsUpdate& f) {
  SQLite::Statement st(db,
                       "UPDATE calls SET call_type = :type, direction = :direction, "
                       "client_number = :client, portal_number = :portal, portal_user_id = :user, "
                       "manager_name = :manager, duration_seconds = :duration, "
                       "started_at = COALESCE(:started, started_at), failed_code = :fcode, "
                       "failed_reason = :freason, crm_entity_type = :etype, crm_entity_id = :eid, "
                       "crm_activity_id = :activity, record_file_id = :file WHERE id = :id");
  BindOptional(st, ":type", f.call_type);
  st.bind(":direction", std::string(DirectionName(f.direction)));
  st.bind(":client", f.client_number);
  st.bind(":portal", f.portal_number);
  BindOptional(st, ":user", f.portal_user_id);
  st.bind(":manager", f.manager_name);
  BindOptional(st, ":duration", f.duration_seconds);
  BindOptional(st, ":started", f.started_at_ms);
  st.bind(":fcode", f.failed_code);
  st.bind(":freason", f.failed_reason);
  st.bind(":etype", f.crm_entity_type);
  BindOptional(st, ":eid", f.crm_entity_id);
  BindOptional(st, ":activity", f.crm_activity_id);
  BindOptional(st, ":file", f.record_file_id);
  st.bind(":id", id);
  st.exec();
}

void WriteResults(SQLite::Database& db, const StageOutcome& o) {
  const std::int64_t id = o.call_id;
  if (o.facts) WriteFacts(db, id, *o.facts);
  if (o.recording) {
    SQLite::Statement st(db,
                         "UPDATE calls SET recording_path = ?, recording_bytes = ?, "
                         "recording_sha256 = ? WHERE id = ?");
    st.bind(1, o.recording->path);
    st.bind(2, o.recording->bytes);
    st.bind(3, o.recording->sha256);
    st.bind(4, id);
    st.exec();
  }
  if (o.audio_report_json) {
    SQLite::Statement st(db, "UPDATE calls SET audio_report = ? WHERE id = ?");
    st.bind(1, *o.audio_report_json);
    st.bind(2, id);
    st.exec();
  }
  if (o.chunks) {
    SQLite::Statement clear(db, "DELETE FROM audio_chunks WHERE call_id = ?");
    clear.bind(1, id);
    clear.exec();
    SQLite::Statement insert(db,
                             "INSERT INTO audio_chunks (call_id, chunk_index, channel, path, "
                             "start_ms, end_ms, time_map, transcript) VALUES (?,?,?,?,?,?,?,?)");
    for (const AudioChunk& c : *o.chunks) {
      insert.reset();
      insert.bind(1, id);
      insert.bind(2, c.index);
      insert.bind(3, c.speaker);
      insert.bind(4, c.path);
      insert.bind(5, c.start_ms);
      insert.bind(6, c.end_ms);
      insert.bind(7, c.time_map_json);
      if (c.transcript_json) {
        insert.bind(8, *c.transcript_json);
      } else {
        insert.bind(8);
      }
      insert.exec();
    }
  }
  if (o.segments) {
    SQLite::Statement clear(db, "DELETE FROM transcript_segments WHERE call_id = ?");
    clear.bind(1, id);
    clear.exec();
    SQLite::Statement insert(db,
                             "INSERT INTO transcript_segments (call_id, segment_index, start_ms, "
                             "end_ms, speaker, text) VALUES (?,?,?,?,?,?)");
    for (const TranscriptSegment& s : *o.segments) {
      insert.reset();
      insert.bind(1, id);
      insert.bind(2, s.index);
      insert.bind(3, s.start_ms);
      insert.bind(4, s.end_ms);
      insert.bind(5, s.speaker);
      insert.bind(6, s.text);
      insert.exec();
    }
  }
  if (o.summary) {
    SQLite::Statement st(db,
                         "INSERT OR REPLACE INTO summaries (call_id, model, body, call_kind, "
                         "sentiment, created_at) VALUES (?,?,?,?,?,?)");
    st.bind(1, id);
    st.bind(2, o.summary->model);
    st.bind(3, o.summary->summary_json);
    st.bind(4, o.summary->call_kind);
    st.bind(5, o.summary->sentiment);
    st.bind(6, o.summary->created_at_ms);
    st.exec();
  }
}

}  // namespace

std::optional<CallRecord> ClaimDueCall(SQLite::Database& db, std::string_view owner,
                                       std::int64_t now_ms, std::int64_t lease_ms,
                                       std::span<const std::int64_t> running) {
  // A lease ending at T is free at T, so a lease of 0 ms is over at once.
  SQLite::Statement st(
      db, fmt::format("UPDATE calls SET lease_owner = :owner, lease_expires_at = :until, "
                      "lease_epoch = lease_epoch + 1 "
                      "WHERE id = (SELECT id FROM calls WHERE stage IN {} "
                      "AND (next_attempt_at IS NULL OR next_attempt_at <= :now) "
                      "AND (lease_expires_at IS NULL OR lease_expires_at <= :now){} "
                      "ORDER BY {} LIMIT 1) RETURNING {}",
                      kActiveStages, sql::ExcludeRunning(running), kClaimOrder, kCallColumns));
  st.bind(":owner", std::string(owner));
  st.bind(":until", now_ms + lease_ms);
  st.bind(":now", now_ms);
  if (!st.executeStep()) return std::nullopt;
  CallRecord call = ReadCall(st);
  while (st.executeStep()) {
  }
  return call;
}

std::vector<std::int64_t> RenewLeases(SQLite::Database& db, std::span<const LeaseToken> claims,
                                      std::int64_t expires_at_ms) {
  SQLite::Statement st(db,
                       "UPDATE calls SET lease_expires_at = ? "
                       "WHERE id = ? AND lease_owner = ? AND lease_epoch = ?");
  std::vector<std::int64_t> lost;
  for (const LeaseToken& claim : claims) {
    st.reset();
    st.bind(1, expires_at_ms);
    st.bind(2, claim.call_id);
    st.bind(3, claim.owner);
    st.bind(4, claim.epoch);
    if (st.exec() == 0) lost.push_back(claim.call_id);
  }
  return lost;
}

bool HoldsClaim(SQLite::Database& db, const LeaseToken& claim) {
  SQLite::Statement st(db,
                       "SELECT 1 FROM calls WHERE id = ? AND lease_owner = ? AND lease_epoch = ?");
  st.bind(1, claim.call_id);
  st.bind(2, claim.owner);
  st.bind(3, claim.epoch);
  return st.executeStep();
}

void ReleaseLeases(SQLite::Database& db, std::string_view owner) {
  SQLite::Statement st(db,
                       "UPDATE calls SET lease_owner = NULL, lease_expires_at = NULL "
                       "WHERE lease_owner = ?");
  st.bind(1, std::string(owner));
  st.exec();
}

std::optional<std::int64_t> NextDueAtMs(SQLite::Database& db) {
  SQLite::Statement st(db, fmt::format("SELECT MIN(COALESCE(next_attempt_at, 0)) FROM calls "
                                       "WHERE stage IN {} AND lease_owner IS NULL",
                                       kActiveStages));
  st.executeStep();
  return OptionalInt64(st.getColumn(0));
}

int WakeParkedCalls(SQLite::Database& db, std::int64_t now_ms) {
  SQLite::Statement st(db, fmt::format("UPDATE calls SET next_attempt_at = ? WHERE stage IN {} "
                                       "AND last_error_kind = 'config' AND next_attempt_at > ?",
                                       kActiveStages));
  st.bind(1, now_ms);
  st.bind(2, now_ms);
  return st.exec();
}

bool FinishStage(SQLite::Database& db, const StageOutcome& o) {
  const bool terminal = IsTerminal(o.next);
  SQLite::Statement st(
      db,
      "UPDATE calls SET stage = :next, next_attempt_at = :next_at, "
      "attempts = CASE WHEN :count THEN attempts + 1 ELSE 0 END, last_error = :error, "
      "last_error_kind = :kind, skip_reason = :skip, failed_stage = :failed_stage, "
      "lease_owner = NULL, lease_expires_at = NULL, updated_at = :now, finished_at = :finished "
      "WHERE id = :id AND lease_owner = :owner AND lease_epoch = :epoch");
  st.bind(":next", Name(o.next));
  if (terminal) {
    st.bind(":next_at");
    st.bind(":finished", o.finished_at_ms);
  } else {
    st.bind(":next_at", o.next_attempt_at_ms.value_or(o.finished_at_ms));
    st.bind(":finished");
  }
  st.bind(":count", o.count_attempt ? 1 : 0);
  st.bind(":error", o.error);
  st.bind(":kind", o.error_kind);
  st.bind(":skip", o.next == Stage::kSkipped ? o.skip_reason : std::string());
  st.bind(":failed_stage", o.next == Stage::kFailed ? Name(o.ran) : std::string());
  st.bind(":now", o.finished_at_ms);
  st.bind(":id", o.call_id);
  st.bind(":owner", o.lease_owner);
  st.bind(":epoch", o.lease_epoch);
  if (st.exec() == 0) return false;

  WriteResults(db, o);
  SQLite::Statement run(db,
                        "INSERT INTO stage_runs (call_id, stage, attempt, started_at, "
                        "finished_at, outcome, error) VALUES (?,?,?,?,?,?,?)");
  run.bind(1, o.call_id);
  run.bind(2, Name(o.ran));
  run.bind(3, o.attempt);
  run.bind(4, o.started_at_ms);
  run.bind(5, o.finished_at_ms);
  run.bind(6, o.run_outcome);
  run.bind(7, o.error);
  run.exec();
  return true;
}

std::vector<AudioChunk> LoadChunks(SQLite::Database& db, std::int64_t call_id) {
  SQLite::Statement st(db,
                       "SELECT chunk_index, channel, path, start_ms, end_ms, time_map, transcript "
                       "FROM audio_chunks WHERE call_id = ? ORDER BY chunk_index");
  st.bind(1, call_id);
  std::vector<AudioChunk> chunks;
  while (st.executeStep()) {
    AudioChunk c;
    c.index = st.getColumn(0).getInt();
    c.speaker = st.getColumn(1).getString();
    c.path = st.getColumn(2).getString();
    c.start_ms = st.getColumn(3).getInt64();
    c.end_ms = st.getColumn(4).getInt64();
    c.time_map_json = st.getColumn(5).getString();
    if (!st.getColumn(6).isNull()) c.transcript_json = st.getColumn(6).getString();
    chunks.push_back(std::move(c));
  }
  return chunks;
}

void SaveChunkTranscript(SQLite::Database& db, std::int64_t call_id, int chunk_index,
                         std::string_view transcript_json, std::int64_t now_ms) {
  SQLite::Statement st(db,
                       "UPDATE audio_chunks SET transcript = ?, transcribed_at = ? "
                       "WHERE call_id = ? AND chunk_index = ?");
  st.bind(1, std::string(transcript_json));
  st.bind(2, now_ms);
  st.bind(3, call_id);
  st.bind(4, chunk_index);
  st.exec();
}

void SaveDelivery(SQLite::Database& db, std::int64_t call_id, const Delivery& d) {
  SQLite::Statement st(db,
                       "INSERT OR REPLACE INTO deliveries (call_id, channel, status, attempts, "
                       "external_id, last_error, delivered_at, attempt_started_at) "
                       "VALUES (?,?,?,?,?,?,?,?)");
  st.bind(1, call_id);
  st.bind(2, d.channel);
  st.bind(3, d.status);
  st.bind(4, d.attempts);
  st.bind(5, d.external_id);
  st.bind(6, d.last_error);
  if (d.delivered_at_ms) {
    st.bind(7, *d.delivered_at_ms);
  } else {
    st.bind(7);
  }
  if (d.attempt_started_at_ms) {
    st.bind(8, *d.attempt_started_at_ms);
  } else {
    st.bind(8);
  }
  st.exec();
}

void RecordUsage(SQLite::Database& db, std::int64_t call_id, const UsageRow& u) {
  SQLite::Statement st(db,
                       "INSERT INTO provider_usage (call_id, stage, provider, model, operation, "
                       "audio_seconds, input_tokens, output_tokens, latency_ms, cost_usd, at) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  st.bind(1, call_id);
  st.bind(2, Name(u.stage));
  st.bind(3, u.provider);
  st.bind(4, u.model);
  st.bind(5, u.operation);
  st.bind(6, u.audio_seconds);
  st.bind(7, u.input_tokens);
  st.bind(8, u.output_tokens);
  st.bind(9, u.latency_ms);
  if (u.cost_usd) {
    st.bind(10, *u.cost_usd);
  } else {
    st.bind(10);
  }
  st.bind(11, u.at_ms);
  st.exec();
  if (u.cost_usd) {
    SQLite::Statement add(db, "UPDATE calls SET cost_usd = COALESCE(cost_usd, 0) + ? WHERE id = ?");
    add.bind(1, *u.cost_usd);
    add.bind(2, call_id);
    add.exec();
  }
}

RetryResult RetryCall(SQLite::Database& db, const CallRecord& call, std::int64_t now_ms) {
  Stage restart = Stage::kResolve;
  if (call.stage == Stage::kFailed) {
    restart = call.failed_stage.value_or(Stage::kResolve);
  } else if (call.stage != Stage::kSkipped) {
    return RetryResult::kNotRetryable;
  }
  SQLite::Statement st(db,
                       "UPDATE calls SET stage = ?, attempts = 0, next_attempt_at = ?, "
                       "last_error = '', last_error_kind = '', skip_reason = '', "
                       "failed_stage = '', finished_at = NULL, updated_at = ? "
                       "WHERE id = ? AND stage = ?");
  st.bind(1, Name(restart));
  st.bind(2, now_ms);
  st.bind(3, now_ms);
  st.bind(4, call.id);
  st.bind(5, Name(call.stage));
  return st.exec() == 1 ? RetryResult::kRetried : RetryResult::kNotRetryable;
}

void LoadPipelineHistory(SQLite::Database& db, CallDetails* d) {
  SQLite::Statement runs(db,
                         "SELECT stage, attempt, started_at, finished_at, outcome, error "
                         "FROM stage_runs WHERE call_id = ? ORDER BY id");
  runs.bind(1, d->call.id);
  while (runs.executeStep()) {
    d->stage_runs.push_back({StageFromName(runs.getColumn(0).getString()).value_or(Stage::kFailed),
                             runs.getColumn(1).getInt(), runs.getColumn(2).getInt64(),
                             runs.getColumn(3).getInt64(), runs.getColumn(4).getString(),
                             runs.getColumn(5).getString()});
  }
  SQLite::Statement usage(db,
                          "SELECT stage, provider, model, operation, audio_seconds, input_tokens, "
                          "output_tokens, latency_ms, cost_usd, at FROM provider_usage "
                          "WHERE call_id = ? ORDER BY id");
  usage.bind(1, d->call.id);
  while (usage.executeStep()) {
    UsageRow u;
    u.stage = StageFromName(usage.getColumn(0).getString()).value_or(Stage::kFailed);
    u.provider = usage.getColumn(1).getString();
    u.model = usage.getColumn(2).getString();
    u.operation = usage.getColumn(3).getString();
    u.audio_seconds = usage.getColumn(4).isNull() ? 0 : usage.getColumn(4).getDouble();
    u.input_tokens = usage.getColumn(5).isNull() ? 0 : usage.getColumn(5).getInt64();
    u.output_tokens = usage.getColumn(6).isNull() ? 0 : usage.getColumn(6).getInt64();
    u.latency_ms = usage.getColumn(7).getInt64();
    u.cost_usd = OptionalDouble(usage.getColumn(8));
    u.at_ms = usage.getColumn(9).getInt64();
    d->usage.push_back(std::move(u));
  }
}

}  // namespace callbrief::store::sqlite
