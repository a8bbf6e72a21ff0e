#include "pipeline/reconciler.h"

#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/stored_call.h"

namespace callbrief::pipeline {

using core::Error;

store::IncomingCall IncomingCallFromFacts(const bitrix::CallFacts& facts, store::CallSource source,
                                          std::int64_t now_ms) {
  store::IncomingCall call;
  call.bitrix_call_id = facts.call_id;
  call.source = source;
  bitrix::CopyCallFacts(facts, call);
  call.received_at_ms = now_ms;
  call.event_name = source == store::CallSource::kBackfill ? "BACKFILL" : "RECONCILE";
  call.event_json =
      nlohmann::json{{"statistic_id", facts.statistic_id}, {"CALL_ID", facts.call_id}}.dump();
  return call;
}

core::Result<ImportReport> ImportStatistic(
    bitrix::RestClient& client, store::CallStore& store, const bitrix::StatisticWindow& window,
    store::CallSource source, const core::Clock& clock, bool dry_run,
    const std::function<void(const ImportReport&)>& on_page) {
  ImportReport report;
  bitrix::StatisticWindow next = window;
  report.last_statistic_id = window.after_id;
  for (;;) {
    auto page = bitrix::ListStatisticPage(client, next);
    if (!page) return page.error();
    ++report.pages;
    report.seen += static_cast<int>(page->calls.size());
    std::vector<store::IncomingCall> calls;
    std::int64_t now_ms = core::ToUnixMillis(clock.Now());
    for (const auto& facts : page->calls) {
      calls.push_back(IncomingCallFromFacts(facts, source, now_ms));
    }
    if (dry_run) {
      for (const auto& call : calls) {
        auto known = store.FindCall(call.bitrix_call_id);
        if (!known) return known.error();
        if (!known->has_value()) ++report.created;
      }
    } else if (!calls.empty()) {
      auto recorded = store.RecordIncomingCalls(calls);
      if (!recorded) return recorded.error();
      for (const auto& r : *recorded) {
        if (r.outcome == store::IntakeOutcome::kCreated) ++report.created;
      }
    }
    report.last_statistic_id = page->next_after_id;
    if (on_page) on_page(report);
    if (page->done || page->next_after_id == next.after_id) break;
    next.after_id = page->next_after_id;
  }
  return report;
}

Reconciler::Reconciler(bitrix::RestClient& client, store::CallStore& store,
                       const core::Clock& clock)
    : client_(client), store_(store), clock_(clock) {}

core::Result<std::int64_t> Reconciler::Cursor() {
  auto saved = store_.GetSetting(kCursorSetting);
  if (!saved) return saved.error();
  if (saved->has_value()) {
    std::int64_t id = 0;
    const std::string& text = **saved;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && ptr == text.data() + text.size()) return id;
    spdlog::warn("Reconciler cursor \"{}\" is unreadable; starting from the newest call", text);
  }
  // First run: start after the newest row, without importing history.
  auto newest =
      client_.Call("voximplant.statistic.get", {{"SORT", "ID"}, {"ORDER", "DESC"}, {"start", -1}});
  if (!newest) return newest.error();
  std::int64_t id = 0;
  if (newest->result.is_array() && !newest->result.empty()) {
    auto facts = bitrix::ParseStatisticRow(newest->result[0]);
    if (!facts) return facts.error();
    id = facts->statistic_id;
  }
  if (auto saved_now = store_.PutSetting(kCursorSetting, std::to_string(id)); !saved_now) {
    return saved_now.error();
  }
  spdlog::info("Reconciler starts after Bitrix24 statistic row {}", id);
  return id;
}

core::Result<ImportReport> Reconciler::RunOnce() {
  auto cursor = Cursor();
  if (!cursor) return cursor.error().WithContext("reconciling with Bitrix24");
  bitrix::StatisticWindow window;
  window.after_id = *cursor;
  auto report = ImportStatistic(
      client_, store_, window, store::CallSource::kReconcile, clock_, /*dry_run=*/false,
      [this](const ImportReport& progress) {
        // Saved page by page: a crash re-reads at most one page, whose calls are then duplicates.
        if (auto s = store_.PutSetting(kCursorSetting, std::to_string(progress.last_statistic_id));
            !s) {
          spdlog::warn("Could not save the reconciler cursor: {}", s.error().message);
        }
      });
  if (!report) return report.error().WithContext("reconciling with Bitrix24");
  if (report->created > 0) {
    spdlog::warn("🔁 Reconciliation found {} call(s) no webhook announced; queued them",
                 report->created);
  } else {
    spdlog::debug("Reconciliation: {} new statistic row(s), all known", report->seen);
  }
  return report;
}

void Reconciler::Run(std::chrono::seconds interval) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    if (auto report = RunOnce(); !report) {
      spdlog::error("❌ {}", report.error().message);
    }
    lock.lock();
    wake_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

void Reconciler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

}  // namespace callbrief::pipeline
