#include "store/postgres_schema.h"

#include <array>

#include "core/clock.h"

namespace callbrief::store {
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

// Versions and names equal SQLite's (a test holds them together).
constexpr std::array<Migration, 5> kMigrations = {{
    {1, "initial schema", kInitialSchema},
    {2, "pipeline: failed stage, usage operation", kPipelineColumns},
    {3, "deliveries: attempt start", kDeliveryAttemptStart},
    {4, "web UI: indexes for search and filters", kWebUiIndexes},
    {5, "leases per claim: claim epoch", kLeaseEpoch},
}};

// Any fixed number; every callbrief process uses the same one. ("callbrief" in ASCII, shortened.)
constexpr std::string_view kMigrationLockKey = "7161117236848124518";

}  // namespace

std::span<const Migration> PostgresMigrations() { return kMigrations; }

namespace pg {

int ApplyMigrations(Connection& c, bool apply) {
  Transaction tx(c);
  // Held until COMMIT or ROLLBACK; a transaction-level lock also works behind PgBouncer.
  c.Exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLockKey));
  c.Run(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  int current = c.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Int(0, 0);
  auto migrations = PostgresMigrations();
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    throw Failure(core::ErrorKind::kConfig,
                  fmt::format("the database schema is version {}, newer than this callbrief "
                              "knows ({}): upgrade callbrief",
                              current, latest));
  }
  if (current < latest && !apply) {
    throw Failure(core::ErrorKind::kConfig,
                  fmt::format("the database schema is version {}, this callbrief needs {}: run "
                              "`callbrief migrate`",
                              current, latest));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    c.Run(m.sql);
    c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
           Params(m.version, m.name, core::ToUnixMillis(core::SystemClock::Instance().Now())));
    current = m.version;
  }
  tx.Commit();
  return current;
}

}  // namespace pg
}  // namespace callbrief::store
