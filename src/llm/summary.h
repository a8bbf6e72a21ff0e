#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace callbrief::llm {

// What kind of call a transcript shows; only "conversation" is summarized by a model.
inline constexpr std::string_view kConversation = "conversation";
inline constexpr std::string_view kVoicemail = "voicemail";
inline constexpr std::string_view kIvr = "ivr";
inline constexpr std::string_view kWrongNumber = "wrong_number";
inline constexpr std::string_view kNoSpeech = "no_speech";

struct SummaryTask {
  std::string text{};
  std::optional<std::string> owner{};  // "менеджер", "клиент" or a name, when said.
  std::optional<std::string> due{};    // As said ("завтра") or YYYY-MM-DD, when said.
};

// One criterion of a scorecard as the model is asked it (analytics::Criterion without the
// dependency): the model answers by `id`.
struct ChecklistItem {
  std::string id{};
  std::string question{};
  std::string side{};  // "manager", "client" or "any": whose lines the quote must come from.
};

// The model's answer to one ChecklistItem, unchecked: the quote is verified against the
// transcript by analytics::ScoreConversation before anything is stored or shown.
struct CriterionVerdict {
  std::string criterion{};             // a ChecklistItem id
  std::string verdict{};               // "yes", "no", "na"
  std::optional<std::string> quote{};  // verbatim from the transcript; null when there is none
};

// A custom question as the model is asked it (analytics::Question without the dependency).
struct QuestionItem {
  std::string id{};
  std::string question{};
  std::string kind{};  // "yes_no" or "text"
};

// The model's reply to one QuestionItem, unchecked like CriterionVerdict.
struct QuestionReply {
  std::string question{};  // a QuestionItem id
  std::optional<std::string>
      answer{};  // "yes"/"no" or a short text; null when the call does not say
  std::optional<std::string> quote{};
};

// The structured summary of one call: the seed's fields (summary, key_points, tasks,
// client_request, next_steps, sentiment) plus call_kind, task owners and due dates, client name
// and company.
struct CallSummary {
  std::string summary{};
  std::vector<std::string> key_points{};
  std::vector<SummaryTask> tasks{};
  std::string client_request{};
  std::string next_steps{};
  std::string sentiment = "neutral";  // positive | neutral | negative
  std::string call_kind = "conversation";
  std::optional<std::string> client_name{};
  std::optional<std::string> company{};
  // Only when a checklist was sent (SummaryInput::checklist). Not part of ToJson(): the answers
  // are stored only once checked, as the call's scorecard.
  std::vector<CriterionVerdict> scorecard{};
  // Only when questions were sent (SummaryInput::questions); not part of ToJson() either.
  std::vector<QuestionReply> answers{};

  // Validates `json` against SummarySchema() (types, enums, required keys; extra keys are
  // ignored, a missing nullable key reads as null) and reads it. kInvalidInput listing every
  // problem ("tasks[0].text: expected string") otherwise.
  static core::Result<CallSummary> FromJson(const nlohmann::json& json);
  // The same against `schema` (SummarySchema(checklist) reads `scorecard` too).
  static core::Result<CallSummary> FromJson(const nlohmann::json& json,
                                            const nlohmann::json& schema);
  // Every key, in schema order; absent optionals as null.
  nlohmann::json ToJson() const;
};

// The JSON object inside a summary model's answer: as is, inside ```json fences, or between the
// first '{' and the last '}' of surrounding prose. A discarded value when there is none, or when
// it is not valid JSON or nests deeper than core::kMaxJsonDepth.
nlohmann::json ExtractAnswerJson(std::string_view content);

// The JSON Schema of CallSummary in OpenAI's strict form: every object has
// additionalProperties: false and lists all its properties in `required`; optional values are
// ["string","null"] unions.
const nlohmann::json& SummarySchema();
// SummarySchema() with a required `scorecard`: an array of {criterion (one of the checklist's
// ids), verdict ("yes" | "no" | "na"), quote (string or null)}. SummarySchema() itself when the
// checklist is empty.
// With questions, also a required `answers`: an array of {question (one of their ids), answer
// (string or null), quote (string or null)}.
nlohmann::json SummarySchema(std::span<const ChecklistItem> checklist,
                             std::span<const QuestionItem> questions = {});

// The schema of a scoring-only request (Summarizer::Score): {"scorecard": [...]} with the items
// of SummarySchema(checklist)'s `scorecard`. The checklist must not be empty.
// With questions, `answers` as in SummarySchema. Not both empty.
nlohmann::json ScorecardSchema(std::span<const ChecklistItem> checklist,
                               std::span<const QuestionItem> questions = {});
struct ScorecardAnswers {
  std::vector<CriterionVerdict> verdicts{};
  std::vector<QuestionReply> replies{};
};
// The answers in `json`, validated against `schema` (ScorecardSchema). kInvalidInput listing
// every problem otherwise, as CallSummary::FromJson does.
core::Result<ScorecardAnswers> ScorecardAnswersFromJson(const nlohmann::json& json,
                                                        const nlohmann::json& schema);

// The answers of a call summarized in parts, as one: per criterion a verified-looking "yes"
// (with a quote) from any part wins, then a "no", then "na"; each part answered from its own
// transcript lines, so a quote from any part is a quote from the call.
std::vector<CriterionVerdict> MergeScorecards(
    const std::vector<std::vector<CriterionVerdict>>& parts);
// The same for questions: per question an answer with a quote from any part wins, then one
// without, then null.
std::vector<QuestionReply> MergeReplies(const std::vector<std::vector<QuestionReply>>& parts);

// The problems of `instance` against `schema` (the subset SummarySchema uses: type and type
// unions, enum, properties, required, items), each "path: what"; empty when valid.
std::vector<std::string> SchemaProblems(const nlohmann::json& instance,
                                        const nlohmann::json& schema);

}  // namespace callbrief::llm
