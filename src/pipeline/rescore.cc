#include "pipeline/rescore.h"

#include <spdlog/spdlog.h>

#include "pipeline/pii_report.h"
#include "pipeline/summarize_stage.h"
#include "pipeline/usage.h"

namespace callbrief::pipeline {

std::string WhyNotScorable(const store::CallDetails& call) {
  // Only a call a model summarized had a conversation to score (a summary from rules means no
  // speech, a voicemail or an IVR), and only one past the summary is left alone by the workers.
  if (!call.summary) return "the call has no summary yet: it is scored when it is summarized";
  if (call.summary->model == "rules") {
    return "the call had no conversation to score (its summary was decided by rules)";
  }
  if (call.segments.empty()) return "the call has no stored transcript to score";
  return "";
}

Rescorer::Rescorer(llm::Summarizer* summarizer, store::CallStore& store, const core::Clock& clock,
                   std::string language, core::Observer& observer, bool mask_personal_data)
    : summarizer_(summarizer),
      store_(store),
      clock_(clock),
      language_(std::move(language)),
      observer_(observer),
      mask_personal_data_(mask_personal_data) {}

core::Result<store::ScorecardRecord> Rescorer::Rescore(const store::CallDetails& call) {
  if (std::string why = WhyNotScorable(call); !why.empty()) {
    return core::Error::InvalidInput(why);
  }
  if (summarizer_ == nullptr) {
    return core::Error::Config("OPENAI_API_KEY is not set: callbrief cannot score calls");
  }
  auto to_score = ChecklistToScore(store_);
  if (!to_score) return to_score.error();
  if (!*to_score) {
    return core::Error::Config(
        "no checklist is active: make one active on the Checklists page, then score again");
  }
  const analytics::Checklist& checklist = **to_score;

  llm::SummaryInput input = SummaryInputFrom(call, language_);
  if (mask_personal_data_) {
    // The counts were reported when the call was summarized; the same text is sent again.
    PiiCounts unused;
    input = MaskSummaryInput(std::move(input), call.call.client_number, unused);
  }
  AskChecklist(checklist, input);
  auto scored = summarizer_->Score(input);
  if (!scored) return scored.error().WithContext("scoring call " + std::to_string(call.call.id));

  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  for (const core::ProviderUsage& usage : scored->usage) {
    observer_.ProviderSpent(usage);
    if (auto kept =
            store_.RecordUsage(call.call.id, UsageRowFrom(store::Stage::kSummarize, usage, now_ms));
        !kept.ok()) {
      spdlog::warn("could not record the scoring's usage: {}", kept.error().message);
    }
  }
  store::ScorecardRecord scorecard = ScorecardFrom(checklist, scored->answers, scored->replies,
                                                   SegmentsAsSent(call.segments, input), now_ms);
  if (auto saved = store_.SaveScorecard(call.call.id, scorecard); !saved.ok()) {
    return saved.error();
  }
  // Debug: `callbrief rescore` shows its own progress, the Re-score button logs its request.
  spdlog::debug("✅ Re-scored call {} against checklist {}: {}", call.call.bitrix_call_id,
                checklist.id, scorecard.score ? std::to_string(*scorecard.score) : "no score");
  return scorecard;
}

}  // namespace callbrief::pipeline
