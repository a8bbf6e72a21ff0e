#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace callbrief::testing {

// Makes `copies` more of every call in a SQLite callbrief database, with all their rows (events,
// stage runs, transcript, summary, deliveries, usage): each copy gets new ids, a distinct
// CALL_ID and client number, and every time moved `step_ms` further back than the previous copy.
// Columns are read from the schema, so rows stay exactly as the store wrote them. For filling a
// benchmark database quickly from calls written through the store; the store must be closed.
core::Status ReplicateCalls(const std::string& sqlite_path, int copies, std::int64_t step_ms);

}  // namespace callbrief::testing
