#include <array>

#include <fmt/format.h>

#include "store/internal/dialect.h"
#include "store/internal/search_text.h"
#include "store/internal/talk_metrics_rows.h"

namespace callbrief::store::internal {
namespace {

// Times are INTEGER milliseconds since the Unix epoch (UTC), the same as BIGINT on PostgreSQL.
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE calls (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  bitrix_call_id     TEXT    NOT NULL UNIQUE,
  source             TEXT    NOT NULL,
  call_type          INTEGER,
  direction          TEXT    NOT NULL DEFAULT 'unknown',
  client_number      TEXT    NOT NULL DEFAULT '',
  portal_number      TEXT    NOT NULL DEFAULT '',
  portal_user_id     INTEGER,
  manager_name       TEXT    NOT NULL DEFAULT '',
  duration_seconds   INTEGER,
  started_at         INTEGER NOT NULL,
  failed_code        TEXT    NOT NULL DEFAULT '',
  failed_reason      TEXT    NOT NULL DEFAULT '',
  crm_entity_type    TEXT    NOT NULL DEFAULT '',
  crm_entity_id      INTEGER,
  crm_activity_id    INTEGER,
  record_file_id     INTEGER,
  recording_path     TEXT    NOT NULL DEFAULT '',
  recording_bytes    INTEGER,
  recording_sha256   TEXT    NOT NULL DEFAULT '',
  audio_report       TEXT    NOT NULL DEFAULT '',
  stage              TEXT    NOT NULL,
  skip_reason        TEXT    NOT NULL DEFAULT '',
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER,
  last_error         TEXT    NOT NULL DEFAULT '',
  last_error_kind    TEXT    NOT NULL DEFAULT '',
  lease_owner        TEXT,
  lease_expires_at   INTEGER,
  cost_usd           REAL,
  received_at        INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  finished_at        INTEGER
);
CREATE INDEX calls_by_start ON calls (started_at DESC, id DESC);
CREATE INDEX calls_due ON calls (stage, next_attempt_at);

-- Every accepted event as received (secrets removed): the record of what Bitrix24 told us.
CREATE TABLE raw_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id     INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  event_name  TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  remote_addr TEXT    NOT NULL DEFAULT '',
  body        TEXT    NOT NULL
);
CREATE INDEX raw_events_by_call ON raw_events (call_id);

-- One row per stage run: the call page's timeline, with durations, attempts and errors.
CREATE TABLE stage_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id     INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  stage       TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  outcome     TEXT    NOT NULL DEFAULT '',
  error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX stage_runs_by_call ON stage_runs (call_id);

-- Upload pieces of a prepared recording; a transcribed chunk keeps its result so a retry after a
-- crash re-sends only the missing ones.
CREATE TABLE audio_chunks (
  call_id        INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  chunk_index    INTEGER NOT NULL,
  channel        TEXT    NOT NULL DEFAULT '',
  path           TEXT    NOT NULL,
  start_ms       INTEGER NOT NULL,
  end_ms         INTEGER NOT NULL,
  time_map       TEXT    NOT NULL DEFAULT '',
  transcript     TEXT,
  transcribed_at INTEGER,
  PRIMARY KEY (call_id, chunk_index)
);

CREATE TABLE transcript_segments (
  call_id       INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  segment_index INTEGER NOT NULL,
  start_ms      INTEGER NOT NULL,
  end_ms        INTEGER NOT NULL,
  speaker       TEXT    NOT NULL DEFAULT '',
  text          TEXT    NOT NULL,
  PRIMARY KEY (call_id, segment_index)
);

CREATE TABLE summaries (
  call_id    INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  model      TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  call_kind  TEXT    NOT NULL DEFAULT '',
  sentiment  TEXT    NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

-- Each destination is delivered independently, with its own retries and its own "done" mark, so
-- a retry never sends a second Telegram message or timeline comment.
CREATE TABLE deliveries (
  call_id      INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  channel      TEXT    NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'pending',
  attempts     INTEGER NOT NULL DEFAULT 0,
  external_id  TEXT    NOT NULL DEFAULT '',
  last_error   TEXT    NOT NULL DEFAULT '',
  delivered_at INTEGER,
  PRIMARY KEY (call_id, channel)
);

-- Every paid provider request: what it was, what it cost, how long it took.
CREATE TABLE provider_usage (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id       INTEGER REFERENCES calls (id) ON DELETE SET NULL,
  stage         TEXT    NOT NULL,
  provider      TEXT    NOT NULL,
  model         TEXT    NOT NULL DEFAULT '',
  audio_seconds REAL,
  input_tokens  INTEGER,
  output_tokens INTEGER,
  latency_ms    INTEGER NOT NULL,
  cost_usd      REAL,
  at            INTEGER NOT NULL
);
CREATE INDEX provider_usage_by_call ON provider_usage (call_id);

-- Small named values the service keeps between runs (reconciler cursor, a migrated chat id).
CREATE TABLE settings (
  name       TEXT PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql";

// The pipeline: where a failed call stopped (retry starts there), and what a usage row was for.
constexpr std::string_view kPipelineColumns = R"sql(
ALTER TABLE calls ADD COLUMN failed_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE provider_usage ADD COLUMN operation TEXT NOT NULL DEFAULT '';
CREATE INDEX calls_by_lease ON calls (lease_owner) WHERE lease_owner IS NOT NULL;
)sql";

// When a delivery's latest attempt started (exactly-once timeline comments after a crash).
constexpr std::string_view kDeliveryAttemptStart = R"sql(
ALTER TABLE deliveries ADD COLUMN attempt_started_at INTEGER;
)sql";

// The Calls page at 100,000 calls (bench/ui): number search scans a narrow index instead of the
// wide rows, the manager filter walks its own time-ordered index, and the tone filter and the
// dashboard read a summary's sentiment without stepping over its JSON body.
constexpr std::string_view kWebUiIndexes = R"sql(
CREATE INDEX calls_numbers ON calls (client_number, portal_number);
CREATE INDEX calls_by_user ON calls (portal_user_id, started_at DESC, id DESC);
CREATE INDEX summaries_sentiment ON summaries (call_id, sentiment);
)sql";

// Leases per claim: every claim takes the next epoch of its call and every later write of the
// worker names it, so a worker whose lease was taken over (paused process, stepped clock) writes
// nothing (CallStore, LeaseToken).
constexpr std::string_view kLeaseEpoch = R"sql(
ALTER TABLE calls ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0;
)sql";

// Telegram's limits are per chat and per bot, so every instance sending with the same bot shares
// one budget: the pacer's slots of each chat, reserved in a transaction that holds the chat's row
// (CallStore::UpdatePacing). recent_ms: the reserved send times inside the group window, comma
// separated (at most 20).
constexpr std::string_view kTelegramPacing = R"sql(
CREATE TABLE telegram_pacing (
  chat_key TEXT PRIMARY KEY,
  next_free_ms INTEGER NOT NULL DEFAULT 0,
  recent_ms TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL DEFAULT 0
);
)sql";

// Full-text search (issue 17): one document per call, its transcript's segments in order, then
// its summary's texts (summary, key points, tasks, client request, next steps, name, company),
// indexed by the FTS5 tokenizer "callbrief" (search_text.h; sqlite_driver.cc registers it on every
// connection). The index keeps its own copy of the documents: FTS5 cannot read them from the view
// (it refuses json_each there), and a copy lets a row be replaced or removed whatever happened to
// the call's segments since. SqlStore replaces a call's row in the transaction that changes its
// segments or summary; the view call_search_text also gives the snippets of a search their text.
constexpr std::string_view kSearch = R"sql(
CREATE VIEW call_search_text AS
SELECT c.id AS call_id,
  coalesce((SELECT group_concat(t.text, ' ') FROM transcript_segments t WHERE t.call_id = c.id),
           '') AS transcript,
  coalesce((SELECT CASE WHEN json_valid(s.body) THEN
      coalesce(json_extract(s.body, '$.summary'), '') || ' ' ||
      coalesce((SELECT group_concat(k.value, ' ') FROM json_each(s.body, '$.key_points') k
                WHERE k.type = 'text'), '') || ' ' ||
      coalesce((SELECT group_concat(json_extract(k.value, '$.text'), ' ')
                FROM json_each(s.body, '$.tasks') k WHERE k.type = 'object'), '') || ' ' ||
      coalesce(json_extract(s.body, '$.client_request'), '') || ' ' ||
      coalesce(json_extract(s.body, '$.next_steps'), '') || ' ' ||
      coalesce(json_extract(s.body, '$.client_name'), '') || ' ' ||
      coalesce(json_extract(s.body, '$.company'), '') END
    FROM summaries s WHERE s.call_id = c.id), '') AS summary
FROM calls c;
CREATE VIRTUAL TABLE call_search USING fts5(document, tokenize = 'callbrief');
INSERT INTO call_search (rowid, document)
SELECT call_id, transcript || ' ' || summary FROM call_search_text
WHERE transcript <> '' OR summary <> '';
CREATE TRIGGER call_search_forget AFTER DELETE ON calls BEGIN
  DELETE FROM call_search WHERE rowid = old.id;
END;
)sql";

// What personal-data masking replaced in a call (types and counts, never the values; issue 17,
// item 5): a JSON object, '' for a call never masked.
constexpr std::string_view kPiiReport = R"sql(
ALTER TABLE calls ADD COLUMN pii_report TEXT NOT NULL DEFAULT '';
)sql";

// The claim's order as an index over the calls a worker may take (issue 15, item 2): a claim
// walks it from the front and stops at the first due call without a live lease, reading index
// entries only (the due time and lease are in it), instead of reading and sorting every
// unfinished call. The expression and the stage list are the claim's (kClaimOrder in
// sql_store_work.cc, ActiveStagesSql in records.cc): a new active stage needs a migration that
// rebuilds this index (ClaimIndexTest fails until it exists).
constexpr std::string_view kClaimIndex = R"sql(
CREATE INDEX calls_claim ON calls ((CASE WHEN last_error_kind = 'config' THEN 2
  WHEN source = 'backfill' THEN 1 ELSE 0 END), received_at, id, next_attempt_at, lease_expires_at)
  WHERE stage IN ('received','resolve','download','prepare','transcribe','summarize','deliver');
)sql";

// Scorecards (issue 16, item 2): the checklists edited on the Checklists page (at most one
// active), and each call's scorecard, checked against its transcript.
constexpr std::string_view kScorecards = R"sql(
CREATE TABLE checklists (
  id         TEXT    PRIMARY KEY,
  name       TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE TABLE call_scorecards (
  call_id         INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  checklist_id    TEXT    NOT NULL,
  score           INTEGER,
  critical_failed INTEGER NOT NULL DEFAULT 0,
  body            TEXT    NOT NULL,
  created_at      INTEGER NOT NULL
);
)sql";

// Trackers (issue 17, item 2): named lists of words and phrases looked for in every transcript
// the store saves (phrases one per line; side "both", "manager" or "client"; alert 1 sends an
// alert on a hit), and the hits found, written with the transcript in its transaction
// (SqlStore's WriteTrackerHits). A hit keeps the phrase and the words as said, so it reads the
// same after the tracker is edited; deleting a tracker deletes its hits.
constexpr std::string_view kTrackers = R"sql(
CREATE TABLE trackers (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL UNIQUE,
  side       TEXT    NOT NULL DEFAULT 'both',
  phrases    TEXT    NOT NULL,
  alert      INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE TABLE tracker_hits (
  call_id    INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  hit_index  INTEGER NOT NULL,
  tracker_id INTEGER NOT NULL REFERENCES trackers (id) ON DELETE CASCADE,
  phrase     TEXT    NOT NULL,
  said       TEXT    NOT NULL,
  speaker    TEXT    NOT NULL DEFAULT '',
  start_ms   INTEGER NOT NULL,
  PRIMARY KEY (call_id, hit_index)
);
CREATE INDEX tracker_hits_by_tracker ON tracker_hits (tracker_id, call_id);
)sql";

// Talk metrics per call (issue 16, item 1): the whole set as computed from the transcript
// (analytics::TalkMetricsToJson) in call_metrics, and the manager's figures the Calls list sorts
// by as columns of calls (metrics_layout '' while a call has no transcript). Written with the
// transcript's segments (talk_metrics_rows.h); the fill computes them for the calls transcribed
// before. No index serves a sort by them: three more indexes would cost every intake insert
// (issue 15), and such a sort reads the calls its filters select once, keeping the top page.
constexpr std::string_view kTalkMetrics = R"sql(
ALTER TABLE calls ADD COLUMN metrics_layout TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN talk_share_manager_permille INTEGER;
ALTER TABLE calls ADD COLUMN longest_monologue_manager_ms INTEGER;
ALTER TABLE calls ADD COLUMN interruptions_by_manager INTEGER;
CREATE TABLE call_metrics (
  call_id     INTEGER PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  body        TEXT    NOT NULL,
  computed_at INTEGER NOT NULL
);
)sql";

// The Bitrix24 CALL_IDs of calls erased on a data subject's request (CallStore::EraseCall), so
// no later event, reconciliation or backfill stores them again. An id alone, not personal data.
constexpr std::string_view kErasedCalls = R"sql(
CREATE TABLE erased_calls (
  bitrix_call_id TEXT    PRIMARY KEY,
  erased_at      INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr std::array<Migration, 13> kMigrations = {{
    {1, "initial schema", kInitialSchema},
    {2, "pipeline: failed stage, usage operation", kPipelineColumns},
    {3, "deliveries: attempt start", kDeliveryAttemptStart},
    {4, "web UI: indexes for search and filters", kWebUiIndexes},
    {5, "leases per claim: claim epoch", kLeaseEpoch},
    {6, "telegram pacing shared by every instance", kTelegramPacing},
    {7, "full-text search over transcripts and summaries", kSearch},
    {8, "personal-data masking report", kPiiReport},
    {9, "claims walk an index in claim order", kClaimIndex},
    {10, "scorecards: checklists and call scorecards", kScorecards},
    {11, "talk metrics per call", kTalkMetrics, FillTalkMetrics},
    {12, "trackers and their hits", kTrackers},
    {13, "erased calls: their CALL_IDs, never stored again", kErasedCalls},
}};

// Search by a part of a number: instr() finds it literally; the match set is built once from the
// narrow index of numbers (migration 4).
std::string NumberContains(Params& params, std::string_view number) {
  std::string n = params.Next(number);
  return fmt::format(
      "+id IN (SELECT id FROM calls INDEXED BY calls_numbers WHERE instr(client_number, {0}) > 0 "
      "OR instr(portal_number, {0}) > 0)",
      n);
}

// Scorecards are JSON written by the pipeline (analytics::ScorecardToJson); a damaged body is
// read as none, so it cannot break the list.
std::string AnswerIs(Params& params, std::string_view question, std::string_view value) {
  std::string q = params.Next(question);
  std::string answered = "json_extract(a.value, '$.answer') IS NOT NULL";
  if (value != "*") answered = "json_extract(a.value, '$.answer') = " + params.Next(value);
  return fmt::format(
      "+id IN (SELECT s.call_id FROM call_scorecards s, json_each(CASE WHEN json_valid(s.body) "
      "THEN s.body ELSE '{{}}' END, '$.answers') a WHERE json_extract(a.value, '$.id') = {} AND "
      "{})",
      q, answered);
}

// Summaries are JSON written by the llm component; a damaged body must not break the list.
std::string SummaryField(std::string_view field) {
  return fmt::format("CASE WHEN json_valid(s.body) THEN json_extract(s.body, '$.{}') END", field);
}

std::string SearchIds(Params& params, const SearchQuery& query) {
  return fmt::format("SELECT rowid FROM call_search WHERE call_search MATCH {}",
                     params.Next(Fts5MatchExpression(query)));
}

}  // namespace

const Dialect& SqliteDialect() {
  static const Dialect kSqlite{
      .name = "SQLite",
      // One host: the caller's clock. The one writer lock orders claims, so no row locks.
      .lease_clock = "",
      .claim_lock = "",
      .claim_index = " INDEXED BY calls_claim",
      .guard_lock = "",
      .row_lock = "",
      .pacing_clock = "",
      .byte_order = "",  // SQLite compares text byte by byte already.
      .number_contains = NumberContains,
      .id_in = "+id",
      .summary_field = SummaryField,
      .summary_json_from = "",
      .answer_is = AnswerIs,
      .search_ids = SearchIds,
      .search_index =
          "INSERT OR REPLACE INTO call_search (rowid, document) SELECT call_id, transcript || "
          "' ' || summary FROM call_search_text WHERE call_id = $1",
      .migrations = kMigrations,
      // BEGIN IMMEDIATE takes the write lock: two processes starting together migrate in turn.
      .migration_lock = "",
      .migrations_table =
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
  };
  return kSqlite;
}

}  // namespace callbrief::store::internal
