#pragma once

#include <optional>
#include <string>

#include "analytics/scorecard.h"
#include "core/clock.h"
#include "core/observer.h"
#include "llm/summarizer.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// The summarizer's view of a stored call. Pure.
llm::SummaryInput SummaryInputFrom(const store::CallDetails& details, const std::string& language);

// The checklist to score calls against, from the store's checklists: the active one; the shipped
// analytics::DefaultSalesChecklist() when none is stored; nullopt when some are stored but none
// is active, or the active one's JSON is damaged (logged). Errors: the store's.
core::Result<std::optional<analytics::Checklist>> ChecklistToScore(store::CallStore& store);

// The stored segments with the text the model was sent (`sent`, masked under PII_MASKING), so a
// quote of a masked line ("[ТЕЛЕФОН]") is found where the model read it. Pure.
std::vector<store::TranscriptSegment> SegmentsAsSent(std::vector<store::TranscriptSegment> segments,
                                                     const llm::SummaryInput& sent);

// The checklist's criteria and questions as the model is asked them. Pure.
void AskChecklist(const analytics::Checklist& checklist, llm::SummaryInput& input);

// The scorecard of a summarized call: `answers` to the criteria and `replies` to the questions
// checked against its transcript. Pure.
store::ScorecardRecord ScorecardFrom(const analytics::Checklist& checklist,
                                     const std::vector<llm::CriterionVerdict>& answers,
                                     const std::vector<llm::QuestionReply>& replies,
                                     const std::vector<store::TranscriptSegment>& segments,
                                     std::int64_t now_ms);

// summarize: the structured summary of the transcript (llm::Summarizer, strict JSON schema). A
// call without a real conversation — no speech, a voicemail greeting, an IVR — gets its summary
// from rules (llm::SummaryWithoutLlm) and costs no request. The summary is stored with the move to
// `deliver`; every request's tokens and cost are recorded. With `mask_personal_data`
// (PII_MASKING) the transcript and the client's number are masked before anything is decided or
// sent (pii_report.h), and what was masked is stored with the summary. A conversation summarized
// by a model also answers the active scorecard checklist in the same request (the shipped sales
// checklist when none is stored; none when checklists are stored but none is active): the answers
// are checked against the transcript the model was sent (masked with PII_MASKING;
// analytics::ScoreConversation) and the scorecard is stored with the summary.
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
