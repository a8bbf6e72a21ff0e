#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

// SQL both backends use for the pipeline's work queue (sqlite_work.cc, postgres_work.cc).
namespace callbrief::store::sql {

// The stages a worker runs; the IN list lets the database use the calls_due index.
inline constexpr std::string_view kActiveStages =
    "('received','resolve','download','prepare','transcribe','summarize','deliver')";

// Which due call a free worker takes: calls as they came (the one received first goes through
// all its stages before later ones get ahead of it, so the first call of a burst is summarized
// first rather than every call crawling through each stage together), with calls from a
// backfill after every live one (webhook, reconciler, a retry from the UI), so importing last
// month's history never delays a call that just ended.
inline constexpr std::string_view kClaimOrder =
    "CASE WHEN source = 'backfill' THEN 1 ELSE 0 END, received_at, id";

// " AND id NOT IN (…)" for the calls a process runs now (never claimed again by it, whatever
// their lease says), or nothing. The ids are integers formatted here, not text from outside.
inline std::string ExcludeRunning(std::span<const std::int64_t> running) {
  if (running.empty()) return {};
  return fmt::format(" AND id NOT IN ({})", fmt::join(running, ","));
}

}  // namespace callbrief::store::sql
