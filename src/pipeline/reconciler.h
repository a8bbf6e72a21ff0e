#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "bitrix/call_facts.h"
#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// The call row we record for a statistic row that no event announced (reconciler, backfill).
store::IncomingCall IncomingCallFromFacts(const bitrix::CallFacts& facts, store::CallSource source,
                                          std::int64_t now_ms);

struct ImportReport {
  int pages = 0;
  int seen = 0;     // Statistic rows read.
  int created = 0;  // Calls we did not know.
  std::int64_t last_statistic_id = 0;
};

// Records every call of a statistic window not stored yet, page by page (duplicates change
// nothing, so repeating a window is harmless). `on_page` is told after each page (progress).
// With `dry_run`, nothing is written and `created` counts the calls that would be.
core::Result<ImportReport> ImportStatistic(bitrix::RestClient& client, store::CallStore& store,
                                           const bitrix::StatisticWindow& window,
                                           store::CallSource source, const core::Clock& clock,
                                           bool dry_run,
                                           const std::function<void(const ImportReport&)>& on_page);

// Bitrix24 sends each event once and never retries: an event that arrives while the service is
// restarting or unreachable is lost. The reconciler polls voximplant.statistic.get for rows newer
// than the last one it has seen and records the calls no event announced, so no call is missed and
// a service without a public URL can run on polling alone.
//
// The cursor (the last statistic ID seen) is kept in the store's settings. On the very first run
// it starts at the newest row: history before installation is `callbrief backfill`'s job.
class Reconciler {
 public:
  static constexpr std::string_view kCursorSetting = "reconcile.last_statistic_id";

  Reconciler(bitrix::RestClient& client, store::CallStore& store, const core::Clock& clock);

  // One pass: reads every page after the cursor and records unknown calls.
  core::Result<ImportReport> RunOnce();

  // Runs RunOnce() every `interval` until Stop(); errors are logged and retried next round.
  void Run(std::chrono::seconds interval);
  void Stop();

 private:
  core::Result<std::int64_t> Cursor();

  bitrix::RestClient& client_;
  store::CallStore& store_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace callbrief::pipeline
