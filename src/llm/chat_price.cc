#include <cctype>
#include <charconv>

#include "llm/summarizer.h"

namespace callbrief::llm {
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

std::optional<double> Amount(std::string_view text) {
  text = Trim(text);
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<ChatPrice> ParsePrice(std::string_view value) {
  value = Trim(value);
  if (!value.ends_with("/1M")) return std::nullopt;
  value.remove_suffix(3);
  std::vector<double> amounts;
  while (true) {
    std::size_t colon = value.find(':');
    auto amount = Amount(value.substr(0, colon));
    if (!amount) return std::nullopt;
    amounts.push_back(*amount);
    if (colon == std::string_view::npos) break;
    value.remove_prefix(colon + 1);
  }
  if (amounts.size() == 2) return ChatPrice{amounts[0], amounts[0], amounts[1]};
  if (amounts.size() == 3) return ChatPrice{amounts[0], amounts[1], amounts[2]};
  return std::nullopt;
}

const ChatPrice* Find(const ChatPriceTable& table, std::string_view model) {
  if (auto exact = table.find(model); exact != table.end()) return &exact->second;
  const ChatPrice* best = nullptr;
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

}  // namespace

ChatPriceTable DefaultChatPrices() {
  return {
      {"gpt-4o", {2.50, 1.25, 10.00}},
      {"gpt-4o-mini", {0.15, 0.075, 0.60}},
      {"gpt-6-luna", {0.10, 0.01, 0.50}},
      {"gpt-5.6-luna", {0.20, 0.02, 1.20}},
  };
}

core::Result<ChatPriceTable> ParseChatPrices(std::string_view text, ChatPriceTable base) {
  while (!text.empty()) {
    std::size_t end = text.find_first_of(",;");
    std::string_view entry = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (entry.empty()) continue;
    std::size_t equals = entry.find('=');
    std::string_view model = equals == std::string_view::npos ? "" : Trim(entry.substr(0, equals));
    auto price = model.empty() ? std::nullopt : ParsePrice(entry.substr(equals + 1));
    if (!price) {
      return core::Error::Config("summary price \"" + std::string(entry) +
                                 "\": expected MODEL=IN:CACHED:OUT/1M or MODEL=IN:OUT/1M");
    }
    base[std::string(model)] = *price;
  }
  return base;
}

std::optional<double> EstimateChatCost(const ChatPriceTable& table, std::string_view model,
                                       std::int64_t prompt_tokens, std::int64_t cached_tokens,
                                       std::int64_t completion_tokens) {
  const ChatPrice* price = Find(table, model);
  if (price == nullptr) return std::nullopt;
  cached_tokens = std::clamp<std::int64_t>(cached_tokens, 0, prompt_tokens);
  return (static_cast<double>(prompt_tokens - cached_tokens) * price->input +
          static_cast<double>(cached_tokens) * price->cached_input +
          static_cast<double>(completion_tokens) * price->output) /
         1e6;
}

}  // namespace callbrief::llm
