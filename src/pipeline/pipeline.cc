#include "pipeline/pipeline.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/log.h"
#include "pipeline/stage_table.h"

namespace callbrief::pipeline {

using store::Stage;

namespace {

std::int64_t Millis(std::chrono::milliseconds d) { return d.count(); }

// The stage_runs row's outcome: the store keeps it as text (converted at this edge only).
std::string Stored(RunOutcome outcome) { return std::string(RunOutcomeName(outcome)); }

}  // namespace

Pipeline::Pipeline(store::CallStore& store, StageHandlers handlers, const core::Clock& clock,
                   PipelineOptions options)
    : store_(store),
      handlers_(std::move(handlers)),
      clock_(clock),
      options_(std::move(options)),
      random_(std::random_device{}()) {}

Pipeline::~Pipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  heartbeat_wake_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
}

void Pipeline::Start() {
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
}

void Pipeline::Wake() { wake_.notify_all(); }

int Pipeline::Stop(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  heartbeat_wake_.notify_all();
  idle_.wait_for(lock, grace, [this] { return running_.empty(); });
  const int abandoned = static_cast<int>(running_.size());
  lock.unlock();
  if (abandoned == 0) {
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    if (heartbeat_.joinable()) heartbeat_.join();
  } else {
    // Their results would be refused anyway ("lease lost") once another worker takes the calls.
    spdlog::warn("shutting down with {} stage(s) still running: releasing their leases", abandoned);
  }
  if (auto released = store_.ReleaseLeases(options_.owner); !released.ok()) {
    spdlog::warn("could not release leases: {}", released.error().message);
  }
  return abandoned;
}

bool Pipeline::RunOne() {
  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  std::unique_lock claiming(claim_mutex_);
  std::vector<std::int64_t> in_flight;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, running] : running_) in_flight.push_back(id);
  }
  auto claimed = store_.ClaimDueCall(options_.owner, now_ms, Millis(options_.lease), in_flight);
  if (!claimed.ok()) {
    spdlog::warn("could not claim a call: {}", claimed.error().message);
    return false;
  }
  if (!claimed->has_value()) return false;
  const store::CallRecord& call = **claimed;
  {
    std::lock_guard lock(mutex_);
    running_[call.id] = {store::LeaseOf(call), call.bitrix_call_id};
  }
  claiming.unlock();
  core::CallLogScope log_scope(call.bitrix_call_id);
  const std::optional<StageRow> row = StageRowOf(call.stage);
  const Stage ran = row ? row->handler : call.stage;
  if (call.stage == Stage::kReceived)
    spdlog::info("🎙️ Processing Bitrix call {}", call.bitrix_call_id);

  core::Result<StageResult> result = core::Error::Config(
      fmt::format("stage {} cannot run: it is not configured in this process", StageName(ran)));
  auto details = store_.FindCall(std::to_string(call.id));
  if (!details.ok()) {
    result = details.error();
  } else if (!details->has_value()) {
    result = core::Error::Permanent("the call disappeared from the store");
  } else if (auto handler = handlers_.find(ran); handler != handlers_.end() && handler->second) {
    (*details)->call = call;  // The claimed row (attempts, lease) is the current one.
    result = handler->second->Run(**details);
  }
  Finish(call, ran, now_ms, result);

  {
    std::lock_guard lock(mutex_);
    running_.erase(call.id);
  }
  idle_.notify_all();
  return true;
}

void Pipeline::LogTakenOver(const store::CallRecord& call, Stage ran, const core::Error& error) {
  spdlog::error(
      "❌ the lease of call {} was taken over by another claim; this worker's result is "
      "discarded (stage {}, claim {}: {})",
      call.bitrix_call_id, StageName(ran), call.lease_epoch, error.message);
}

void Pipeline::Finish(const store::CallRecord& call, Stage ran, std::int64_t started_ms,
                      const core::Result<StageResult>& result) {
  // A delivery write refused under a stale claim: the call belongs to another claim, whose own
  // run decides what happens to it. Nothing to store, nothing to retry.
  if (!result.ok() && store::IsLeaseLost(result.error())) {
    LogTakenOver(call, ran, result.error());
    return;
  }
  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  store::StageOutcome outcome;
  if (!result.ok()) {
    outcome = FailureOutcome(call, ran, result.error(), now_ms);
  } else {
    const StageResult& r = *result;
    outcome.run_outcome = Stored(RunOutcome::kOk);
    outcome.next = r.next;
    outcome.facts = r.facts;
    outcome.recording = r.recording;
    outcome.audio_report_json = r.audio_report_json;
    outcome.pii_report_json = r.pii_report_json;
    outcome.chunks = r.chunks;
    outcome.segments = r.segments;
    outcome.summary = r.summary;
    outcome.scorecard = r.scorecard;
    if (r.next == ran) {
      outcome.run_outcome = Stored(RunOutcome::kWaiting);
      outcome.next_attempt_at_ms = r.wait_until_ms;
      outcome.error = r.note;  // Shown as the call's status while it waits.
      spdlog::info("⏳ Call {} waits at stage {}: {}", call.bitrix_call_id, StageName(ran), r.note);
    } else if (r.next == Stage::kSkipped) {
      outcome.run_outcome = Stored(RunOutcome::kSkipped);
      outcome.skip_reason = r.note;
      spdlog::info("⏭️ Skipped call {}: {}", call.bitrix_call_id, r.note);
    } else if (r.next == Stage::kDone) {
      spdlog::info("✅ Successfully processed call {}", call.bitrix_call_id);
    }
  }
  outcome.call_id = call.id;
  outcome.synced = StageRowOf(ran).value_or(StageRow{}).synced;
  outcome.lease_owner = call.lease_owner;
  outcome.lease_epoch = call.lease_epoch;
  outcome.ran = ran;
  outcome.attempt = call.attempts + 1;
  outcome.started_at_ms = started_ms;
  outcome.finished_at_ms = now_ms;
  if (auto stored = store_.FinishStage(outcome); !stored.ok()) {
    if (store::IsLeaseLost(stored.error())) {
      LogTakenOver(call, ran, stored.error());
      return;
    }
    spdlog::error("❌ Call {}: the result of stage {} was not stored: {}", call.bitrix_call_id,
                  StageName(ran), stored.error().message);
    return;
  }
  options_.observer->StageFinished(
      {.stage = StageName(ran),
       .outcome = outcome.run_outcome,
       .error_kind = outcome.error_kind,
       .seconds = static_cast<double>(std::max<std::int64_t>(now_ms - started_ms, 0)) / 1000});
}

store::StageOutcome Pipeline::FailureOutcome(const store::CallRecord& call, Stage ran,
                                             const core::Error& error, std::int64_t now_ms) {
  const int attempt = call.attempts + 1;
  RetryDecision decision = DecideRetry(error, attempt, options_.retry, Jitter());
  store::StageOutcome outcome;
  outcome.error = error.message;
  outcome.error_kind = std::string(core::ErrorKindName(error.kind));
  switch (decision.action) {
    case RetryAction::kRetry:
      outcome.next = ran;
      outcome.run_outcome = Stored(RunOutcome::kRetry);
      outcome.count_attempt = true;
      outcome.next_attempt_at_ms = now_ms + Millis(decision.delay);
      spdlog::warn("❌ Call {}: stage {} failed (attempt {}), retrying in {} s: {}",
                   call.bitrix_call_id, StageName(ran), attempt, decision.delay.count() / 1000,
                   error.message);
      break;
    case RetryAction::kPark:
      outcome.next = ran;
      outcome.run_outcome = Stored(RunOutcome::kParked);
      outcome.next_attempt_at_ms = now_ms + Millis(decision.delay);
      spdlog::error("❌ Call {}: stage {} waits for the configuration to be fixed: {}",
                    call.bitrix_call_id, StageName(ran), error.message);
      break;
    case RetryAction::kFail:
      outcome.next = Stage::kFailed;
      outcome.run_outcome = Stored(RunOutcome::kFailed);
      if (error.IsRetryable()) {
        outcome.error = fmt::format("gave up after {} attempts: {}", attempt, error.message);
      }
      spdlog::error("❌ Call {} failed at stage {}: {}", call.bitrix_call_id, StageName(ran),
                    outcome.error);
      break;
  }
  return outcome;
}

void Pipeline::WorkerLoop() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (RunOne()) continue;
    std::chrono::milliseconds wait = IdleWait();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    wake_.wait_for(lock, wait);
  }
}

// Until the next call is due, but at most idle_poll: another process sharing the database may
// add work this one is not told about.
std::chrono::milliseconds Pipeline::IdleWait() {
  auto next_due = store_.NextDueAtMs();
  if (!next_due.ok() || !next_due->has_value()) return options_.idle_poll;
  const std::int64_t until = **next_due - core::ToUnixMillis(clock_.Now());
  return std::clamp(std::chrono::milliseconds(until), std::chrono::milliseconds(0),
                    options_.idle_poll);
}

void Pipeline::HeartbeatLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    heartbeat_wake_.wait_for(lock, options_.heartbeat);
    std::vector<store::LeaseToken> claims;
    std::map<std::int64_t, Running> sent;  // What was renewed, to match the answer against.
    for (const auto& [id, running] : running_) {
      if (running.taken_over) continue;
      claims.push_back(running.lease);
      sent[id] = running;
    }
    if (claims.empty()) continue;
    lock.unlock();
    auto renewed =
        store_.RenewLeases(claims, core::ToUnixMillis(clock_.Now()), Millis(options_.lease));
    if (!renewed.ok()) {
      spdlog::warn("could not renew leases: {}", renewed.error().message);
    } else {
      // The stage keeps running (it may be inside a request); its writes will be refused.
      for (std::int64_t id : *renewed) {
        spdlog::warn(
            "the lease of call {} was taken over by another claim; this worker's result will be "
            "discarded",
            sent[id].bitrix_call_id);
      }
    }
    lock.lock();
    if (renewed.ok()) {
      for (std::int64_t id : *renewed) {
        // Unless that run ended meanwhile and a new claim of the call is running now.
        auto it = running_.find(id);
        if (it != running_.end() && it->second.lease.epoch == sent[id].lease.epoch) {
          it->second.taken_over = true;
        }
      }
    }
  }
}

double Pipeline::Jitter() {
  std::lock_guard lock(mutex_);
  if (options_.jitter) return options_.jitter();
  return std::uniform_real_distribution<double>(0, 1)(random_);
}

}  // namespace callbrief::pipeline
