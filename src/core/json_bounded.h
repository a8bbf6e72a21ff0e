#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

// JSON parsing that a hostile body cannot turn into a crash. nlohmann's parser itself keeps its
// own stack, but copying, comparing or serialising the parsed value recurses once per nesting
// level: 120,000 nested arrays in a 240 KB webhook body overflowed the thread's stack. Every
// json::parse of outside text (webhook events, API bodies, provider answers, stored JSON) goes
// through here, so no parsed value is ever deeper than kMaxJsonDepth.
namespace callbrief::core {

// Deeper than anything Bitrix24, OpenAI, Telegram or callbrief itself sends (under 10 levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

// True when the arrays and objects in `text` nest deeper than `max_depth`. A single pass without
// recursion over the text, before anything is parsed or allocated; brackets inside strings do not
// count. Says nothing about whether `text` is valid JSON.
bool JsonNestsDeeperThan(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// json::parse(text, nullptr, /*allow_exceptions=*/false) for outside text: a discarded value
// (is_discarded()) when `text` is not valid JSON or nests deeper than kMaxJsonDepth.
nlohmann::json ParseBoundedJson(std::string_view text);

}  // namespace callbrief::core
