#include "core/json_bounded.h"

namespace callbrief::core {

bool JsonNestsDeeperThan(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return true;
        break;
      case ']':
      case '}':
        // Unbalanced closers make the text invalid; the parser reports that, not this scan.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return false;
}

nlohmann::json ParseBoundedJson(std::string_view text) {
  if (JsonNestsDeeperThan(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace callbrief::core
