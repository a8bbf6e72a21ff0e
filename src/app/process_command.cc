#include "app/process_command.h"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/bitrix_access.h"
#include "app/processing.h"
#include "core/json_bounded.h"
#include "core/redact.h"
#include "notify/telegram_format.h"
#include "pipeline/call_message.h"
#include "pipeline/pipeline.h"
#include "pipeline/prepare_stage.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitConfig = 2;

int Fail(const std::string& message, int code = kExitFailure) {
  std::fprintf(stderr, "callbrief: %s\n", core::Redact(message).c_str());
  return code;
}

// The facts `callbrief serve` learns from Bitrix24, given on the command line instead.
store::CallFactsUpdate FactsFrom(const ProcessOptions& options, store::Direction direction,
                                 std::int64_t started_at_ms) {
  const bool outgoing = direction == store::Direction::kOutgoing;
  return {.direction = direction,
          .client_number = outgoing ? options.to : options.from,
          .portal_number = outgoing ? options.from : options.to,
          .started_at_ms = started_at_ms,
          .failed_code = "200"};
}

// Stands in for resolve and download: the recording is already here.
class LocalRecordingStage final : public pipeline::StageHandler {
 public:
  LocalRecordingStage(std::filesystem::path file, store::CallFactsUpdate facts)
      : file_(std::move(file)), facts_(std::move(facts)) {}
  core::Result<pipeline::StageResult> Run(const store::CallDetails&) override {
    std::error_code ec;
    auto bytes = std::filesystem::file_size(file_, ec);
    if (ec) return core::Error::InvalidInput(file_.string() + ": " + ec.message());
    return pipeline::StageResult{
        .next = store::Stage::kPrepare,
        .facts = facts_,
        .recording = store::RecordingUpdate{.path = file_.string(),
                                            .bytes = static_cast<std::int64_t>(bytes)}};
  }

 private:
  const std::filesystem::path file_;
  const store::CallFactsUpdate facts_;
};

// The prepare stage, which also tells the call its duration: Bitrix24 is not there to say it.
class PrepareWithDuration final : public pipeline::StageHandler {
 public:
  PrepareWithDuration(pipeline::StageHandler& prepare, store::CallFactsUpdate facts)
      : prepare_(prepare), facts_(std::move(facts)) {}
  core::Result<pipeline::StageResult> Run(const store::CallDetails& details) override {
    auto result = prepare_.Run(details);
    if (!result.ok() || !result->audio_report_json) return result;
    auto report = core::ParseBoundedJson(*result->audio_report_json);
    if (report.is_object() && report.contains("duration_seconds") &&
        report["duration_seconds"].is_number()) {
      result->facts = facts_;
      result->facts->duration_seconds =
          static_cast<int>(report["duration_seconds"].get<double>() + 0.5);
    }
    return result;
  }

 private:
  pipeline::StageHandler& prepare_;
  const store::CallFactsUpdate facts_;
};

// A directory of its own under $TMPDIR, removed with everything in it when the command ends.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "callbrief-process-XXXXXX");
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::optional<store::Direction> ParseDirection(std::string_view name) {
  if (name.empty()) return store::Direction::kUnknown;
  if (name == "incoming" || name == "in") return store::Direction::kIncoming;
  if (name == "outgoing" || name == "out") return store::Direction::kOutgoing;
  return std::nullopt;
}

}  // namespace

int RunProcess(const core::Config& config, const ProcessOptions& options) {
  const std::filesystem::path file = std::filesystem::absolute(options.file);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Fail(options.file + ": no such file");
  }
  auto direction = ParseDirection(options.direction);
  if (!direction) return Fail("--direction must be incoming or outgoing", kExitConfig);
  if (options.deliver && !config.HasTelegram()) {
    return Fail("--deliver needs TELEGRAM_BOT_TOKEN and TELEGRAM_TARGET_CHAT_ID", kExitConfig);
  }
  ScratchDirectory scratch;
  if (scratch.path().empty()) return Fail("cannot create a temporary directory under $TMPDIR");

  core::Config local = config;
  local.data_dir = scratch.path().string();
  auto store = store::OpenStore("sqlite://" + (scratch.path() / "process.db").string(),
                                /*migrate=*/true);
  if (!store) return Fail(store.error().message);
  const core::Clock& clock = core::SystemClock::Instance();
  BitrixAccess no_bitrix;  // A local file belongs to no CRM entity: nothing to ask the portal.
  local.bitrix24_webhook_url.clear();
  local.bitrix24_client_id.clear();
  auto processing = BuildProcessing(local, no_bitrix, **store, clock);
  if (!processing) return Fail(processing.error().message, kExitConfig);

  const std::int64_t started_at_ms = core::ToUnixMillis(clock.Now());
  const store::CallFactsUpdate facts = FactsFrom(options, *direction, started_at_ms);
  LocalRecordingStage recording(file, facts);
  PrepareWithDuration prepare(*processing->handlers.at(store::Stage::kPrepare), facts);
  pipeline::StageHandlers handlers = processing->handlers;
  handlers[store::Stage::kResolve] = &recording;
  handlers[store::Stage::kPrepare] = &prepare;
  if (!options.deliver) handlers.erase(store::Stage::kDeliver);

  const std::string call_id = "local-" + file.filename().string();
  store::IncomingCall incoming;
  incoming.bitrix_call_id = call_id;
  incoming.source = store::CallSource::kManual;
  incoming.direction = *direction;
  incoming.started_at_ms = started_at_ms;
  auto recorded = (*store)->RecordIncomingCalls(std::vector<store::IncomingCall>{incoming});
  if (!recorded) return Fail(recorded.error().message);

  // A few quick retries for a rate limit or a blip; a longer outage is for `serve` to ride out.
  pipeline::RetryPolicy retry{.max_attempts = 4,
                              .first_delay = std::chrono::seconds(2),
                              .max_delay = std::chrono::seconds(30)};
  pipeline::Pipeline runner(**store, handlers, clock,
                            {.workers = 1, .owner = "process", .retry = retry});
  const store::Stage last = options.deliver ? store::Stage::kDone : store::Stage::kDeliver;
  while (true) {
    auto details = (*store)->FindCall(call_id);
    if (!details || !details->has_value())
      return Fail("the call disappeared from the scratch store");
    const store::CallRecord& call = (**details).call;
    if (call.stage == last || call.stage == store::Stage::kDone) break;
    if (call.stage == store::Stage::kFailed) return Fail(call.last_error);
    if (call.stage == store::Stage::kSkipped) return Fail("skipped: " + call.skip_reason);
    if (call.last_error_kind == "config") return Fail(call.last_error, kExitConfig);
    if (runner.RunOne()) continue;
    // Waiting for a retry: sleep until it is due.
    const std::int64_t now_ms = core::ToUnixMillis(clock.Now());
    const std::int64_t wait_ms =
        std::max<std::int64_t>(call.next_attempt_at_ms.value_or(now_ms) - now_ms, 0);
    spdlog::info("retrying {} in {} ms: {}", store::StageName(call.stage), wait_ms,
                 call.last_error);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms + 10));
  }

  auto details = (*store)->FindCall(call_id);
  if (!details || !details->has_value()) return Fail("the call disappeared from the scratch store");
  auto message = pipeline::CallMessageFrom(
      **details, {.utc_offset_minutes = config.display_utc_offset_minutes});
  if (!message) return Fail(message.error().message);
  notify::TelegramDelivery plan =
      notify::PlanTelegramDelivery(*message, {.transcript = TelegramTranscriptMode(config)});
  for (std::size_t i = 0; i < plan.parts.size(); ++i) {
    if (i > 0) std::printf("\n");
    const std::string text =
        options.html ? plan.parts[i] : notify::PlainTextFromHtml(plan.parts[i]);
    std::printf("%s\n", text.c_str());
  }
  if (plan.document && !options.html) {
    std::printf("\n📎 %s\n%s\n", plan.document->file_name.c_str(), plan.document->content.c_str());
  }
  return 0;
}

}  // namespace callbrief::app
