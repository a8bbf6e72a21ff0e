#include "pipeline/resolve_stage.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/stored_call.h"

namespace callbrief::pipeline {

using store::Stage;

store::CallFactsUpdate FactsUpdateFrom(const bitrix::CallFacts& facts, std::string manager_name) {
  store::CallFactsUpdate update;
  bitrix::CopyCallFacts(facts, update);
  update.manager_name = std::move(manager_name);
  return update;
}

std::int64_t NextLookAtMs(std::int64_t now_ms, std::int64_t received_at_ms,
                          std::chrono::seconds recording_wait) {
  const std::int64_t waited = std::max<std::int64_t>(0, now_ms - received_at_ms);
  const std::int64_t step = std::clamp<std::int64_t>(waited / 4, 5'000, 60'000);
  const std::int64_t deadline =
      received_at_ms +
      std::chrono::duration_cast<std::chrono::milliseconds>(recording_wait).count();
  return std::max(now_ms, std::min(now_ms + step, deadline));
}

ResolveStage::ResolveStage(bitrix::RestClient* rest, bitrix::UserNames* names,
                           const core::Clock& clock, ResolveSettings settings)
    : rest_(rest), names_(names), clock_(clock), settings_(settings) {}

core::Result<StageResult> ResolveStage::Run(const store::CallDetails& details) {
  const store::CallRecord& call = details.call;
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot read the call's record from Bitrix24");
  }
  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  const bool wait_over =
      now_ms - call.received_at_ms >=
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.recording_wait).count();

  auto facts = bitrix::FetchCallFacts(*rest_, call.bitrix_call_id);
  if (!facts.ok()) return facts.error();
  if (!facts->has_value()) {
    if (!wait_over) {
      return StageResult{
          .next = Stage::kResolve,
          .wait_until_ms = NextLookAtMs(now_ms, call.received_at_ms, settings_.recording_wait),
          .note = "waiting for the call's record in voximplant.statistic.get"};
    }
    return core::Error::Permanent(fmt::format(
        "Bitrix24 has no record of call {} in voximplant.statistic.get after {} s: the webhook's "
        "user must be a portal administrator (or be allowed to view all call statistics) to see "
        "every call",
        call.bitrix_call_id, settings_.recording_wait.count()));
  }

  const bitrix::CallFacts& found = **facts;
  bitrix::FilterDecision decision =
      bitrix::DecideCall(found, settings_.min_call_duration_seconds, wait_over);
  StageResult result;
  result.note = decision.reason;
  switch (decision.verdict) {
    case bitrix::Verdict::kSkip:
      result.next = Stage::kSkipped;
      result.facts = FactsUpdateFrom(found, call.manager_name);
      return result;
    case bitrix::Verdict::kWaitForRecording:
      result.next = Stage::kResolve;
      result.wait_until_ms = NextLookAtMs(now_ms, call.received_at_ms, settings_.recording_wait);
      result.facts = FactsUpdateFrom(found, call.manager_name);
      return result;
    case bitrix::Verdict::kProcess:
      break;
  }
  result.next = Stage::kDownload;
  result.facts = FactsUpdateFrom(found, ManagerName(found));
  return result;
}

// The manager's name is a nicety of the message: a failure to read it is logged, not fatal.
std::string ResolveStage::ManagerName(const bitrix::CallFacts& facts) {
  if (!facts.portal_user_id || names_ == nullptr) return "";
  auto name = names_->Lookup(*facts.portal_user_id);
  if (name.ok()) return *name;
  spdlog::warn("could not read the manager's name: {}", name.error().message);
  return "";
}

}  // namespace callbrief::pipeline
