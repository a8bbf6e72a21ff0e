#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/provider_usage.h"
#include "core/result.h"

namespace callbrief::asr {

// What a speech-to-text model costs, in USD. Models billed by audio tokens (the gpt-4o transcribe
// family) have token prices and are costed by tokens when the response reports them; otherwise by
// the minute.
struct TranscriptionPrice {
  double usd_per_minute = 0;
  double usd_per_million_input_tokens = 0;
  double usd_per_million_output_tokens = 0;
};

// Model name → price. A model matches its own entry, or else the longest entry it starts with
// followed by '-' (a dated snapshot: gpt-4o-mini-transcribe-2025-12-15 → gpt-4o-mini-transcribe).
using TranscriptionPriceTable = std::map<std::string, TranscriptionPrice, std::less<>>;

// Prices from shared/reference/providers.md §1.2 (November 2026): gpt-transcribe $0.0045/min,
// whisper-1 $0.006/min, gpt-4o-transcribe and -diarize $2.50/$10 per 1M audio tokens (≈$0.006/min),
// gpt-4o-mini-transcribe $1.25/$5 (≈$0.003/min).
TranscriptionPriceTable DefaultTranscriptionPrices();

// Reads overrides such as "whisper-1=0.006/min, gpt-4o-transcribe=2.5:10/1M, my-model=0/min"
// (entries separated by ',' or ';'; "/min" is USD per audio minute, "IN:OUT/1M" USD per million
// input and output tokens) and returns `base` with those entries replaced or added. kConfig with
// the offending entry when the text does not parse.
core::Result<TranscriptionPriceTable> ParseTranscriptionPrices(
    std::string_view text, TranscriptionPriceTable base = DefaultTranscriptionPrices());

// The price entry for `model`, or null.
const TranscriptionPrice* FindPrice(const TranscriptionPriceTable& table, std::string_view model);

// The cost of `usage` (its model, tokens or audio seconds), or nullopt when the table has no entry.
std::optional<double> EstimateCost(const TranscriptionPriceTable& table,
                                   const core::ProviderUsage& usage);

}  // namespace callbrief::asr
