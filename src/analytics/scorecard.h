#pragma once

// Scorecards (issue 16, item 2): a checklist of criteria answered for every conversation by the
// summary model, each answer backed by a verbatim quote. The model's answers are not trusted: a
// quote is looked up in the transcript here, in code, and an answer whose quote is not there is
// refused (the criterion is "unanswered"), so a score cannot rest on invented evidence. The rules
// are described in docs/analytics.md ("Scorecards").

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/questions.h"
#include "analytics/talk_metrics.h"
#include "core/result.h"

namespace callbrief::analytics {

// Which side a criterion is about, and so whose lines its quote must come from.
inline constexpr std::string_view kSideManager = "manager";
inline constexpr std::string_view kSideClient = "client";
inline constexpr std::string_view kSideAny = "any";

// Verdicts. The model answers the first three; "unanswered" is ours: no answer, or an answer
// whose evidence was refused.
inline constexpr std::string_view kYes = "yes";
inline constexpr std::string_view kNo = "no";
inline constexpr std::string_view kNotApplicable = "na";
inline constexpr std::string_view kUnanswered = "unanswered";

// Limits of an imported checklist: enough for any real script, small enough for one prompt.
inline constexpr std::size_t kMaxCriteria = 30;
inline constexpr std::size_t kMaxQuestionChars = 300;
inline constexpr int kMaxWeight = 100;

struct Criterion {
  std::string id{};        // [a-z0-9_]{1,40}: stable across edits, the key of the answers
  std::string question{};  // asked of the model, in the call's language (Russian by default)
  int weight = 1;          // 1..kMaxWeight
  bool critical = false;   // a "no" flags the whole call
  std::string side = std::string(kSideManager);  // kSideManager, kSideClient or kSideAny
};

struct Checklist {
  std::string id{};  // [a-z0-9_]{1,40}
  std::string name{};
  std::vector<Criterion> criteria{};
  std::vector<Question> questions{};  // custom questions, answered but not scored (questions.h)
};

// The shipped Russian sales checklist: greeting with name and company, need identified,
// offer/price stated, objection handled, next step agreed with a date, polite close.
Checklist DefaultSalesChecklist();

// Reads a checklist ({"id", "name", "criteria": [{"id", "question", "weight", "critical",
// "side"}], "questions": [{"id", "question", "kind"}]}; weight defaults to 1, critical to false,
// side to "manager", questions to none, kind to "yes_no"). At least one criterion or question.
// kInvalidInput naming every problem ("criteria[2].weight: must be an integer 1..100"); nothing
// is read then.
core::Result<Checklist> ChecklistFromJson(const nlohmann::json& json);
nlohmann::json ChecklistToJson(const Checklist& checklist);

// One answer of the model, as it gave it.
struct CriterionAnswer {
  std::string criterion_id{};
  std::string verdict{};               // "yes", "no", "na"
  std::optional<std::string> quote{};  // verbatim from the transcript
};

// `text` for comparing quotes: lower case (Latin and Cyrillic), ё → е, every run of
// punctuation, symbols and whitespace one space, no space at either end.
std::string NormalizeForQuote(std::string_view text);

// Where `quote` was said: the start of the segment the quote begins in, among the segments of
// `side` (all segments for kSideAny; a segment without a side — a mono recording — counts for
// every side). The quote may run over consecutive segments of that side. It must match whole
// words after NormalizeForQuote. nullopt when it is not there or normalizes to nothing.
std::optional<std::int64_t> FindQuote(std::string_view quote, std::string_view side,
                                      std::span<const Segment> segments);

struct ScoredCriterion {
  Criterion criterion{};
  std::string verdict{};  // kYes, kNo, kNotApplicable or kUnanswered
  std::optional<std::string> quote{};
  std::optional<std::int64_t> quote_start_ms{};
  // Why an answer was refused ("the quote is not in the client's lines"); empty otherwise.
  std::string refused{};
};

struct Scorecard {
  std::string checklist_id{};
  std::string checklist_name{};
  std::vector<ScoredCriterion> criteria{};  // in checklist order
  // 0..100: the weight of "yes" over the weight of every criterion but "na" (an unanswered one
  // counts as not met); null when every criterion is "na".
  std::optional<int> score{};
  std::vector<std::string> failed_critical{};  // ids of critical criteria answered "no"
  int unanswered = 0;
  std::vector<AnsweredQuestion> answers{};  // the checklist's questions, in order
};

// Checks every answer against the transcript and scores the checklist. Per criterion, the first
// answer naming it counts; answers naming no criterion of the checklist are ignored.
//   yes — needs a quote found in the side's lines; otherwise unanswered.
//   no  — a quote is optional (an absence cannot be quoted), but one given must be found.
//   na  — any quote is dropped.
// The checklist's questions are answered by AnswerQuestions from `replies`.
Scorecard ScoreConversation(const Checklist& checklist, std::span<const CriterionAnswer> answers,
                            std::span<const Segment> segments,
                            std::span<const QuestionAnswer> replies = {});

// The `scorecard` object of GET /api/calls/{id} (docs/api.md).
nlohmann::json ScorecardToJson(const Scorecard& scorecard);

}  // namespace callbrief::analytics
