// Trackers (issue 17, item 2): the lists of words the store looks for in every transcript it
// saves, their hits, and the dashboard's count of them.
#include <algorithm>

#include <fmt/format.h>

#include "store/internal/sql_store.h"
#include "store/internal/tracker_match.h"

namespace callbrief::store::internal {
namespace {

using core::Error;
using core::Result;
using core::Status;

constexpr std::string_view kTrackerColumns = "id, name, side, phrases, alert, updated_at";

// Phrases are kept one per line: a phrase never holds a line break (CleanTracker).
std::string JoinPhrases(const std::vector<std::string>& phrases) {
  return fmt::format("{}", fmt::join(phrases, "\n"));
}
std::vector<std::string> SplitPhrases(std::string_view text) {
  std::vector<std::string> phrases;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    if (end > 0) phrases.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return phrases;
}

std::vector<Tracker> ReadTrackers(const Rows& rows) {
  std::vector<Tracker> trackers;
  for (int i = 0; i < rows.size(); ++i) {
    trackers.push_back({.id = rows.Int64(i, 0),
                        .name = rows.Text(i, 1),
                        // A side this version does not know listens to both (never to nobody).
                        .side = TrackerSideFromName(rows.Text(i, 2)).value_or(TrackerSide::kBoth),
                        .phrases = SplitPhrases(rows.Text(i, 3)),
                        .alert = rows.Int64(i, 4) != 0,
                        .updated_at_ms = rows.Int64(i, 5)});
  }
  return trackers;
}

Result<std::vector<Tracker>> AllTrackers(Connection& c, std::string_view byte_order) {
  STORE_ASSIGN_OR_RETURN(Rows rows, c.Exec(fmt::format("SELECT {} FROM trackers ORDER BY name{}",
                                                       kTrackerColumns, byte_order)));
  return ReadTrackers(rows);
}

}  // namespace

Status WriteTrackerHits(Connection& c, std::int64_t call_id,
                        std::span<const TranscriptSegment> segments) {
  STORE_RETURN_IF_ERROR(c.Exec("DELETE FROM tracker_hits WHERE call_id = $1", Params(call_id)));
  STORE_ASSIGN_OR_RETURN(std::vector<Tracker> trackers, AllTrackers(c, ""));
  if (trackers.empty()) return core::Ok();
  const std::vector<TrackerHit> hits = FindTrackerHits(segments, CompileTrackers(trackers));
  // One statement per 100 hits (6 parameters each): far below either database's limit.
  constexpr size_t kPerInsert = 100;
  for (size_t from = 0; from < hits.size(); from += kPerInsert) {
    Params p;
    std::string values;
    for (size_t i = from; i < std::min(hits.size(), from + kPerInsert); ++i) {
      const TrackerHit& hit = hits[i];
      values += fmt::format("{}({},{},{},{},{},{},{})", i == from ? "" : ",", p.Next(call_id),
                            p.Next(hit.tracker_id), p.Next(static_cast<std::int64_t>(i)),
                            p.Next(hit.phrase), p.Next(hit.said), p.Next(hit.speaker),
                            p.Next(hit.start_ms));
    }
    STORE_RETURN_IF_ERROR(
        c.Exec("INSERT INTO tracker_hits (call_id, tracker_id, hit_index, phrase, said, speaker, "
               "start_ms) VALUES " +
                   values,
               p));
  }
  return core::Ok();
}

Status LoadTrackerHits(Connection& c, CallDetails* details) {
  STORE_ASSIGN_OR_RETURN(
      Rows rows,
      c.Exec("SELECT h.tracker_id, t.name, h.phrase, h.said, h.speaker, h.start_ms, t.alert "
             "FROM tracker_hits h JOIN trackers t ON t.id = h.tracker_id "
             "WHERE h.call_id = $1 ORDER BY h.hit_index",
             Params(details->call.id)));
  for (int i = 0; i < rows.size(); ++i) {
    details->tracker_hits.push_back({.tracker_id = rows.Int64(i, 0),
                                     .tracker_name = rows.Text(i, 1),
                                     .phrase = rows.Text(i, 2),
                                     .said = rows.Text(i, 3),
                                     .speaker = rows.Text(i, 4),
                                     .start_ms = rows.Int64(i, 5),
                                     .tracker_alerts = rows.Int64(i, 6) != 0});
  }
  return core::Ok();
}

Result<std::vector<Tracker>> SqlStore::ListTrackers() {
  return db_->Run(Access::kRead, "listing trackers",
                  [&](Connection& c) { return AllTrackers(c, dialect_.byte_order); });
}

Result<std::optional<Tracker>> SqlStore::SaveTracker(const Tracker& given, std::int64_t now_ms) {
  STORE_ASSIGN_OR_RETURN(Tracker tracker, CleanTracker(given));
  tracker.updated_at_ms = now_ms;
  using Saved = std::optional<Tracker>;
  return db_->Run(Access::kTransaction, "saving a tracker", [&](Connection& c) -> Result<Saved> {
    STORE_ASSIGN_OR_RETURN(Rows same_name,
                           c.Exec("SELECT id FROM trackers WHERE name = $1 AND id <> $2",
                                  Params(tracker.name, tracker.id)));
    if (!same_name.empty()) {
      return Error::InvalidInput(fmt::format(
          "name: a tracker named \"{}\" exists already; choose another name or edit that one",
          tracker.name));
    }
    const Params values(tracker.name, TrackerSideName(tracker.side), JoinPhrases(tracker.phrases),
                        tracker.alert, tracker.updated_at_ms);
    if (tracker.id == 0) {
      STORE_ASSIGN_OR_RETURN(Rows count, c.Exec("SELECT COUNT(*) FROM trackers"));
      if (count.Int64(0, 0) >= static_cast<std::int64_t>(kMaxTrackers)) {
        return Error::InvalidInput(fmt::format(
            "at most {} trackers can be kept; delete one you no longer need first", kMaxTrackers));
      }
      STORE_ASSIGN_OR_RETURN(Rows inserted,
                             c.Exec("INSERT INTO trackers (name, side, phrases, alert, updated_at) "
                                    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                    values));
      tracker.id = inserted.Int64(0, 0);
      return Saved(std::move(tracker));
    }
    Params update = values;
    update.Add(tracker.id);
    STORE_ASSIGN_OR_RETURN(
        Rows updated, c.Exec("UPDATE trackers SET name = $1, side = $2, phrases = $3, alert = $4, "
                             "updated_at = $5 WHERE id = $6",
                             update));
    if (updated.affected() == 0) return Saved();
    return Saved(std::move(tracker));
  });
}

Result<bool> SqlStore::DeleteTracker(std::int64_t id) {
  return db_->Run(Access::kTransaction, "deleting a tracker", [&](Connection& c) -> Result<bool> {
    // The hits first: SQLite enforces the foreign key's cascade too, but this does not rely on it.
    STORE_RETURN_IF_ERROR(c.Exec("DELETE FROM tracker_hits WHERE tracker_id = $1", Params(id)));
    STORE_ASSIGN_OR_RETURN(Rows deleted, c.Exec("DELETE FROM trackers WHERE id = $1", Params(id)));
    return deleted.affected() > 0;
  });
}

Result<std::vector<TrackerCount>> SqlStore::CountTrackerHits(const StatsQuery& query) {
  using Counts = std::vector<TrackerCount>;
  return db_->Run(Access::kRead, "counting tracker hits", [&](Connection& c) -> Result<Counts> {
    STORE_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format(
                   "SELECT t.id, t.name, COUNT(DISTINCT h.call_id), COUNT(h.call_id) "
                   "FROM trackers t LEFT JOIN tracker_hits h ON h.tracker_id = t.id AND "
                   "h.call_id IN (SELECT id FROM calls WHERE started_at >= $1 AND started_at < $2) "
                   "GROUP BY t.id, t.name ORDER BY t.name{}",
                   dialect_.byte_order),
               Params(query.from_ms, query.to_ms)));
    Counts counts;
    for (int i = 0; i < rows.size(); ++i) {
      counts.push_back({.tracker_id = rows.Int64(i, 0),
                        .name = rows.Text(i, 1),
                        .calls = rows.Int64(i, 2),
                        .hits = rows.Int64(i, 3)});
    }
    return counts;
  });
}

}  // namespace callbrief::store::internal
