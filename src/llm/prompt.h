#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/summarizer.h"

// Prompt rendering for the summary requests. Pure.
namespace callbrief::llm {

// "[01:02] Менеджер: text" a line ("[1:01:02]" past an hour; no label without a speaker).
std::string RenderTranscript(const std::vector<TranscriptLine>& lines, std::string_view language);

// A rough, deliberately generous token count of `text` (a token per 3 characters) for budgets.
std::int64_t EstimateTokens(std::string_view text);

// Consecutive parts of `lines`, each rendering to at most `budget` estimated tokens (a single
// longer line makes a part of its own). One part when everything fits.
std::vector<std::vector<TranscriptLine>> SplitTranscript(const std::vector<TranscriptLine>& lines,
                                                         std::string_view language,
                                                         std::int64_t budget);

// kScore: a scoring-only request (Summarizer::Score); `part`/`parts` set when the transcript is
// scored in parts (parts > 1).
enum class PromptKind { kWhole, kPart, kMerge, kScore };

struct PromptContext {
  PromptKind kind = PromptKind::kWhole;
  int part = 0;   // 1-based, for kPart.
  int parts = 0;  // For kPart.
  // With json_object the schema has to travel in the prompt (and the word JSON must appear).
  bool embed_schema = false;
  // The schema to embed; SummarySchema() when null.
  const nlohmann::json* schema = nullptr;
};

// The system message: the analyst's instructions in the call's language (Russian by default,
// English with "write in <language>" otherwise); for kScore, the checker's instructions only
// (no summary fields).
std::string SystemPrompt(std::string_view language, const PromptContext& context);

// The user message: call facts and the transcript lines.
std::string UserPrompt(const SummaryInput& input, const std::vector<TranscriptLine>& lines,
                       std::string_view language);

// The scorecard part of a user message (appended after the transcript when a checklist is
// sent): how to answer, then one line per criterion ("- greeting [менеджер]: question").
// Empty for an empty checklist.
std::string ScorecardPrompt(const std::vector<ChecklistItem>& checklist, std::string_view language);

// The custom questions part of a user message (after ScorecardPrompt): how to answer, then one
// line per question ("- new_client [да/нет]: Клиент новый?"). Empty without questions.
std::string QuestionsPrompt(const std::vector<QuestionItem>& questions, std::string_view language);

// The user message of a merge step: the parts' summaries as JSON, in order.
std::string MergePrompt(const SummaryInput& input, const std::vector<CallSummary>& parts,
                        std::string_view language);

// The repair request after an invalid answer: what was wrong and the demand for a corrected JSON.
std::string RepairPrompt(std::string_view problem, std::string_view language);

}  // namespace callbrief::llm
