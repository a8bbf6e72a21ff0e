#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/provider_usage.h"
#include "core/result.h"

namespace callbrief::asr {

// What a speech-to-text model costs, in USD. Models billed by tokens (the gpt-4o transcribe
// family) price audio input, text input (the prompt) and output tokens apart, and are costed by
// tokens when the response reports them; otherwise by the minute.
struct TranscriptionPrice {
  double usd_per_minute = 0;
  // Per million audio input tokens; nullopt when no source gives it (then a response with audio
  // tokens has no cost rather than an invented one). Equal to the text price for an entry with
  // one input price ("IN:OUT/1M").
  std::optional<double> usd_per_million_audio_tokens{};
  double usd_per_million_input_tokens = 0;  // Text input tokens.
  double usd_per_million_output_tokens = 0;
};

// Model name → price. A model matches its own entry, or else the longest entry it starts with
// followed by '-' (a dated snapshot: gpt-4o-mini-transcribe-2025-12-15 → gpt-4o-mini-transcribe).
using TranscriptionPriceTable = std::map<std::string, TranscriptionPrice, std::less<>>;

// The built-in prices; price.cc says where each number comes from (and docs/providers.md).
TranscriptionPriceTable DefaultTranscriptionPrices();

// Reads overrides such as "whisper-1=0.006/min, gpt-4o-transcribe=6:2.5:10/1M, my-model=0/min"
// (entries separated by ',' or ';'; "/min" is USD per audio minute, "AUDIO:TEXT:OUT/1M" USD per
// million audio input, text input and output tokens, "IN:OUT/1M" one price for all input tokens)
// and returns `base` with those entries replaced or added. kConfig with the offending entry when
// the text does not parse.
core::Result<TranscriptionPriceTable> ParseTranscriptionPrices(
    std::string_view text, TranscriptionPriceTable base = DefaultTranscriptionPrices());

// The price entry for `model`, or null.
const TranscriptionPrice* FindPrice(const TranscriptionPriceTable& table, std::string_view model);

// The cost of `usage` (its model, tokens or audio seconds), or nullopt when the table has no entry
// or the cost cannot be told honestly: audio tokens for a model whose audio price is unknown, or
// input tokens not split into audio and text for a model that prices the two apart.
std::optional<double> EstimateCost(const TranscriptionPriceTable& table,
                                   const core::ProviderUsage& usage);

}  // namespace callbrief::asr
