#include "http/trackers_api.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "core/json_bounded.h"

namespace callbrief::http {
namespace {

using core::Error;
using nlohmann::json;

}  // namespace

core::Result<store::Tracker> ParseTrackerBody(std::string_view body) {
  const json in = core::ParseBoundedJson(body);
  if (in.is_discarded() || !in.is_object()) {
    return Error::InvalidInput(
        "expected a JSON object like {\"name\":\"Конкуренты\",\"side\":\"both\","
        "\"phrases\":[\"другой поставщик\"],\"alert\":false}");
  }
  store::Tracker tracker;
  if (!in.contains("name") || !in["name"].is_string()) {
    return Error::InvalidInput("name: expected the tracker's name as a string");
  }
  tracker.name = in["name"].get<std::string>();
  if (in.contains("side") && !in["side"].is_null()) {
    auto side = in["side"].is_string() ? store::TrackerSideFromName(in["side"].get<std::string>())
                                       : std::nullopt;
    if (!side) return Error::InvalidInput("side: expected \"both\", \"manager\" or \"client\"");
    tracker.side = *side;
  }
  if (!in.contains("phrases") || !in["phrases"].is_array()) {
    return Error::InvalidInput("phrases: expected a list of words and phrases");
  }
  // Far more than a tracker may keep: the store names the real limit; this only bounds the work.
  if (in["phrases"].size() > 10 * store::kMaxTrackerPhrases) {
    return Error::InvalidInput(
        fmt::format("phrases: at most {} phrases in one tracker", store::kMaxTrackerPhrases));
  }
  for (const json& phrase : in["phrases"]) {
    if (!phrase.is_string()) return Error::InvalidInput("phrases: every item must be a string");
    tracker.phrases.push_back(phrase.get<std::string>());
  }
  if (in.contains("alert") && !in["alert"].is_null()) {
    if (!in["alert"].is_boolean()) return Error::InvalidInput("alert: expected true or false");
    tracker.alert = in["alert"].get<bool>();
  }
  return tracker;
}

json TrackerToJson(const store::Tracker& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"side", store::TrackerSideName(t.side)},
          {"phrases", t.phrases},
          {"alert", t.alert},
          {"updated_at", core::FormatIso8601Millis(t.updated_at_ms)}};
}

json TrackersToJson(std::span<const store::Tracker> trackers) {
  json out = json::array();
  for (const store::Tracker& t : trackers) out.push_back(TrackerToJson(t));
  return out;
}

json TrackerHitsToJson(std::span<const store::TrackerHit> hits) {
  json out = json::array();
  for (const store::TrackerHit& hit : hits) {
    out.push_back({{"tracker_id", hit.tracker_id},
                   {"tracker", hit.tracker_name},
                   {"phrase", hit.phrase},
                   {"said", hit.said},
                   {"speaker", hit.speaker.empty() ? json(nullptr) : json(hit.speaker)},
                   {"start_ms", hit.start_ms}});
  }
  return out;
}

json TrackerCountsToJson(std::span<const store::TrackerCount> counts) {
  json out = json::array();
  for (const store::TrackerCount& c : counts) {
    out.push_back({{"id", c.tracker_id}, {"name", c.name}, {"calls", c.calls}, {"hits", c.hits}});
  }
  return out;
}

}  // namespace callbrief::http
