#include "bitrix/bbcode.h"

#include <fmt/format.h>

namespace callbrief::bitrix {

std::string EscapeBbText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '[':
        out += "\uFF3B";
        break;
      case ']':
        out += "\uFF3D";
        break;
      case '<':
        out += "\uFF1C";
        break;
      case '>':
        out += "\uFF1E";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatBbBold(std::string_view text) { return "[B]" + EscapeBbText(text) + "[/B]"; }

std::string FormatBbLink(std::string_view url, std::string_view text) {
  std::string target;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (c == '[' || c == ']' || c == '"' || c == '\'' || c == '<' || c == '>' || u <= 0x20 ||
        u == 0x7F) {
      target += fmt::format("%{:02X}", u);
    } else {
      target += c;
    }
  }
  return fmt::format("[URL={}]{}[/URL]", target, EscapeBbText(text));
}

}  // namespace callbrief::bitrix
