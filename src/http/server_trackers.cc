// The Trackers page's API (issue 17, item 2): list, create, edit and delete trackers, and the
// dashboard's hits per tracker. Behind the same access rules as the rest of the API; the writes
// also refuse other sites' pages.
#include <charconv>

#include <spdlog/spdlog.h>

#include "http/server_impl.h"
#include "http/stats_api.h"
#include "http/trackers_api.h"

namespace callbrief::http {
namespace {

// The id in a path matched by ([0-9]+); nullopt when it does not fit a number.
std::optional<std::int64_t> IdOf(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

void Server::Impl::TrackerRoutes() {
  router_.Get("/api/trackers", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto trackers = store_.ListTrackers();
    if (!trackers) return SendStoreError(res, trackers.error());
    SendJson(res, 200, {{"trackers", TrackersToJson(*trackers)}});
  });
  router_.Get("/api/trackers/stats", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto query = ParseStatsQuery(QueryParams(req.params.begin(), req.params.end()), NowMs());
    if (!query) return SendError(res, 400, query.error().message);
    auto counts = store_.CountTrackerHits(*query);
    if (!counts) return SendStoreError(res, counts.error());
    SendJson(res, 200,
             {{"from", core::FormatIso8601Millis(query->from_ms)},
              {"to", core::FormatIso8601Millis(query->to_ms)},
              {"trackers", TrackerCountsToJson(*counts)}});
  });
  // Creating (no id) and replacing (an id in the path) read the same body.
  auto save = [this](const Request& req, Response& res, std::int64_t id) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    auto tracker = ParseTrackerBody(req.body);
    if (!tracker) return SendError(res, 400, tracker.error().message);
    tracker->id = id;
    auto saved = store_.SaveTracker(*tracker, NowMs());
    if (!saved) return SendStoreError(res, saved.error());
    if (!*saved) return SendError(res, 404, "no tracker with this id (deleted meanwhile?)");
    spdlog::info("🏷️ Tracker {} \"{}\" saved by {}", (*saved)->id, (*saved)->name,
                 ClientAddress(req));
    SendJson(res, id == 0 ? 201 : 200, {{"status", "ok"}, {"tracker", TrackerToJson(**saved)}});
  };
  router_.Post("/api/trackers", [save](const Request& req, Response& res) { save(req, res, 0); });
  router_.Post(R"(/api/trackers/([0-9]+))", [this, save](const Request& req, Response& res) {
    auto id = IdOf(req.matches[1].str());
    if (!id) {
      if (!Authorize(req, res, Asker::kApi)) return;
      return SendError(res, 404, "no tracker with this id");
    }
    save(req, res, *id);
  });
  router_.Post(R"(/api/trackers/([0-9]+)/delete)", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    auto id = IdOf(req.matches[1].str());
    if (!id) return SendError(res, 404, "no tracker with this id");
    auto deleted = store_.DeleteTracker(*id);
    if (!deleted) return SendStoreError(res, deleted.error());
    if (!*deleted) return SendError(res, 404, "no tracker with this id");
    spdlog::info("🏷️ Tracker {} deleted by {}", *id, ClientAddress(req));
    SendJson(res, 200, {{"status", "ok"}});
  });
}

}  // namespace callbrief::http
