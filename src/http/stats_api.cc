#include "http/stats_api.h"

#include <charconv>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "core/clock.h"

namespace callbrief::http {
namespace {

using core::Error;
using nlohmann::json;

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

bool IsBareDate(const std::string& value) { return value.size() == 10; }

core::Result<std::int64_t> ParseTime(std::string_view name, const std::string& value) {
  core::TimePoint t;
  if (!core::ParseIso8601(value, &t)) {
    return Error::InvalidInput(
        fmt::format("{}: expected a date like 2026-11-24 or 2026-11-24T09:00:00+03:00, got \"{}\"",
                    name, value.substr(0, 40)));
  }
  return core::ToUnixMillis(t);
}

json DayToJson(const store::DayStats& d) {
  return {
      {"day", d.day},
      {"calls", d.calls},
      {"done", d.done},
      {"skipped", d.skipped},
      {"failed", d.failed},
      {"in_progress", d.in_progress},
      {"sentiment", {{"positive", d.positive}, {"neutral", d.neutral}, {"negative", d.negative}}},
      {"median_latency_seconds", d.median_latency_ms
                                     ? json(static_cast<double>(*d.median_latency_ms) / 1000)
                                     : json(nullptr)},
      {"talk_seconds", d.talk_seconds},
      {"cost_usd", d.cost_usd}};
}

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// The mean score of each week of the window, from its first day.
json ScoreTrend(const store::ManagerStats& m, std::int64_t from_ms) {
  json weeks = json::array();
  for (size_t i = 0; i < m.score_by_week.size(); ++i) {
    weeks.push_back({{"week_start", core::FormatIso8601Millis(
                                        from_ms + static_cast<std::int64_t>(i) * 7 * kDayMs)},
                     {"average_score", OrNull(m.score_by_week[i])}});
  }
  return weeks;
}

json FailedCriteriaToJson(const store::ManagerStats& m) {
  json failed = json::array();
  for (const store::FailedCriterion& f : m.failed_criteria) {
    failed.push_back({{"id", f.id},
                      {"question", f.question},
                      {"critical", f.critical},
                      {"calls", f.calls},
                      {"call_ids", f.call_ids}});
  }
  return failed;
}

json ManagerToJson(const store::ManagerStats& m, std::int64_t from_ms) {
  return {
      {"id", m.portal_user_id},
      {"name", m.name.empty() ? json(nullptr) : json(m.name)},
      {"calls", m.calls},
      {"measured_calls", m.measured_calls},
      {"talk_share_manager", OrNull(m.talk_share_manager)},
      {"talk_share_vs_benchmark",
       m.talk_share_manager ? json(*m.talk_share_manager - kBenchmarkTalkShare) : json(nullptr)},
      {"longest_monologue_seconds", OrNull(m.longest_monologue_seconds)},
      {"max_monologue_seconds", OrNull(m.max_monologue_seconds)},
      {"interruptions_per_call", OrNull(m.interruptions_per_call)},
      {"scored_calls", m.scored_calls},
      {"average_score", OrNull(m.average_score)},
      {"score_trend", ScoreTrend(m, from_ms)},
      {"failed_criteria", FailedCriteriaToJson(m)}};
}

}  // namespace

core::Result<store::StatsQuery> ParseStatsQuery(const QueryParams& params, std::int64_t now_ms) {
  store::StatsQuery q;
  auto tz = params.find("tz");
  if (tz != params.end()) {
    const std::string& v = tz->second;
    int minutes = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), minutes);
    if (ec != std::errc() || ptr != v.data() + v.size() || minutes < -840 || minutes > 840) {
      return Error::InvalidInput("tz: expected minutes east of UTC, from -840 to 840");
    }
    q.utc_offset_minutes = minutes;
  }
  const std::int64_t offset_ms = std::int64_t{q.utc_offset_minutes} * 60'000;
  // Local midnight that starts the day containing `ms`.
  auto day_start = [&](std::int64_t ms) {
    return FloorDiv(ms + offset_ms, kDayMs) * kDayMs - offset_ms;
  };

  q.to_ms = day_start(now_ms) + kDayMs;
  if (auto to = params.find("to"); to != params.end()) {
    auto ms = ParseTime("to", to->second);
    if (!ms) return ms.error();
    // A bare date names the last day shown: the window ends at the next local midnight.
    q.to_ms = IsBareDate(to->second) ? *ms - offset_ms + kDayMs : *ms;
  }
  q.from_ms = day_start(q.to_ms - 1) - 29 * kDayMs;
  if (auto from = params.find("from"); from != params.end()) {
    auto ms = ParseTime("from", from->second);
    if (!ms) return ms.error();
    q.from_ms = IsBareDate(from->second) ? *ms - offset_ms : *ms;
  }
  if (q.from_ms >= q.to_ms) return Error::InvalidInput("from: must be before to");
  if (q.to_ms - q.from_ms > std::int64_t{kMaxStatsDays} * kDayMs) {
    return Error::InvalidInput(
        fmt::format("from: the window may span at most {} days", kMaxStatsDays));
  }
  return q;
}

json StatsToJson(const store::StatsQuery& query, std::span<const store::DayStats> days,
                 std::span<const store::ManagerStats> managers) {
  const std::int64_t offset_ms = std::int64_t{query.utc_offset_minutes} * 60'000;
  std::map<std::string, const store::DayStats*> by_name;
  for (const auto& d : days) by_name[d.day] = &d;

  store::DayStats totals;
  json out_days = json::array();
  const std::int64_t first = FloorDiv(query.from_ms + offset_ms, kDayMs);
  const std::int64_t last = FloorDiv(query.to_ms - 1 + offset_ms, kDayMs);
  for (std::int64_t n = first; n <= last; ++n) {
    // The same civil-date naming the store uses.
    std::string name = core::FormatIso8601Millis(n * kDayMs).substr(0, 10);
    auto it = by_name.find(name);
    store::DayStats d = it != by_name.end() ? *it->second : store::DayStats{.day = name};
    totals.calls += d.calls;
    totals.done += d.done;
    totals.skipped += d.skipped;
    totals.failed += d.failed;
    totals.in_progress += d.in_progress;
    totals.positive += d.positive;
    totals.neutral += d.neutral;
    totals.negative += d.negative;
    totals.talk_seconds += d.talk_seconds;
    totals.cost_usd += d.cost_usd;
    out_days.push_back(DayToJson(d));
  }
  json out_managers = json::array();
  for (const store::ManagerStats& m : managers) {
    out_managers.push_back(ManagerToJson(m, query.from_ms));
  }
  json total = DayToJson(totals);
  total.erase("day");
  total.erase("median_latency_seconds");
  return {{"from", core::FormatIso8601Millis(query.from_ms)},
          {"to", core::FormatIso8601Millis(query.to_ms)},
          {"tz", query.utc_offset_minutes},
          {"days", std::move(out_days)},
          {"totals", std::move(total)},
          {"managers", std::move(out_managers)},
          {"benchmark",
           {{"talk_share_manager", kBenchmarkTalkShare},
            {"talk_share_manager_too_high", kTooHighTalkShare}}}};
}

}  // namespace callbrief::http
