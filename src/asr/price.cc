#include "asr/price.h"

#include <cctype>
#include <charconv>

namespace callbrief::asr {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> ParseAmount(std::string_view text) {
  text = Trim(text);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<TranscriptionPrice> ParseValue(std::string_view value) {
  value = Trim(value);
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
  while (!text.empty()) {
    std::size_t end = text.find_first_of(",;");
    std::string_view entry = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (entry.empty()) continue;
    std::size_t equals = entry.find('=');
    std::string_view model = equals == std::string_view::npos ? "" : Trim(entry.substr(0, equals));
    auto price = model.empty() ? std::nullopt : ParseValue(entry.substr(equals + 1));
    if (!price) {
      return core::Error::Config("speech-to-text price \"" + std::string(entry) +
                                 "\": expected MODEL=USD/min or MODEL=IN:OUT/1M");
    }
    base[std::string(model)] = *price;
  }
  return base;
}

const TranscriptionPrice* FindPrice(const TranscriptionPriceTable& table, std::string_view model) {
  if (auto exact = table.find(model); exact != table.end()) return &exact->second;
  const TranscriptionPrice* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [name, price] : table) {
    if (name.size() > best_length && model.size() > name.size() && model.starts_with(name) &&
        model[name.size()] == '-') {
      best = &price;
      best_length = name.size();
    }
  }
  return best;
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
