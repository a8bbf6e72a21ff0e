#include <array>

#include <fmt/format.h>

#include "store/internal/dialect.h"
#include "store/internal/search_text.h"
#include "store/internal/talk_metrics_rows.h"

namespace callbrief::store::internal {
namespace {

// Times are BIGINT milliseconds since the Unix epoch (UTC), like SQLite's INTEGER; ids BIGSERIAL;
// JSON written by other components stays TEXT, exactly as it was handed to the store.
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE calls (
  id                 BIGSERIAL PRIMARY KEY,
  bitrix_call_id     TEXT    NOT NULL UNIQUE,
  source             TEXT    NOT NULL,
  call_type          INTEGER,
  direction          TEXT    NOT NULL DEFAULT 'unknown',
  client_number      TEXT    NOT NULL DEFAULT '',
  portal_number      TEXT    NOT NULL DEFAULT '',
  portal_user_id     BIGINT,
  manager_name       TEXT    NOT NULL DEFAULT '',
  duration_seconds   INTEGER,
  started_at         BIGINT  NOT NULL,
  failed_code        TEXT    NOT NULL DEFAULT '',
  failed_reason      TEXT    NOT NULL DEFAULT '',
  crm_entity_type    TEXT    NOT NULL DEFAULT '',
  crm_entity_id      BIGINT,
  crm_activity_id    BIGINT,
  record_file_id     BIGINT,
  recording_path     TEXT    NOT NULL DEFAULT '',
  recording_bytes    BIGINT,
  recording_sha256   TEXT    NOT NULL DEFAULT '',
  audio_report       TEXT    NOT NULL DEFAULT '',
  stage              TEXT    NOT NULL,
  skip_reason        TEXT    NOT NULL DEFAULT '',
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    BIGINT,
  last_error         TEXT    NOT NULL DEFAULT '',
  last_error_kind    TEXT    NOT NULL DEFAULT '',
  lease_owner        TEXT,
  lease_expires_at   BIGINT,
  cost_usd           DOUBLE PRECISION,
  received_at        BIGINT  NOT NULL,
  updated_at         BIGINT  NOT NULL,
  finished_at        BIGINT
);
CREATE INDEX calls_by_start ON calls (started_at DESC, id DESC);
CREATE INDEX calls_due ON calls (stage, next_attempt_at);

CREATE TABLE raw_events (
  id          BIGSERIAL PRIMARY KEY,
  call_id     BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  event_name  TEXT    NOT NULL,
  received_at BIGINT  NOT NULL,
  remote_addr TEXT    NOT NULL DEFAULT '',
  body        TEXT    NOT NULL
);
CREATE INDEX raw_events_by_call ON raw_events (call_id);

CREATE TABLE stage_runs (
  id          BIGSERIAL PRIMARY KEY,
  call_id     BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  stage       TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  started_at  BIGINT  NOT NULL,
  finished_at BIGINT,
  outcome     TEXT    NOT NULL DEFAULT '',
  error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX stage_runs_by_call ON stage_runs (call_id);

CREATE TABLE audio_chunks (
  call_id        BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  chunk_index    INTEGER NOT NULL,
  channel        TEXT    NOT NULL DEFAULT '',
  path           TEXT    NOT NULL,
  start_ms       BIGINT  NOT NULL,
  end_ms         BIGINT  NOT NULL,
  time_map       TEXT    NOT NULL DEFAULT '',
  transcript     TEXT,
  transcribed_at BIGINT,
  PRIMARY KEY (call_id, chunk_index)
);

CREATE TABLE transcript_segments (
  call_id       BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  segment_index INTEGER NOT NULL,
  start_ms      BIGINT  NOT NULL,
  end_ms        BIGINT  NOT NULL,
  speaker       TEXT    NOT NULL DEFAULT '',
  text          TEXT    NOT NULL,
  PRIMARY KEY (call_id, segment_index)
);

CREATE TABLE summaries (
  call_id    BIGINT  PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  model      TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  call_kind  TEXT    NOT NULL DEFAULT '',
  sentiment  TEXT    NOT NULL DEFAULT '',
  created_at BIGINT  NOT NULL
);

CREATE TABLE deliveries (
  call_id      BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  channel      TEXT    NOT NULL,
  status       TEXT    NOT NULL DEFAULT 'pending',
  attempts     INTEGER NOT NULL DEFAULT 0,
  external_id  TEXT    NOT NULL DEFAULT '',
  last_error   TEXT    NOT NULL DEFAULT '',
  delivered_at BIGINT,
  PRIMARY KEY (call_id, channel)
);

CREATE TABLE provider_usage (
  id            BIGSERIAL PRIMARY KEY,
  call_id       BIGINT  REFERENCES calls (id) ON DELETE SET NULL,
  stage         TEXT    NOT NULL,
  provider      TEXT    NOT NULL,
  model         TEXT    NOT NULL DEFAULT '',
  audio_seconds DOUBLE PRECISION,
  input_tokens  BIGINT,
  output_tokens BIGINT,
  latency_ms    BIGINT  NOT NULL,
  cost_usd      DOUBLE PRECISION,
  at            BIGINT  NOT NULL
);
CREATE INDEX provider_usage_by_call ON provider_usage (call_id);

CREATE TABLE settings (
  name       TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at BIGINT  NOT NULL
);

-- SQLite's json_valid() in PostgreSQL terms: the text as JSON, or NULL when it is not JSON, so a
-- damaged summary body cannot break a query over many rows.
CREATE FUNCTION callbrief_try_jsonb(body TEXT) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN body::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END;
$$;
)sql";

constexpr std::string_view kPipelineColumns = R"sql(
ALTER TABLE calls ADD COLUMN failed_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE provider_usage ADD COLUMN operation TEXT NOT NULL DEFAULT '';
CREATE INDEX calls_by_lease ON calls (lease_owner) WHERE lease_owner IS NOT NULL;
)sql";

constexpr std::string_view kDeliveryAttemptStart = R"sql(
ALTER TABLE deliveries ADD COLUMN attempt_started_at BIGINT;
)sql";

constexpr std::string_view kWebUiIndexes = R"sql(
CREATE INDEX calls_numbers ON calls (client_number, portal_number);
CREATE INDEX calls_by_user ON calls (portal_user_id, started_at DESC, id DESC);
CREATE INDEX summaries_sentiment ON summaries (call_id, sentiment);
)sql";

// Leases per claim: every claim takes the next epoch of its call and every later write of the
// worker names it, so a worker whose lease was taken over (paused process, stepped clock) writes
// nothing (CallStore, LeaseToken).
constexpr std::string_view kLeaseEpoch = R"sql(
ALTER TABLE calls ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0;
)sql";

// Telegram's limits are per chat and per bot, so every instance sending with the same bot shares
// one budget: the pacer's slots of each chat, reserved in a transaction that holds the chat's row
// (CallStore::UpdatePacing). recent_ms: the reserved send times inside the group window, comma
// separated (at most 20).
constexpr std::string_view kTelegramPacing = R"sql(
CREATE TABLE telegram_pacing (
  chat_key TEXT PRIMARY KEY,
  next_free_ms BIGINT NOT NULL DEFAULT 0,
  recent_ms TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL DEFAULT 0
);
)sql";

// Full-text search (issue 17): the same documents as on SQLite (sqlite_dialect.cc), cut into the
// same words (search_text.h): every run of characters that are not letters or digits (ICU's, so
// the database's locale does not matter) becomes a space and the text is lowercased before the
// parser sees it; words are stemmed by Snowball as in the `russian` configuration (ASCII words by
// the English stemmer, others by the Russian one, with digits as they are) but without stop words,
// which the SQLite side does not drop either. The index (GIN over one tsvector per call) is
// written by SqlStore in the transaction that changes a call's segments or summary.
constexpr std::string_view kSearch = R"sql(
CREATE TEXT SEARCH DICTIONARY callbrief_russian (TEMPLATE = snowball, LANGUAGE = russian);
CREATE TEXT SEARCH DICTIONARY callbrief_english (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION callbrief_search (PARSER = default);
ALTER TEXT SEARCH CONFIGURATION callbrief_search
  ADD MAPPING FOR asciiword, asciihword, hword_asciipart WITH callbrief_english;
ALTER TEXT SEARCH CONFIGURATION callbrief_search
  ADD MAPPING FOR word, hword, hword_part WITH callbrief_russian;
ALTER TEXT SEARCH CONFIGURATION callbrief_search
  ADD MAPPING FOR numword, numhword, hword_numpart, int, uint, float, sfloat, version WITH simple;

CREATE FUNCTION callbrief_search_words(body TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(regexp_replace(body COLLATE "und-x-icu", '[^[:alnum:]]+', ' ', 'g'))
$$;

CREATE FUNCTION callbrief_summary_text(body TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(b ->> 'summary', '') || ' ' ||
    coalesce((SELECT string_agg(k #>> '{}', ' ')
              FROM jsonb_path_query(b, '$.key_points[*] ? (@.type() == "string")') k), '') || ' ' ||
    coalesce((SELECT string_agg(k #>> '{}', ' ')
              FROM jsonb_path_query(b, '$.tasks[*] ? (@.type() == "object").text') k), '') || ' ' ||
    coalesce(b ->> 'client_request', '') || ' ' || coalesce(b ->> 'next_steps', '') || ' ' ||
    coalesce(b ->> 'client_name', '') || ' ' || coalesce(b ->> 'company', '')
  FROM (SELECT callbrief_try_jsonb(body) AS b) j
$$;

CREATE VIEW call_search_text AS
SELECT c.id AS call_id,
  coalesce((SELECT string_agg(t.text, ' ' ORDER BY t.segment_index) FROM transcript_segments t
            WHERE t.call_id = c.id), '') AS transcript,
  coalesce((SELECT callbrief_summary_text(s.body) FROM summaries s WHERE s.call_id = c.id), '')
    AS summary
FROM calls c;
CREATE VIEW call_search_doc AS
SELECT call_id,
  to_tsvector('callbrief_search', callbrief_search_words(transcript || ' ' || summary)) AS document
FROM call_search_text;

CREATE TABLE call_search (
  call_id  BIGINT   PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  document TSVECTOR NOT NULL
);
INSERT INTO call_search (call_id, document) SELECT call_id, document FROM call_search_doc;
CREATE INDEX call_search_words ON call_search USING GIN (document);
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
  updated_at BIGINT NOT NULL
);
CREATE TABLE call_scorecards (
  call_id         BIGINT  PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  checklist_id    TEXT    NOT NULL,
  score           INTEGER,
  critical_failed INTEGER NOT NULL DEFAULT 0,
  body            TEXT    NOT NULL,
  created_at      BIGINT  NOT NULL
);
)sql";

// Trackers (issue 17, item 2): named lists of words and phrases looked for in every transcript
// the store saves (phrases one per line; side "both", "manager" or "client"; alert 1 sends an
// alert on a hit), and the hits found, written with the transcript in its transaction
// (SqlStore's WriteTrackerHits). A hit keeps the phrase and the words as said, so it reads the
// same after the tracker is edited; deleting a tracker deletes its hits.
constexpr std::string_view kTrackers = R"sql(
CREATE TABLE trackers (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE,
  side       TEXT    NOT NULL DEFAULT 'both',
  phrases    TEXT    NOT NULL,
  alert      INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT  NOT NULL
);
CREATE TABLE tracker_hits (
  call_id    BIGINT  NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  hit_index  INTEGER NOT NULL,
  tracker_id BIGINT  NOT NULL REFERENCES trackers (id) ON DELETE CASCADE,
  phrase     TEXT    NOT NULL,
  said       TEXT    NOT NULL,
  speaker    TEXT    NOT NULL DEFAULT '',
  start_ms   BIGINT  NOT NULL,
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
ALTER TABLE calls ADD COLUMN longest_monologue_manager_ms BIGINT;
ALTER TABLE calls ADD COLUMN interruptions_by_manager INTEGER;
CREATE TABLE call_metrics (
  call_id     BIGINT PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
  body        TEXT    NOT NULL,
  computed_at BIGINT NOT NULL
);
)sql";

// The Bitrix24 CALL_IDs of calls erased on a data subject's request (CallStore::EraseCall), so
// no later event, reconciliation or backfill stores them again. An id alone, not personal data.
constexpr std::string_view kErasedCalls = R"sql(
CREATE TABLE erased_calls (
  bitrix_call_id TEXT   PRIMARY KEY,
  erased_at      BIGINT NOT NULL
);
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

std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Search by a part of a number: LIKE with the pattern's own characters escaped, so "%" and "_"
// in the search are found literally, as by SQLite's instr().
std::string NumberContains(Params& params, std::string_view number) {
  std::string n = params.Next("%" + EscapeLike(number) + "%");
  return fmt::format("(client_number LIKE {0} ESCAPE '\\' OR portal_number LIKE {0} ESCAPE '\\')",
                     n);
}

// callbrief_try_jsonb gives NULL for a damaged body: no element, so the call is not listed.
std::string AnswerIs(Params& params, std::string_view question, std::string_view value) {
  std::string q = params.Next(question);
  std::string answered = "a ->> 'answer' IS NOT NULL";
  if (value != "*") answered = "a ->> 'answer' = " + params.Next(value);
  return fmt::format(
      "id IN (SELECT s.call_id FROM call_scorecards s, jsonb_array_elements(CASE WHEN "
      "jsonb_typeof(callbrief_try_jsonb(s.body) -> 'answers') = 'array' THEN "
      "callbrief_try_jsonb(s.body) -> 'answers' ELSE '[]'::jsonb END) a "
      "WHERE a ->> 'id' = {} AND {})",
      q, answered);
}

// callbrief_try_jsonb (the schema's own function) gives NULL for a damaged body, and ->> NULL then.
std::string SummaryField(std::string_view field) { return fmt::format("j.body ->> '{}'", field); }

// Each term a phrase query over the words search_text.h made of it (lowercase letters and digits
// only, so the parser cuts them as SearchWords did), all of them required.
std::string SearchIds(Params& params, const SearchQuery& query) {
  std::string all;
  for (const SearchQuery::Term& term : query.terms) {
    all += fmt::format("{}phraseto_tsquery('callbrief_search', {})", all.empty() ? "" : " && ",
                       params.Next(term.words));
  }
  return fmt::format("SELECT call_id FROM call_search WHERE document @@ ({})", all);
}

}  // namespace

const Dialect& PostgresDialect() {
  static const Dialect kPostgres{
      .name = "PostgreSQL",
      // The database's clock in milliseconds since the epoch: lease times never come from an
      // instance's clock, so instances whose clocks disagree (or one whose clock stepped) still
      // agree on when a lease ends. now() is the start of the statement's transaction.
      .lease_clock = "(EXTRACT(EPOCH FROM now()) * 1000)::bigint",
      // SKIP LOCKED passes over a row another claimer is leasing this very moment; the lease test
      // of the subquery is checked again on the locked row, so an expired lease is taken once.
      .claim_lock = " FOR UPDATE SKIP LOCKED",
      .claim_index = "",  // The planner walks calls_claim for ORDER BY … LIMIT 1 itself.
      .guard_lock = " FOR SHARE",
      // The row lock may be waited for while another instance reserves: clock_timestamp() is read
      // after it, where now() would be the (earlier) start of the transaction.
      .row_lock = " FOR UPDATE",
      .pacing_clock = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint",
      .byte_order = " COLLATE \"C\"",
      .number_contains = NumberContains,
      .id_in = "id",
      .summary_field = SummaryField,
      .summary_json_from = " CROSS JOIN LATERAL (SELECT callbrief_try_jsonb(s.body) AS body) j",
      .answer_is = AnswerIs,
      .search_ids = SearchIds,
      .search_index =
          "INSERT INTO call_search (call_id, document) SELECT call_id, document FROM "
          "call_search_doc WHERE call_id = $1 ON CONFLICT (call_id) DO UPDATE SET "
          "document = excluded.document",
      .migrations = kMigrations,
      // Any fixed number; every callbrief process uses the same one ("callbrief" in ASCII,
      // shortened). Held until COMMIT or ROLLBACK; a transaction-level lock also works behind
      // PgBouncer.
      .migration_lock = "SELECT pg_advisory_xact_lock(7161117236848124518)",
      .migrations_table =
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
  };
  return kPostgres;
}

}  // namespace callbrief::store::internal
