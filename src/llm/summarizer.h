#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/provider_usage.h"
#include "core/result.h"
#include "llm/summary.h"
#include "net/http_client.h"

namespace callbrief::llm {

// One line of the transcript as the summarizer sees it (asr's TranscriptSegment, without the
// dependency).
struct TranscriptLine {
  std::int64_t start_ms = 0;  // On the recording's timeline.
  std::string speaker{};      // "manager", "client" or "".
  std::string text{};
};

struct SummaryInput {
  std::vector<TranscriptLine> transcript{};
  std::string direction{};  // "incoming" or "outgoing"; "" when unknown.
  std::string from_number{};
  std::string to_number{};
  int duration_seconds = 0;
  std::string manager_name{};
  std::string language = "ru";  // CALL_LANGUAGE: the prompt's and the summary's language.
  // The scorecard to answer in the same request (CallSummary::scorecard); none when empty.
  std::vector<ChecklistItem> checklist{};
  // Custom questions to answer with it (CallSummary::answers); none when empty.
  std::vector<QuestionItem> questions{};
};

struct SummaryResult {
  CallSummary summary{};
  std::vector<core::ProviderUsage> usage{};  // One per chat request made; empty from rules.
  bool from_rules = false;                   // No model was asked (SummaryWithoutLlm).
};

// The answers of a scoring-only request (Summarizer::Score), unchecked like
// CallSummary::scorecard.
struct ScoreResult {
  std::vector<CriterionVerdict> answers{};
  std::vector<QuestionReply> replies{};      // to SummaryInput::questions
  std::vector<core::ProviderUsage> usage{};  // One per chat request made.
};

class Summarizer {
 public:
  virtual ~Summarizer() = default;
  // Errors: kTransient (5xx, timeouts, an answer that stayed invalid after the repair attempt),
  // kRateLimited, kPermanent (refusal, exhausted quota, 400), kConfig (key, model, URL; and an
  // answer cut by the token limit after one retry with twice the limit). Never a partial summary.
  virtual core::Result<SummaryResult> Summarize(const SummaryInput& input) = 0;
  // Answers only `input.checklist` and `input.questions` (not both empty) in a request of its own,
  // the transcript sent again: re-scoring a call already summarized (issue 16, item 6) without
  // touching its summary. Long transcripts are scored in parts and the answers merged
  // (MergeScorecards). Errors as Summarize's.
  virtual core::Result<ScoreResult> Score(const SummaryInput& input) = 0;
};

// USD per million tokens.
struct ChatPrice {
  double input = 0;
  double cached_input = 0;
  double output = 0;
};
// Model → price; a dated snapshot matches the longest entry it starts with followed by '-'.
using ChatPriceTable = std::map<std::string, ChatPrice, std::less<>>;

// shared/reference/providers.md §2.4 (November 2026): gpt-4o 2.50/1.25/10, gpt-4o-mini
// 0.15/0.075/0.60, gpt-6-luna 0.10/0.01/0.50, gpt-5.6-luna 0.20/0.02/1.20.
ChatPriceTable DefaultChatPrices();
// Overrides like "gpt-4o=2.5:1.25:10/1M, local=0:0/1M" (IN:CACHED:OUT or IN:OUT per million
// tokens; entries separated by ',' or ';') on top of `base`. kConfig naming a bad entry.
core::Result<ChatPriceTable> ParseChatPrices(std::string_view text,
                                             ChatPriceTable base = DefaultChatPrices());
// (prompt − cached)·input + cached·cached_input + completion·output; nullopt without a price.
std::optional<double> EstimateChatCost(const ChatPriceTable& table, std::string_view model,
                                       std::int64_t prompt_tokens, std::int64_t cached_tokens,
                                       std::int64_t completion_tokens);

// How to ask for JSON. kAuto sends a strict json_schema and, when the server answers 400 about
// response_format (a backend without structured outputs), switches to json_object for the rest
// of the summarizer's life.
enum class StructuredOutput { kAuto, kJsonSchema, kJsonObject };

// OpenAI's reasoning models by name: o1, o3, o4-mini (the o-series) and the gpt-5 family except
// its "-chat" variants. They take no temperature, count reasoning tokens against
// max_completion_tokens and accept reasoning_effort.
bool IsReasoningModel(std::string_view model);

// Reasoning efforts the Chat Completions API knows (openai-python
// src/openai/types/shared/reasoning_effort.py); not every model accepts every value.
bool IsKnownReasoningEffort(std::string_view effort);

struct SummarizerOptions {
  std::string base_url = "https://api.openai.com/v1";  // Without a trailing '/'.
  std::string api_key{};  // Sent as a Bearer token; empty sends no Authorization header.
  std::string model = "gpt-4o";
  std::string language = "ru";  // Used when SummaryInput::language is empty.
  StructuredOutput structured_output = StructuredOutput::kAuto;
  double temperature = 0.2;  // Not sent to reasoning models (nor after a server refused it).
  int max_output_tokens = 2000;
  // Reasoning models only (IsReasoningModel): sent as reasoning_effort ("" sends none, the
  // model's default), and added to max_completion_tokens, which also counts the reasoning.
  std::string reasoning_effort = "low";
  int reasoning_headroom_tokens = 25000;
  // "max_completion_tokens" (OpenAI) or "max_tokens" (older servers, YandexGPT, llama.cpp).
  std::string max_tokens_field = "max_completion_tokens";
  // Estimated tokens of transcript one request may carry; longer transcripts are summarized in
  // parts and the parts merged (map-reduce).
  int transcript_token_budget = 16000;
  // Extra requests allowed per summary step to fix an answer that is not valid JSON for the
  // schema or was cut by the token limit.
  int max_repair_attempts = 1;
  std::chrono::milliseconds timeout{120000};
  ChatPriceTable prices = DefaultChatPrices();
  bool skip_llm_by_rules = true;  // Answer SummaryWithoutLlm's cases without a request.
  std::string api_key_setting = "OPENAI_API_KEY";
  std::string base_url_setting = "OPENAI_BASE_URL";
  std::string model_setting = "SUMMARY_MODEL";
  // "Now" for a Retry-After given as an HTTP date; must outlive the client. Null: the system
  // clock.
  const core::Clock* clock = nullptr;
};

// The OpenAI-compatible client: POST {base_url}/chat/completions. Thread-safe; `http` must outlive
// it. The API key never appears in an error message.
std::unique_ptr<Summarizer> MakeOpenAiSummarizer(net::HttpClient& http, SummarizerOptions options);

// A summary for calls with no real conversation, decided by rules so no model is paid for:
// no speech at all (or only a few words), a voicemail greeting or operator announcement, an IVR
// menu with nobody answering. nullopt for anything that looks like a conversation.
std::optional<CallSummary> SummaryWithoutLlm(const SummaryInput& input);

}  // namespace callbrief::llm
