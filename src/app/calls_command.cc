#include "app/calls_command.h"

#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/erasure.h"
#include "app/retention.h"
#include "core/clock.h"
#include "core/json_bounded.h"
#include "core/redact.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitNotFound = 3;

int Fail(const core::Error& error) {
  std::fprintf(stderr, "callbrief: %s\n", core::Redact(error.message).c_str());
  return error.kind == core::ErrorKind::kConfig ? 2 : kExitFailure;
}

std::string Duration(const std::optional<int>& seconds) {
  if (!seconds) return "—";
  return fmt::format("{}:{:02}", *seconds / 60, *seconds % 60);
}

// What a person needs to see about a call's state in one short text.
std::string StateNote(const store::CallRecord& c) {
  if (c.stage == store::Stage::kSkipped) return c.skip_reason;
  if (!c.last_error.empty()) return c.last_error;
  return "";
}

std::string Clip(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > max_chars) {
      return out + "…";
    }
    out += text[i];
  }
  return out;
}

core::Result<std::unique_ptr<store::CallStore>> Open(const core::Config& config) {
  return store::OpenStore(config.database_url, /*migrate=*/false);
}

// One line per call under a header, as `calls list` shows them.
void PrintCallLines(const std::vector<store::CallRecord>& calls) {
  std::cout << fmt::format("{:>6}  {:<20}  {:<8}  {:<16}  {:>6}  {:<10}  {}\n", "ID", "STARTED",
                           "DIR", "CLIENT", "DUR", "STAGE", "NOTE");
  for (const store::CallRecord& c : calls) {
    std::cout << fmt::format("{:>6}  {:<20}  {:<8}  {:<16}  {:>6}  {:<10}  {}\n", c.id,
                             core::FormatIso8601Millis(c.started_at_ms).substr(0, 19),
                             store::DirectionName(c.direction), c.client_number,
                             Duration(c.duration_seconds), store::StageName(c.stage),
                             Clip(StateNote(c), 60));
  }
  if (calls.empty()) std::cout << "(no calls)\n";
}

void PrintSummary(const store::Summary& summary) {
  auto body = core::ParseBoundedJson(summary.summary_json);
  std::cout << fmt::format("\nSummary ({}, {}, {}):\n", summary.model, summary.call_kind,
                           summary.sentiment);
  if (body.is_object()) {
    std::cout << body.dump(2) << "\n";
  } else {
    std::cout << summary.summary_json << "\n";
  }
}

}  // namespace

int RunCallsList(const core::Config& config, const CallsListOptions& options) {
  auto store = Open(config);
  if (!store) return Fail(store.error());
  store::CallQuery query;
  query.limit = options.limit;
  if (!options.stage.empty()) {
    std::string_view rest = options.stage;
    while (!rest.empty()) {
      std::string_view name = rest.substr(0, rest.find(','));
      rest.remove_prefix(std::min(rest.size(), name.size() + 1));
      auto stage = store::StageFromName(name);
      if (!stage) return Fail(core::Error::InvalidInput(fmt::format("unknown stage \"{}\"", name)));
      query.stages.push_back(*stage);
    }
  }
  auto page = (*store)->ListCalls(query);
  if (!page) return Fail(page.error());
  PrintCallLines(page->calls);
  return 0;
}

int RunCallsShow(const core::Config& config, const std::string& id) {
  auto store = Open(config);
  if (!store) return Fail(store.error());
  auto found = (*store)->FindCall(id);
  if (!found) return Fail(found.error());
  if (!found->has_value()) {
    std::fprintf(stderr, "callbrief: no call %s\n", id.c_str());
    return kExitNotFound;
  }
  const store::CallDetails& d = **found;
  const store::CallRecord& c = d.call;
  std::cout << fmt::format("Call {} (Bitrix24 {})\n", c.id, c.bitrix_call_id);
  std::cout << fmt::format("  started   {}\n  direction {}\n  client    {}\n  line      {}\n",
                           core::FormatIso8601Millis(c.started_at_ms),
                           store::DirectionName(c.direction), c.client_number, c.portal_number);
  std::cout << fmt::format("  manager   {}\n  duration  {}\n  stage     {}{}\n",
                           c.manager_name.empty() ? "—" : c.manager_name,
                           Duration(c.duration_seconds), store::StageName(c.stage),
                           StateNote(c).empty() ? "" : "  (" + StateNote(c) + ")");
  if (c.cost_usd) std::cout << fmt::format("  cost      ${:.4f}\n", *c.cost_usd);
  if (!d.stage_runs.empty()) std::cout << "\nStages:\n";
  for (const store::StageRun& run : d.stage_runs) {
    std::cout << fmt::format("  {:<10} #{} {:<8} {:>7} ms  {}\n", store::StageName(run.stage),
                             run.attempt, run.outcome, run.finished_at_ms - run.started_at_ms,
                             Clip(run.error, 80));
  }
  for (const store::Delivery& delivery : d.deliveries) {
    std::cout << fmt::format("  delivery {:<16} {:<8} {}\n", delivery.channel, delivery.status,
                             delivery.last_error);
  }
  if (d.summary) PrintSummary(*d.summary);
  if (!d.segments.empty()) std::cout << "\nTranscript:\n";
  for (const store::TranscriptSegment& s : d.segments) {
    std::cout << fmt::format("  [{:02}:{:02}] {}{}\n", s.start_ms / 60000, s.start_ms / 1000 % 60,
                             s.speaker.empty() ? "" : s.speaker + ": ", s.text);
  }
  return 0;
}

int RunCallsRetry(const core::Config& config, const std::string& id) {
  auto store = Open(config);
  if (!store) return Fail(store.error());
  auto retried = (*store)->RetryCall(id, core::ToUnixMillis(core::SystemClock::Instance().Now()));
  if (!retried) return Fail(retried.error());
  switch (*retried) {
    case store::RetryResult::kRetried:
      std::cout << fmt::format("Call {} will be processed again\n", id);
      return 0;
    case store::RetryResult::kNotFound:
      std::fprintf(stderr, "callbrief: no call %s\n", id.c_str());
      return kExitNotFound;
    case store::RetryResult::kNotRetryable:
      std::fprintf(stderr,
                   "callbrief: call %s is not failed or skipped (it is in progress or done)\n",
                   id.c_str());
      return kExitFailure;
  }
  return kExitFailure;
}

int RunCallsErase(const core::Config& config, const CallsEraseOptions& options) {
  if (options.ids.empty() == options.number.empty()) {
    return Fail(core::Error::InvalidInput(
        "calls erase: name either the calls (their ids or CALL_IDs) or a client number "
        "(--number), one of the two"));
  }
  if (!options.number.empty() && store::ClientNumberKey(options.number).empty()) {
    return Fail(core::Error::InvalidInput("--number: a phone number has digits"));
  }
  auto store = Open(config);
  if (!store) return Fail(store.error());
  std::vector<store::CallRecord> calls;
  if (!options.number.empty()) {
    auto found = (*store)->FindCallsByClientNumber(options.number);
    if (!found) return Fail(found.error());
    calls = std::move(*found);
  } else {
    for (const std::string& id : options.ids) {
      auto found = (*store)->FindCall(id);
      if (!found) return Fail(found.error());
      if (!found->has_value()) {
        std::fprintf(stderr, "callbrief: no call %s (erased before, or never stored)\n",
                     id.c_str());
        return kExitNotFound;
      }
      calls.push_back((**found).call);
    }
  }
  if (calls.empty()) {
    std::fprintf(stderr, "callbrief: no call of this number is stored\n");
    return kExitNotFound;
  }
  PrintCallLines(calls);
  if (!options.yes) {
    std::cout << fmt::format(
        "\nNothing is erased yet. Run the command again with --yes to erase {} call(s): "
        "everything stored about them and their recordings.\n",
        calls.size());
    return 0;
  }

  std::cout << "\n";
  std::size_t erased = 0;
  bool all = true;
  for (const store::CallRecord& call : calls) {
    auto result = EraseCallAndFiles(**store, config.data_dir, std::to_string(call.id),
                                    core::ToUnixMillis(core::SystemClock::Instance().Now()));
    if (!result) return Fail(result.error());
    switch (result->call.outcome) {
      case store::EraseOutcome::kErased:
        break;
      case store::EraseOutcome::kNotFound:
        std::cout << fmt::format("Call {} is gone already (erased meanwhile)\n", call.id);
        continue;
      case store::EraseOutcome::kInProgress:
        std::cout << fmt::format(
            "Call {} is being processed right now: not erased. Run the command again in a "
            "minute.\n",
            call.id);
        all = false;
        continue;
    }
    ++erased;
    if (!result->files_error.empty()) {
      std::cout << fmt::format("Call {} erased from the database; its files were not: {}\n",
                               call.id, result->files_error);
      all = false;
      continue;
    }
    std::cout << fmt::format("Call {} erased ({} file(s), {} of audio deleted)\n", call.id,
                             result->files.files, FormatBytes(result->files.bytes));
  }
  std::cout << fmt::format(
      "\nErased {} of {} call(s). Only each call's CALL_ID is kept, so that Bitrix24 cannot "
      "bring it back. Messages already sent to Telegram and comments on the Bitrix24 "
      "timeline are not removed by callbrief: delete them there, and the recording on the "
      "portal.\n",
      erased, calls.size());
  return all ? 0 : kExitFailure;
}

}  // namespace callbrief::app
