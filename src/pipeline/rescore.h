#pragma once

// Re-scoring (issue 16, item 6): a call summarized before a checklist changed is scored again
// against the active checklist, from its stored transcript, in a scoring-only request
// (llm::Summarizer::Score). Nothing is transcribed or summarized again: only the call's scorecard
// is replaced (CallStore::SaveScorecard), and the request's tokens and cost are recorded as the
// call's usage (operation "score"), since they were spent on it.

#include <string>

#include "core/clock.h"
#include "core/observer.h"
#include "core/result.h"
#include "llm/summarizer.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// Why a call cannot be scored; the text is for the person who asked ("the call has no summary by
// a model yet"). Empty when it can. Pure.
std::string WhyNotScorable(const store::CallDetails& call);

class Rescorer {
 public:
  // `summarizer` is null when OPENAI_API_KEY is not set (every Rescore then answers kConfig).
  // The same language and masking as the summarize stage (CALL_LANGUAGE, PII_MASKING), so a
  // re-scored call was read exactly as a newly scored one is. Thread-safe when `summarizer` and
  // `store` are.
  Rescorer(llm::Summarizer* summarizer, store::CallStore& store, const core::Clock& clock,
           std::string language, core::Observer& observer = core::NullObserver(),
           bool mask_personal_data = false);

  // Scores `call` against the active checklist and stores the scorecard it returns. Errors:
  // kInvalidInput when the call cannot be scored (WhyNotScorable); kConfig without a summary
  // model or without an active checklist (checklists are stored but none is active); the
  // summarizer's and the store's errors as they are.
  core::Result<store::ScorecardRecord> Rescore(const store::CallDetails& call);

 private:
  llm::Summarizer* summarizer_;
  store::CallStore& store_;
  const core::Clock& clock_;
  const std::string language_;
  core::Observer& observer_;
  const bool mask_personal_data_;
};

}  // namespace callbrief::pipeline
