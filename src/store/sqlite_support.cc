#include "store/sqlite_support.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace callbrief::store::sqlite {

using core::Error;

Error FromSqlite(const SQLite::Exception& e, std::string_view doing) {
  int code = e.getErrorCode() & 0xff;
  std::string message = fmt::format("{}: SQLite error {} ({})", doing, code, e.what());
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR || code == SQLITE_FULL) {
    return Error::Transient(std::move(message));
  }
  return Error::Permanent(std::move(message));
}

std::optional<std::int64_t> OptionalInt64(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}
std::optional<int> OptionalInt(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt();
}
std::optional<double> OptionalDouble(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getDouble();
}

const std::string_view kCallColumns =
    "id, bitrix_call_id, source, call_type, direction, client_number, portal_number, "
    "portal_user_id, manager_name, duration_seconds, started_at, failed_code, failed_reason, "
    "crm_entity_type, crm_entity_id, crm_activity_id, record_file_id, recording_path, "
    "recording_bytes, recording_sha256, audio_report, stage, skip_reason, attempts, "
    "next_attempt_at, last_error, last_error_kind, cost_usd, received_at, updated_at, finished_at, "
    "failed_stage, lease_owner, lease_epoch";

CallRecord ReadCall(SQLite::Statement& st) {
  CallRecord c;
  int i = 0;
  c.id = st.getColumn(i++).getInt64();
  c.bitrix_call_id = st.getColumn(i++).getString();
  c.source = st.getColumn(i++).getString();
  c.call_type = OptionalInt(st.getColumn(i++));
  c.direction = DirectionFromName(st.getColumn(i++).getString()).value_or(Direction::kUnknown);
  c.client_number = st.getColumn(i++).getString();
  c.portal_number = st.getColumn(i++).getString();
  c.portal_user_id = OptionalInt64(st.getColumn(i++));
  c.manager_name = st.getColumn(i++).getString();
  c.duration_seconds = OptionalInt(st.getColumn(i++));
  c.started_at_ms = st.getColumn(i++).getInt64();
  c.failed_code = st.getColumn(i++).getString();
  c.failed_reason = st.getColumn(i++).getString();
  c.crm_entity_type = st.getColumn(i++).getString();
  c.crm_entity_id = OptionalInt64(st.getColumn(i++));
  c.crm_activity_id = OptionalInt64(st.getColumn(i++));
  c.record_file_id = OptionalInt64(st.getColumn(i++));
  c.recording_path = st.getColumn(i++).getString();
  c.recording_bytes = OptionalInt64(st.getColumn(i++));
  c.recording_sha256 = st.getColumn(i++).getString();
  c.audio_report_json = st.getColumn(i++).getString();
  c.stage = StageFromName(st.getColumn(i++).getString()).value_or(Stage::kFailed);
  c.skip_reason = st.getColumn(i++).getString();
  c.attempts = st.getColumn(i++).getInt();
  c.next_attempt_at_ms = OptionalInt64(st.getColumn(i++));
  c.last_error = st.getColumn(i++).getString();
  c.last_error_kind = st.getColumn(i++).getString();
  c.cost_usd = OptionalDouble(st.getColumn(i++));
  c.received_at_ms = st.getColumn(i++).getInt64();
  c.updated_at_ms = st.getColumn(i++).getInt64();
  c.finished_at_ms = OptionalInt64(st.getColumn(i++));
  c.failed_stage = StageFromName(st.getColumn(i++).getString());
  c.lease_owner = st.getColumn(i++).getString();
  c.lease_epoch = st.getColumn(i++).getInt64();
  return c;
}

}  // namespace callbrief::store::sqlite
