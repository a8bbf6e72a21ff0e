#pragma once

// Custom questions (issue 16, item 3): yes/no or short-text questions a team adds to its
// checklist ("Клиент новый?", "Назван ли конкурент?"), answered by the summary model in the same
// request as the criteria and checked the same way: an answer stands only on a verbatim quote
// found in the transcript. They are not scored; the Calls list filters by them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/talk_metrics.h"

namespace callbrief::analytics {

// The kinds of answer a question takes.
inline constexpr std::string_view kYesNo = "yes_no";  // "yes" or "no"
inline constexpr std::string_view kText = "text";     // a short text, at most kMaxAnswerChars

inline constexpr std::size_t kMaxQuestions = 10;
inline constexpr std::size_t kMaxAnswerChars = 200;

struct Question {
  std::string id{};        // [a-z0-9_]{1,40}, unique in the checklist (criteria included)
  std::string question{};  // asked of the model, in the call's language
  std::string kind = std::string(kYesNo);
};

// One reply of the model, as it gave it. `answer` null: the call does not say.
struct QuestionAnswer {
  std::string question_id{};
  std::optional<std::string> answer{};
  std::optional<std::string> quote{};
};

struct AnsweredQuestion {
  Question question{};
  std::optional<std::string> answer{};  // null: not said in the call, or the reply was refused
  std::optional<std::string> quote{};
  std::optional<std::int64_t> quote_start_ms{};
  std::string refused{};  // why a reply was not accepted; empty otherwise
};

// Checks the model's replies against the transcript, per question (the first reply naming it
// counts; replies naming no question are ignored):
//   yes_no "yes", and any text answer — need a quote found anywhere in the transcript;
//   yes_no "no" — a quote is optional (an absence cannot be quoted), one given must be found;
//   null — kept as null (the call does not say);
//   anything else ("maybe", a text over kMaxAnswerChars) — refused.
// A refused reply leaves the answer null, with the reason. In the order of `questions`.
std::vector<AnsweredQuestion> AnswerQuestions(std::span<const Question> questions,
                                              std::span<const QuestionAnswer> replies,
                                              std::span<const Segment> segments);

// One entry of the scorecard's `answers` (docs/api.md).
nlohmann::json AnsweredQuestionToJson(const AnsweredQuestion& answered);

}  // namespace callbrief::analytics
