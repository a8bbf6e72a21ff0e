#pragma once

#include <chrono>

#include "bitrix/call_facts.h"
#include "bitrix/rest_client.h"
#include "bitrix/user_names.h"
#include "core/clock.h"
#include "pipeline/stage.h"

namespace callbrief::pipeline {

struct ResolveSettings {
  int min_call_duration_seconds = 10;        // MIN_CALL_DURATION
  std::chrono::seconds recording_wait{600};  // RECORDING_WAIT
};

// The call's facts as the store keeps them, from a statistic row and the manager's name. Pure.
store::CallFactsUpdate FactsUpdateFrom(const bitrix::CallFacts& facts, std::string manager_name);

// When to look again for a recording (or a statistic row) that is not there yet: a quarter of the
// time waited so far, between 5 s and 60 s — quick for the usual few seconds' delay, cheap on the
// portal's request budget for a recording that takes minutes — and never past the deadline, so
// the last look happens when RECORDING_WAIT runs out. Pure.
std::int64_t NextLookAtMs(std::int64_t now_ms, std::int64_t received_at_ms,
                          std::chrono::seconds recording_wait);

// resolve: voximplant.statistic.get by CALL_ID gives the call's authoritative facts; the seed's
// filters decide whether it is processed (→ download), skipped with a reason, or waits for a
// recording that has not appeared yet (same stage, looked at again with backoff until
// RECORDING_WAIT runs out, then skipped as "no recording").
class ResolveStage final : public StageHandler {
 public:
  // `rest` and `names` are null when BITRIX24_WEBHOOK_URL is not set: calls then park with a
  // configuration error.
  ResolveStage(bitrix::RestClient* rest, bitrix::UserNames* names, const core::Clock& clock,
               ResolveSettings settings);

  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  std::string ManagerName(const bitrix::CallFacts& facts);

  bitrix::RestClient* rest_;
  bitrix::UserNames* names_;
  const core::Clock& clock_;
  const ResolveSettings settings_;
};

}  // namespace callbrief::pipeline
