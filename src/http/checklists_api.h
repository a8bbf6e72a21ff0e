#pragma once

// The scorecard checklists API (issue 16, item 2; docs/api.md): the JSON of
// GET /api/checklists and the reading of POST /api/checklists/{id}. Pure.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::http {

// {"checklists": [{id, name, active, stored, updated_at, criteria}]}: the stored ones; with none
// stored, the shipped sales checklist (stored false, active true: it is the one scored).
nlohmann::json ChecklistsToJson(std::span<const store::StoredChecklist> stored);

// The checklist posted to /api/checklists/{id}: `body` is a checklist's JSON (as exported or
// imported: {id?, name, criteria, active?}); `active` defaults to true. The id of the path wins
// and must agree with the body's when it has one. kInvalidInput naming every problem.
core::Result<store::StoredChecklist> ChecklistFromRequest(std::string_view path_id,
                                                          std::string_view body,
                                                          std::int64_t now_ms);

// The HTTP status of a failed re-score (POST /api/calls/{id}/rescore): 409 when the call cannot be
// scored (kInvalidInput: no conversation, not summarized yet), 503 when the service is not set up
// for it (kConfig: no model key, no active checklist) or the model is busy or down (transient,
// rate limited), 502 when the model refused (permanent).
int RescoreErrorStatus(const core::Error& error);

// The `scorecard` of GET /api/calls/{id}: the stored document with created_at; null without one.
nlohmann::json CallScorecardToJson(const std::optional<store::ScorecardRecord>& scorecard);

}  // namespace callbrief::http
