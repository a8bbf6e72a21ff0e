#include "asr/price.h"

#include <algorithm>
#include <utility>
#include <vector>

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
    std::vector<double> amounts;
    for (std::size_t start = 0;;) {
      std::size_t colon = value.find(':', start);
      auto amount = ParseAmount(value.substr(start, colon - start));
      if (!amount) return std::nullopt;
      amounts.push_back(*amount);
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (amounts.size() == 2) amounts.insert(amounts.begin(), amounts[0]);  // IN:OUT.
    if (amounts.size() != 3) return std::nullopt;
    price.usd_per_million_audio_tokens = amounts[0];
    price.usd_per_million_input_tokens = amounts[1];
    price.usd_per_million_output_tokens = amounts[2];
    return price;
  }
  return std::nullopt;
}

}  // namespace

// Where each number comes from (docs/providers.md has the same table):
//  - gpt-transcribe $0.0045/min, whisper-1 $0.006/min: OpenAI's model pages, as quoted in
//    shared/reference/providers.md §1.2 (November 2026).
//  - gpt-4o-transcribe: audio input $6.00, text input $2.50, output $10.00 per 1M tokens — OpenAI's
//    model page (platform.openai.com/docs/models/gpt-4o-transcribe, "Text tokens" and "Audio
//    tokens" tables) and the OpenAI Cookbook (openai/openai-cookbook
//    examples/Realtime_out_of_band_transcription.ipynb, "GPT-4o Transcription: Audio Input $6.00
//    per 1M audio tokens, Text Input $2.50, Text Output $10.00").
//  - gpt-4o-mini-transcribe: audio input $3.00, text input $1.25, output $5.00 — its model page
//    (platform.openai.com/docs/models/gpt-4o-mini-transcribe, same two tables).
//  - gpt-4o-transcribe-diarize: text input $2.50, output $10.00 (its model page, via the
//    reference); no source found for its audio-token price, so it is left unknown.
//  - The per-minute prices of the gpt-4o family are OpenAI's "estimated cost" per minute, used only
//    when an answer reports no tokens.
TranscriptionPriceTable DefaultTranscriptionPrices() {
  return {
      {"gpt-transcribe", {.usd_per_minute = 0.0045}},
      {"whisper-1", {.usd_per_minute = 0.006}},
      {"gpt-4o-transcribe",
       {.usd_per_minute = 0.006,
        .usd_per_million_audio_tokens = 6.00,
        .usd_per_million_input_tokens = 2.50,
        .usd_per_million_output_tokens = 10.00}},
      {"gpt-4o-transcribe-diarize",
       {.usd_per_minute = 0.006,
        .usd_per_million_audio_tokens = std::nullopt,
        .usd_per_million_input_tokens = 2.50,
        .usd_per_million_output_tokens = 10.00}},
      {"gpt-4o-mini-transcribe",
       {.usd_per_minute = 0.003,
        .usd_per_million_audio_tokens = 3.00,
        .usd_per_million_input_tokens = 1.25,
        .usd_per_million_output_tokens = 5.00}},
  };
}

core::Result<TranscriptionPriceTable> ParseTranscriptionPrices(std::string_view text,
                                                               TranscriptionPriceTable base) {
  return openai::ParsePriceList(text, std::move(base), ParseValue, "speech-to-text price",
                                "MODEL=USD/min, MODEL=AUDIO:TEXT:OUT/1M or MODEL=IN:OUT/1M");
}

const TranscriptionPrice* FindPrice(const TranscriptionPriceTable& table, std::string_view model) {
  return openai::FindModelEntry(table, model);
}

std::optional<double> EstimateCost(const TranscriptionPriceTable& table,
                                   const core::ProviderUsage& usage) {
  const TranscriptionPrice* price = FindPrice(table, usage.model);
  if (price == nullptr) return std::nullopt;
  const std::optional<double>& audio_rate = price->usd_per_million_audio_tokens;
  const double text_rate = price->usd_per_million_input_tokens;
  bool has_token_prices =
      audio_rate.has_value() || text_rate > 0 || price->usd_per_million_output_tokens > 0;
  if (!has_token_prices || (usage.input_tokens <= 0 && usage.output_tokens <= 0)) {
    return usage.audio_seconds / 60.0 * price->usd_per_minute;
  }
  // Input tokens the answer does not say are audio or text: costable only at one input price.
  const bool one_input_price = audio_rate && *audio_rate == text_rate;
  const std::int64_t audio = usage.input_audio_tokens.value_or(0);
  const std::int64_t text = usage.input_text_tokens.value_or(0);
  const std::int64_t unsplit = std::max<std::int64_t>(0, usage.input_tokens - audio - text);
  if ((audio > 0 && !audio_rate) || (unsplit > 0 && !one_input_price)) return std::nullopt;
  return (static_cast<double>(audio) * audio_rate.value_or(0) +
          static_cast<double>(text + unsplit) * text_rate +
          static_cast<double>(usage.output_tokens) * price->usd_per_million_output_tokens) /
         1e6;
}

}  // namespace callbrief::asr
