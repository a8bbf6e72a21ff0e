#pragma once

// The JSON of the Trackers page and its API (docs/api.md, "Trackers"): parsing an edited tracker
// and writing trackers, a call's hits and the dashboard's counts. Pure functions: the handlers in
// server_trackers.cc parse, hand off to the store and answer.

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::http {

// A tracker from a request body: {"name": "Конкуренты", "side": "both"|"manager"|"client",
// "phrases": ["Мебель-Маркет", …], "alert": false}. `side` defaults to "both", `alert` to false.
// kInvalidInput naming the field when the body is not such an object; what the phrases may be
// is the store's to check (CallStore::SaveTracker).
core::Result<store::Tracker> ParseTrackerBody(std::string_view body);

// {"id", "name", "side", "phrases", "alert", "updated_at"}.
nlohmann::json TrackerToJson(const store::Tracker& tracker);
nlohmann::json TrackersToJson(std::span<const store::Tracker> trackers);

// A call's hits: [{"tracker_id", "tracker", "phrase", "said", "speaker", "start_ms"}].
nlohmann::json TrackerHitsToJson(std::span<const store::TrackerHit> hits);

// The dashboard's counts: [{"id", "name", "calls", "hits"}].
nlohmann::json TrackerCountsToJson(std::span<const store::TrackerCount> counts);

}  // namespace callbrief::http
