#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace callbrief::core {

// What one provider request consumed, for the per-call cost the UI shows. Providers fill it in;
// the pipeline stores one row per request (store table provider_usage).
struct ProviderUsage {
  std::string provider{};   // "openai-transcribe", "openai-chat", "telegram", "bitrix24".
  std::string model{};      // "whisper-1", "gpt-4o", … ; empty when not a model.
  std::string operation{};  // "transcribe chunk 2/3", "summarize", "summarize part 1/4", …
  double audio_seconds = 0;
  std::int64_t input_tokens = 0;
  // Of input_tokens, how many were audio and how many text (a prompt), when the server says so:
  // speech-to-text models billed by tokens price the two apart (openai-python
  // types/audio/transcription.py UsageTokens.input_token_details). Empty when not reported.
  std::optional<std::int64_t> input_audio_tokens{};
  std::optional<std::int64_t> input_text_tokens{};
  std::int64_t output_tokens = 0;
  std::int64_t latency_ms = 0;
  std::optional<double> cost_usd{};  // Empty when the price table has no entry for the model.
};

}  // namespace callbrief::core
