#include "app/backfill.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "app/bitrix_access.h"
#include "app/local_app.h"
#include "app/progress.h"
#include "core/redact.h"
#include "pipeline/reconciler.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

std::optional<std::int64_t> ParseDate(const std::string& text) {
  core::TimePoint t;
  if (!core::ParseIso8601(text, &t)) return std::nullopt;
  return core::ToUnixMillis(t);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "callbrief backfill: %s\n", core::Redact(message).c_str());
  return 1;
}

}  // namespace

int RunBackfill(const core::Config& config, const BackfillOptions& options) {
  if (!config.HasBitrix()) return Fail("BITRIX24_WEBHOOK_URL is not set: nothing to read from");
  bitrix::StatisticWindow window;
  window.since_ms = ParseDate(options.since);
  if (!window.since_ms)
    return Fail("--since: expected a date like 2026-11-01, got \"" + options.since + "\"");
  if (!options.until.empty()) {
    window.until_ms = ParseDate(options.until);
    if (!window.until_ms)
      return Fail("--until: expected a date like 2026-11-24, got \"" + options.until + "\"");
  }
  auto store = store::OpenStore(config.database_url, /*migrate=*/true);
  if (!store) return Fail(store.error().message);
  BitrixAccess bitrix = MakeBitrixAccess(config);
  std::unique_ptr<LocalApp> local_app;
  if (config.BitrixLocalApp()) {
    auto made = MakeLocalApp(config, **store, *bitrix.http, bitrix.limiter.get(),
                             core::SystemClock::Instance());
    if (!made) return Fail(made.error().message);
    local_app = std::move(*made);
    UseLocalApp(config, bitrix, *local_app);
  }

  auto total = bitrix::CountStatistic(*bitrix.rest, window);
  if (!total) return Fail(total.error().message);
  std::fprintf(stdout, "%s%lld call(s) in Bitrix24's history for this period\n",
               options.dry_run ? "Dry run: " : "", static_cast<long long>(*total));
  ProgressLine progress(*total, stdout, isatty(STDOUT_FILENO));
  auto report = pipeline::ImportStatistic(
      *bitrix.rest, **store, window, store::CallSource::kBackfill, core::SystemClock::Instance(),
      options.dry_run, [&](const pipeline::ImportReport& r) {
        progress.Update(r.seen, fmt::format("{}/{} calls read, {} new", r.seen, *total, r.created),
                        fmt::format("page {}: ", r.pages));
      });
  progress.Finish();
  if (!report) return Fail(report.error().message);
  std::fprintf(stdout, "%s: %d call(s) read, %d %s\n", options.dry_run ? "Dry run done" : "Done",
               report->seen, report->created,
               options.dry_run ? "would be recorded (not known yet)" : "recorded");
  return 0;
}

}  // namespace callbrief::app
