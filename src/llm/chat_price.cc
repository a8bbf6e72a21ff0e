#include <algorithm>
#include <utility>

#include "llm/summarizer.h"
#include "openai/price_list.h"

namespace callbrief::llm {
namespace {

using openai::ParseAmount;
using openai::TrimSpace;

std::optional<ChatPrice> ParsePrice(std::string_view value) {
  value = TrimSpace(value);
  if (!value.ends_with("/1M")) return std::nullopt;
  value.remove_suffix(3);
  std::vector<double> amounts;
  while (true) {
    std::size_t colon = value.find(':');
    auto amount = ParseAmount(value.substr(0, colon));
    if (!amount) return std::nullopt;
    amounts.push_back(*amount);
    if (colon == std::string_view::npos) break;
    value.remove_prefix(colon + 1);
  }
  if (amounts.size() == 2) return ChatPrice{amounts[0], amounts[0], amounts[1]};
  if (amounts.size() == 3) return ChatPrice{amounts[0], amounts[1], amounts[2]};
  return std::nullopt;
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
  return openai::ParsePriceList(text, std::move(base), ParsePrice, "summary price",
                                "MODEL=IN:CACHED:OUT/1M or MODEL=IN:OUT/1M");
}

std::optional<double> EstimateChatCost(const ChatPriceTable& table, std::string_view model,
                                       std::int64_t prompt_tokens, std::int64_t cached_tokens,
                                       std::int64_t completion_tokens) {
  const ChatPrice* price = openai::FindModelEntry(table, model);
  if (price == nullptr) return std::nullopt;
  cached_tokens = std::clamp<std::int64_t>(cached_tokens, 0, prompt_tokens);
  return (static_cast<double>(prompt_tokens - cached_tokens) * price->input +
          static_cast<double>(cached_tokens) * price->cached_input +
          static_cast<double>(completion_tokens) * price->output) /
         1e6;
}

}  // namespace callbrief::llm
