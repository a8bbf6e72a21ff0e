#include "bitrix/bbcode.h"

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

}  // namespace callbrief::bitrix
