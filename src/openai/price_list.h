#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

// Price tables of OpenAI-compatible models, as the operator writes them in the configuration
// ("whisper-1=0.006/min, gpt-4o=2.5:1.25:10/1M"). The speech-to-text and summary tables differ in
// what a price is; how a list is read and how a model finds its entry is the same for both.
namespace callbrief::openai {

std::string_view TrimSpace(std::string_view text);

// A non-negative decimal amount ("0.006", " 2.5 "); nullopt for anything else.
std::optional<double> ParseAmount(std::string_view text);

// The entry for `model` in a map keyed by model name (with a transparent comparator): its own
// entry, or else the longest entry it starts with followed by '-', so a dated snapshot
// (gpt-4o-mini-transcribe-2025-12-15) is priced as its family (gpt-4o-mini-transcribe). Null when
// neither exists.
template <typename Table>
const typename Table::mapped_type* FindModelEntry(const Table& table, std::string_view model) {
  if (auto exact = table.find(model); exact != table.end()) return &exact->second;
  const typename Table::mapped_type* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [name, entry] : table) {
    if (name.size() > best_length && model.size() > name.size() && model.starts_with(name) &&
        model[name.size()] == '-') {
      best = &entry;
      best_length = name.size();
    }
  }
  return best;
}

// Reads "MODEL=VALUE" entries separated by ',' or ';' into `base` (replacing or adding), each
// VALUE read by `parse_value` (returning an optional price). A malformed entry is kConfig:
// "<what> \"<entry>\": expected <expected>".
template <typename Table, typename ParseValue>
core::Result<Table> ParsePriceList(std::string_view text, Table base, ParseValue parse_value,
                                   std::string_view what, std::string_view expected) {
  while (!text.empty()) {
    std::size_t end = text.find_first_of(",;");
    std::string_view entry = TrimSpace(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (entry.empty()) continue;
    std::size_t equals = entry.find('=');
    std::string_view model =
        equals == std::string_view::npos ? "" : TrimSpace(entry.substr(0, equals));
    auto price = model.empty() ? std::nullopt : parse_value(entry.substr(equals + 1));
    if (!price) {
      return core::Error::Config(std::string(what) + " \"" + std::string(entry) + "\": expected " +
                                 std::string(expected));
    }
    base[std::string(model)] = *price;
  }
  return base;
}

}  // namespace callbrief::openai
