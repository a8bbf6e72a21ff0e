#include "asr/price.h"

#include <utility>

#include "openai/price_list.h"

namespace callbrief::asr {
namespace {

using openai::ParseAmount;
using openai::TrimSpace;

std::optional<TranscriptionPrice> ParseValue(std::string_view value) {
  value = TrimSpace(value);
  TranscriptionPrice price;
  if (value.ends_with("/min")) {
    auto amount = ParseAmount(value.substr(0, value.size() - 4));
    if (!amount) return std::nullopt;
    price.usd_per_minute = *amount;
    return price;
  }
  if (value.ends_with("/1M")) {
    value.remove_suffix(3);
    std::size_t colon = value.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto input = ParseAmount(value.substr(0, colon));
    auto output = ParseAmount(value.substr(colon + 1));
    if (!input || !output) return std::nullopt;
    price.usd_per_million_input_tokens = *input;
    price.usd_per_million_output_tokens = *output;
    return price;
  }
  return std::nullopt;
}

}  // namespace

TranscriptionPriceTable DefaultTranscriptionPrices() {
  return {
      {"gpt-transcribe", {.usd_per_minute = 0.0045}},
      {"whisper-1", {.usd_per_minute = 0.006}},
      {"gpt-4o-transcribe",
       {.usd_per_minute = 0.006,
        .usd_per_million_input_tokens = 2.50,
        .usd_per_million_output_tokens = 10.00}},
      {"gpt-4o-transcribe-diarize",
       {.usd_per_minute = 0.006,
        .usd_per_million_input_tokens = 2.50,
        .usd_per_million_output_tokens = 10.00}},
      {"gpt-4o-mini-transcribe",
       {.usd_per_minute = 0.003,
        .usd_per_million_input_tokens = 1.25,
        .usd_per_million_output_tokens = 5.00}},
  };
}

core::Result<TranscriptionPriceTable> ParseTranscriptionPrices(std::string_view text,
                                                               TranscriptionPriceTable base) {
  return openai::ParsePriceList(text, std::move(base), ParseValue, "speech-to-text price",
                                "MODEL=USD/min or MODEL=IN:OUT/1M");
}

const TranscriptionPrice* FindPrice(const TranscriptionPriceTable& table, std::string_view model) {
  return openai::FindModelEntry(table, model);
}

std::optional<double> EstimateCost(const TranscriptionPriceTable& table,
                                   const core::ProviderUsage& usage) {
  const TranscriptionPrice* price = FindPrice(table, usage.model);
  if (price == nullptr) return std::nullopt;
  bool has_token_prices =
      price->usd_per_million_input_tokens > 0 || price->usd_per_million_output_tokens > 0;
  if (has_token_prices && (usage.input_tokens > 0 || usage.output_tokens > 0)) {
    return (static_cast<double>(usage.input_tokens) * price->usd_per_million_input_tokens +
            static_cast<double>(usage.output_tokens) * price->usd_per_million_output_tokens) /
           1e6;
  }
  return usage.audio_seconds / 60.0 * price->usd_per_minute;
}

}  // namespace callbrief::asr
