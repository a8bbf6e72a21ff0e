#include "pipeline/summarize_stage.h"

#include <spdlog/spdlog.h>

#include "pipeline/pii_report.h"
#include "pipeline/usage.h"

namespace callbrief::pipeline {

llm::SummaryInput SummaryInputFrom(const store::CallDetails& details, const std::string& language) {
  const store::CallRecord& call = details.call;
  llm::SummaryInput input;
  for (const store::TranscriptSegment& s : details.segments) {
    input.transcript.push_back({.start_ms = s.start_ms, .speaker = s.speaker, .text = s.text});
  }
  const bool outgoing = call.direction == store::Direction::kOutgoing;
  input.direction = call.direction == store::Direction::kUnknown
                        ? ""
                        : std::string(store::DirectionName(call.direction));
  input.from_number = outgoing ? call.portal_number : call.client_number;
  input.to_number = outgoing ? call.client_number : call.portal_number;
  input.duration_seconds = call.duration_seconds.value_or(0);
  input.manager_name = call.manager_name;
  input.language = language;
  return input;
}

core::Result<std::optional<analytics::Checklist>> ChecklistToScore(store::CallStore& store) {
  auto active = store.ActiveChecklist();
  if (!active.ok()) return active.error().WithContext("reading the scorecard checklist");
  if (!active->has_value()) {
    auto stored = store.ListChecklists();
    if (!stored.ok()) return stored.error().WithContext("reading the scorecard checklists");
    if (!stored->empty()) return std::optional<analytics::Checklist>();
    return std::optional<analytics::Checklist>(analytics::DefaultSalesChecklist());
  }
  auto checklist = analytics::ChecklistFromJson(
      nlohmann::json::parse((*active)->checklist_json, nullptr, false));
  if (!checklist.ok()) {
    spdlog::warn("the active checklist {} cannot be read, calls are not scored: {}", (*active)->id,
                 checklist.error().message);
    return std::optional<analytics::Checklist>();
  }
  return std::optional<analytics::Checklist>(std::move(*checklist));
}

void AskChecklist(const analytics::Checklist& checklist, llm::SummaryInput& input) {
  for (const analytics::Criterion& c : checklist.criteria) {
    input.checklist.push_back({c.id, c.question, c.side});
  }
  for (const analytics::Question& q : checklist.questions) {
    input.questions.push_back({q.id, q.question, q.kind});
  }
}

store::ScorecardRecord ScorecardFrom(const analytics::Checklist& checklist,
                                     const std::vector<llm::CriterionVerdict>& answers,
                                     const std::vector<llm::QuestionReply>& replies,
                                     const std::vector<store::TranscriptSegment>& segments,
                                     std::int64_t now_ms) {
  std::vector<analytics::CriterionAnswer> given;
  for (const llm::CriterionVerdict& v : answers) given.push_back({v.criterion, v.verdict, v.quote});
  std::vector<analytics::QuestionAnswer> replied;
  for (const llm::QuestionReply& r : replies) replied.push_back({r.question, r.answer, r.quote});
  std::vector<analytics::Segment> lines;
  for (const store::TranscriptSegment& s : segments) {
    lines.push_back({s.start_ms, s.end_ms, s.speaker, s.text});
  }
  const analytics::Scorecard scorecard =
      analytics::ScoreConversation(checklist, given, lines, replied);
  return {.checklist_id = checklist.id,
          .score = scorecard.score,
          .critical_failed = !scorecard.failed_critical.empty(),
          .scorecard_json = analytics::ScorecardToJson(scorecard).dump(),
          .created_at_ms = now_ms};
}

std::vector<store::TranscriptSegment> SegmentsAsSent(std::vector<store::TranscriptSegment> segments,
                                                     const llm::SummaryInput& sent) {
  for (std::size_t i = 0; i < segments.size() && i < sent.transcript.size(); ++i) {
    segments[i].text = sent.transcript[i].text;
  }
  return segments;
}

SummarizeStage::SummarizeStage(llm::Summarizer* summarizer, store::CallStore& store,
                               const core::Clock& clock, std::string language,
                               core::Observer& observer, bool mask_personal_data)
    : summarizer_(summarizer),
      store_(store),
      clock_(clock),
      language_(std::move(language)),
      observer_(observer),
      mask_personal_data_(mask_personal_data) {}

core::Result<StageResult> SummarizeStage::Run(const store::CallDetails& details) {
  llm::SummaryInput input = SummaryInputFrom(details, language_);
  std::optional<std::string> pii_report;
  if (mask_personal_data_) {
    PiiReport report = PiiReport::FromJson(details.call.pii_report_json);
    report.sent_for_summary.emplace();
    input =
        MaskSummaryInput(std::move(input), details.call.client_number, *report.sent_for_summary);
    pii_report = report.ToJson();
  }
  llm::SummaryResult result;
  std::optional<analytics::Checklist> checklist;
  if (auto by_rules = llm::SummaryWithoutLlm(input)) {
    result = {.summary = std::move(*by_rules), .from_rules = true};
  } else if (summarizer_ == nullptr) {
    return core::Error::Config("OPENAI_API_KEY is not set: callbrief cannot summarize calls");
  } else {
    auto to_score = ChecklistToScore(store_);
    if (!to_score.ok()) return to_score.error();
    checklist = std::move(*to_score);
    if (checklist) AskChecklist(*checklist, input);
    auto summarized = summarizer_->Summarize(input);
    if (!summarized.ok()) return summarized.error();
    result = std::move(*summarized);
  }

  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  for (const core::ProviderUsage& usage : result.usage) {
    observer_.ProviderSpent(usage);
    if (auto kept = store_.RecordUsage(details.call.id,
                                       UsageRowFrom(store::Stage::kSummarize, usage, now_ms));
        !kept.ok()) {
      spdlog::warn("could not record the summary's usage: {}", kept.error().message);
    }
  }
  std::string model = result.from_rules ? "rules" : "";
  if (!result.usage.empty()) model = result.usage.back().model;
  spdlog::info("📝 Summarized call {} ({}, {}, by {})", details.call.bitrix_call_id,
               result.summary.call_kind, result.summary.sentiment, model);
  std::optional<store::ScorecardRecord> scorecard;
  // A summary from rules (no conversation) has nothing to score.
  if (checklist && !result.from_rules) {
    scorecard = ScorecardFrom(*checklist, result.summary.scorecard, result.summary.answers,
                              SegmentsAsSent(details.segments, input), now_ms);
  }
  return StageResult{.next = store::Stage::kDeliver,
                     .pii_report_json = std::move(pii_report),
                     .summary = store::Summary{.model = model,
                                               .summary_json = result.summary.ToJson().dump(),
                                               .call_kind = result.summary.call_kind,
                                               .sentiment = result.summary.sentiment,
                                               .created_at_ms = now_ms},
                     .scorecard = std::move(scorecard)};
}

}  // namespace callbrief::pipeline
