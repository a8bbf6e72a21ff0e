#pragma once

#include <string>

#include "core/clock.h"
#include "core/observer.h"
#include "llm/summarizer.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// The summarizer's view of a stored call. Pure.
llm::SummaryInput SummaryInputFrom(const store::CallDetails& details, const std::string& language);

// summarize: the structured summary of the transcript (llm::Summarizer, strict JSON schema). A
// call without a real conversation — no speech, a voicemail greeting, an IVR — gets its summary
// from rules (llm::SummaryWithoutLlm) and costs no request. The summary is stored with the move to
// `deliver`; every request's tokens and cost are recorded. With `mask_personal_data`
// (PII_MASKING) the transcript and the client's number are masked before anything is decided or
// sent (pii_report.h), and what was masked is stored with the summary.
class SummarizeStage final : public StageHandler {
 public:
  // `summarizer` is null when OPENAI_API_KEY is not set: calls that need a model then park.
  // `observer` is told of every request's cost, and must outlive the stage.
  SummarizeStage(llm::Summarizer* summarizer, store::CallStore& store, const core::Clock& clock,
                 std::string language, core::Observer& observer = core::NullObserver(),
                 bool mask_personal_data = false);
  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  llm::Summarizer* summarizer_;
  store::CallStore& store_;
  const core::Clock& clock_;
  const std::string language_;
  core::Observer& observer_;
  const bool mask_personal_data_;
};

}  // namespace callbrief::pipeline
