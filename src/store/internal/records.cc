#include "store/internal/records.h"

#include <charconv>

#include <fmt/format.h>

namespace callbrief::store::internal {

const std::string& ActiveStagesSql() {
  static const std::string sql = [] {
    std::string list;
    for (Stage stage : AllStages()) {
      if (IsTerminal(stage)) continue;
      list += fmt::format("{}'{}'", list.empty() ? "(" : ",", StageName(stage));
    }
    return list + ")";
  }();
  return sql;
}

const std::string_view kCallColumns =
    "id, bitrix_call_id, source, call_type, direction, client_number, portal_number, "
    "portal_user_id, manager_name, duration_seconds, started_at, failed_code, failed_reason, "
    "crm_entity_type, crm_entity_id, crm_activity_id, record_file_id, recording_path, "
    "recording_bytes, recording_sha256, audio_report, stage, skip_reason, attempts, "
    "next_attempt_at, last_error, last_error_kind, cost_usd, received_at, updated_at, finished_at, "
    "failed_stage, lease_owner, lease_epoch, pii_report, metrics_layout, "
    "talk_share_manager_permille, longest_monologue_manager_ms, interruptions_by_manager";

CallRecord ReadCall(const Rows& r, int row) {
  CallRecord c;
  int i = 0;
  c.id = r.Int64(row, i++);
  c.bitrix_call_id = r.Text(row, i++);
  c.source = CallSourceFromName(r.Text(row, i++)).value_or(CallSource::kWebhook);
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
  c.pii_report_json = r.Text(row, i++);
  c.metrics_layout = r.Text(row, i++);
  c.talk_share_manager_permille = r.OptionalInt64(row, i++);
  c.longest_monologue_manager_ms = r.OptionalInt64(row, i++);
  c.interruptions_by_manager = r.OptionalInt(row, i++);
  return c;
}

core::Result<std::optional<CallRecord>> FindCallRow(Connection& c, std::string_view key) {
  bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string_view::npos;
  std::int64_t id = 0;
  if (numeric && std::from_chars(key.data(), key.data() + key.size(), id).ec == std::errc()) {
    STORE_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("SELECT {} FROM calls WHERE id = $1", kCallColumns), Params(id)));
    if (!rows.empty()) return std::optional<CallRecord>(ReadCall(rows, 0));
  }
  STORE_ASSIGN_OR_RETURN(
      Rows rows, c.Exec(fmt::format("SELECT {} FROM calls WHERE bitrix_call_id = $1", kCallColumns),
                        Params(key)));
  if (!rows.empty()) return std::optional<CallRecord>(ReadCall(rows, 0));
  return std::optional<CallRecord>();
}

core::Result<std::optional<ScorecardRecord>> LoadScorecard(Connection& c, std::int64_t call_id) {
  STORE_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("SELECT checklist_id, score, critical_failed, body, created_at "
                                "FROM call_scorecards WHERE call_id = $1",
                                Params(call_id)));
  if (rows.empty()) return std::optional<ScorecardRecord>();
  return std::optional<ScorecardRecord>(ScorecardRecord{rows.Text(0, 0), rows.OptionalInt(0, 1),
                                                        rows.Int(0, 2) != 0, rows.Text(0, 3),
                                                        rows.Int64(0, 4)});
}

core::Status UpsertScorecard(Connection& c, std::int64_t call_id, const ScorecardRecord& s) {
  return Done(
      c.Exec("INSERT INTO call_scorecards (call_id, checklist_id, score, critical_failed, body, "
             "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO UPDATE SET "
             "checklist_id = excluded.checklist_id, score = excluded.score, "
             "critical_failed = excluded.critical_failed, body = excluded.body, "
             "created_at = excluded.created_at",
             Params(call_id, s.checklist_id, s.score, s.critical_failed ? 1 : 0, s.scorecard_json,
                    s.created_at_ms)));
}

core::Status LoadChildren(Connection& c, std::string_view byte_order, CallDetails* d) {
  const Params id(d->call.id);
  STORE_ASSIGN_OR_RETURN(Rows events, c.Exec("SELECT id, event_name, received_at, remote_addr, "
                                             "body FROM raw_events WHERE call_id = $1 ORDER BY id",
                                             id));
  for (int i = 0; i < events.size(); ++i) {
    d->events.push_back({events.Int64(i, 0), events.Text(i, 1), events.Int64(i, 2),
                         events.Text(i, 3), events.Text(i, 4)});
  }
  STORE_ASSIGN_OR_RETURN(Rows segs, c.Exec("SELECT segment_index, start_ms, end_ms, speaker, text "
                                           "FROM transcript_segments WHERE call_id = $1 "
                                           "ORDER BY segment_index",
                                           id));
  for (int i = 0; i < segs.size(); ++i) {
    d->segments.push_back(
        {segs.Int(i, 0), segs.Int64(i, 1), segs.Int64(i, 2), segs.Text(i, 3), segs.Text(i, 4)});
  }
  STORE_ASSIGN_OR_RETURN(Rows metrics,
                         c.Exec("SELECT body FROM call_metrics WHERE call_id = $1", id));
  if (!metrics.empty()) d->metrics_json = metrics.Text(0, 0);
  STORE_ASSIGN_OR_RETURN(Rows summary, c.Exec("SELECT model, body, call_kind, sentiment, "
                                              "created_at FROM summaries WHERE call_id = $1",
                                              id));
  STORE_ASSIGN_OR_RETURN(d->scorecard, LoadScorecard(c, d->call.id));
  if (!summary.empty()) {
    d->summary = Summary{summary.Text(0, 0), summary.Text(0, 1), summary.Text(0, 2),
                         summary.Text(0, 3), summary.Int64(0, 4)};
  }
  STORE_ASSIGN_OR_RETURN(
      Rows deliveries,
      c.Exec(fmt::format("SELECT channel, status, attempts, external_id, last_error, delivered_at, "
                         "attempt_started_at FROM deliveries WHERE call_id = $1 "
                         "ORDER BY channel{}",
                         byte_order),
             id));
  for (int i = 0; i < deliveries.size(); ++i) {
    d->deliveries.push_back({deliveries.Text(i, 0), deliveries.Text(i, 1), deliveries.Int(i, 2),
                             deliveries.Text(i, 3), deliveries.Text(i, 4),
                             deliveries.OptionalInt64(i, 5), deliveries.OptionalInt64(i, 6)});
  }
  STORE_ASSIGN_OR_RETURN(Rows runs, c.Exec("SELECT stage, attempt, started_at, finished_at, "
                                           "outcome, error FROM stage_runs WHERE call_id = $1 "
                                           "ORDER BY id",
                                           id));
  for (int i = 0; i < runs.size(); ++i) {
    d->stage_runs.push_back({StageFromName(runs.Text(i, 0)).value_or(Stage::kFailed),
                             runs.Int(i, 1), runs.Int64(i, 2), runs.Int64(i, 3), runs.Text(i, 4),
                             runs.Text(i, 5)});
  }
  STORE_ASSIGN_OR_RETURN(Rows usage, c.Exec("SELECT stage, provider, model, operation, "
                                            "audio_seconds, input_tokens, output_tokens, "
                                            "latency_ms, cost_usd, at FROM provider_usage "
                                            "WHERE call_id = $1 ORDER BY id",
                                            id));
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
  return core::Ok();
}

}  // namespace callbrief::store::internal
