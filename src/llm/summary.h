#pragma once

#include <optional>
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

  // Validates `json` against SummarySchema() (types, enums, required keys; extra keys are
  // ignored, a missing nullable key reads as null) and reads it. kInvalidInput listing every
  // problem ("tasks[0].text: expected string") otherwise.
  static core::Result<CallSummary> FromJson(const nlohmann::json& json);
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

// The problems of `instance` against `schema` (the subset SummarySchema uses: type and type
// unions, enum, properties, required, items), each "path: what"; empty when valid.
std::vector<std::string> SchemaProblems(const nlohmann::json& instance,
                                        const nlohmann::json& schema);

}  // namespace callbrief::llm
