#include "http/checklists_api.h"

#include "analytics/scorecard.h"
#include "core/clock.h"
#include "core/json_bounded.h"

namespace callbrief::http {
namespace {

using json = nlohmann::json;

// The array `key` of a stored checklist's JSON; [] when absent (stored before questions existed)
// or damaged.
json Listed(const json& body, const char* key) {
  return body.is_object() && body.contains(key) && body[key].is_array() ? body[key] : json::array();
}

}  // namespace

json ChecklistsToJson(std::span<const store::StoredChecklist> stored) {
  json list = json::array();
  for (const store::StoredChecklist& c : stored) {
    json body = core::ParseBoundedJson(c.checklist_json);
    list.push_back({{"id", c.id},
                    {"name", c.name},
                    {"active", c.active},
                    {"stored", true},
                    {"updated_at", core::FormatIso8601Millis(c.updated_at_ms)},
                    {"criteria", Listed(body, "criteria")},
                    {"questions", Listed(body, "questions")}});
  }
  if (stored.empty()) {
    json shipped = analytics::ChecklistToJson(analytics::DefaultSalesChecklist());
    shipped["active"] = true;
    shipped["stored"] = false;
    shipped["updated_at"] = nullptr;
    list.push_back(std::move(shipped));
  }
  return {{"checklists", std::move(list)}};
}

core::Result<store::StoredChecklist> ChecklistFromRequest(std::string_view path_id,
                                                          std::string_view body,
                                                          std::int64_t now_ms) {
  json in = core::ParseBoundedJson(body);
  if (in.is_discarded() || !in.is_object()) {
    return core::Error::InvalidInput("the body must be a checklist as a JSON object");
  }
  if (in.contains("id") && in["id"] != json(path_id)) {
    return core::Error::InvalidInput("id: the body's id differs from the id in the path");
  }
  in["id"] = std::string(path_id);
  const json active = in.value("active", json(true));
  if (!active.is_boolean()) return core::Error::InvalidInput("active: must be true or false");
  auto checklist = analytics::ChecklistFromJson(in);
  if (!checklist.ok()) return checklist.error();
  return store::StoredChecklist{.id = checklist->id,
                                .name = checklist->name,
                                .checklist_json = analytics::ChecklistToJson(*checklist).dump(),
                                .active = active.get<bool>(),
                                .updated_at_ms = now_ms};
}

int RescoreErrorStatus(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::kInvalidInput:
      return 409;
    case core::ErrorKind::kPermanent:
      return 502;
    default:
      return 503;
  }
}

json CallScorecardToJson(const std::optional<store::ScorecardRecord>& scorecard) {
  if (!scorecard) return nullptr;
  json out = core::ParseBoundedJson(scorecard->scorecard_json);
  if (!out.is_object()) return nullptr;
  out["created_at"] = core::FormatIso8601Millis(scorecard->created_at_ms);
  return out;
}

}  // namespace callbrief::http
