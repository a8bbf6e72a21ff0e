#include "app/rescore_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "app/processing.h"
#include "app/progress.h"
#include "core/clock.h"
#include "core/redact.h"
#include "llm/summarizer.h"
#include "pipeline/rescore.h"
#include "pipeline/summarize_stage.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitConfig = 2;

int Fail(const core::Error& error) {
  std::fprintf(stderr, "callbrief rescore: %s\n", core::Redact(error.message).c_str());
  return error.kind == core::ErrorKind::kConfig ? kExitConfig : kExitFailure;
}

std::optional<std::int64_t> ParseDate(const std::string& text) {
  core::TimePoint t;
  if (!core::ParseIso8601(text, &t)) return std::nullopt;
  return core::ToUnixMillis(t);
}

// The calls the workers are finished with (done, or failed after their summary) that started in
// the period, oldest first. Calls still in the pipeline are scored by their summarize stage.
core::Result<std::vector<std::int64_t>> FinishedCalls(store::CallStore& store,
                                                      std::int64_t since_ms,
                                                      std::optional<std::int64_t> until_ms) {
  store::CallQuery query{.stages = {store::Stage::kDone, store::Stage::kFailed},
                         .from_ms = since_ms,
                         .to_ms = until_ms,
                         .limit = 500};
  std::vector<std::int64_t> ids;
  do {
    auto page = store.ListCalls(query);
    if (!page) return page.error();
    for (const store::CallRecord& call : page->calls) ids.push_back(call.id);
    query.cursor = page->next_cursor;
  } while (!query.cursor.empty());
  std::reverse(ids.begin(), ids.end());  // Pages come newest first.
  return ids;
}

}  // namespace

int RunRescore(const core::Config& config, const RescoreOptions& options) {
  const std::optional<std::int64_t> since = ParseDate(options.since);
  if (!since) {
    return Fail(core::Error::InvalidInput("--since: expected a date like 2026-11-01, got \"" +
                                          options.since + "\""));
  }
  std::optional<std::int64_t> until;
  if (!options.until.empty()) {
    until = ParseDate(options.until);
    if (!until) {
      return Fail(core::Error::InvalidInput("--until: expected a date like 2026-11-24, got \"" +
                                            options.until + "\""));
    }
  }
  if (!config.HasSummary()) {
    return Fail(core::Error::Config("OPENAI_API_KEY is not set: there is no model to score with"));
  }
  auto prices = llm::ParseChatPrices(config.summary_prices);
  if (!prices) return Fail(prices.error().WithContext("SUMMARY_PRICES"));
  auto store = store::OpenStore(config.database_url, /*migrate=*/true);
  if (!store) return Fail(store.error());
  // Said before any call is read: with no active checklist every call would fail the same way.
  auto checklist = pipeline::ChecklistToScore(**store);
  if (!checklist) return Fail(checklist.error());
  if (!*checklist) {
    return Fail(core::Error::Config(
        "no checklist is active: make one active on the Checklists page, then run rescore again"));
  }

  auto ids = FinishedCalls(**store, *since, until);
  if (!ids) return Fail(ids.error());
  std::fprintf(stdout, "%zu finished call(s) in this period; scoring against checklist %s\n",
               ids->size(), (*checklist)->id.c_str());

  std::unique_ptr<net::HttpClient> http = MakeProviderHttpClient();
  const core::Clock& clock = core::SystemClock::Instance();
  std::unique_ptr<llm::Summarizer> summarizer =
      MakeSummarizer(config, *http, std::move(*prices), clock);
  pipeline::Rescorer rescorer(summarizer.get(), **store, clock, config.call_language,
                              core::NullObserver(), config.pii_masking);

  const auto total = static_cast<std::int64_t>(ids->size());
  ProgressLine progress(total, stdout, isatty(STDOUT_FILENO));
  int scored = 0, not_scorable = 0, failed = 0;
  std::int64_t done = 0;
  for (std::int64_t id : *ids) {
    auto call = (*store)->FindCall(std::to_string(id));
    if (!call) return Fail(call.error());
    ++done;
    if (!*call || !pipeline::WhyNotScorable(**call).empty()) {
      ++not_scorable;
    } else if (auto rescored = rescorer.Rescore(**call); rescored) {
      ++scored;
    } else {
      ++failed;
      progress.Note(fmt::format("call {} ({}): {}", id, (*call)->call.bitrix_call_id,
                                core::Redact(rescored.error().message)));
      // A setting missing now is missing for every call left.
      if (rescored.error().kind == core::ErrorKind::kConfig) {
        progress.Finish();
        return Fail(rescored.error());
      }
    }
    progress.Update(done,
                    fmt::format("{}/{} calls, {} scored, {} with nothing to score, {} failed", done,
                                total, scored, not_scorable, failed),
                    fmt::format("call {}: ", id));
  }
  progress.Finish();
  std::fprintf(stdout,
               "Done: %d call(s) scored again, %d with nothing to score (no summary by a model), "
               "%d failed\n",
               scored, not_scorable, failed);
  return failed == 0 ? 0 : kExitFailure;
}

}  // namespace callbrief::app
