// The BB-code escaper for Bitrix24 timeline comments: whatever the text, the escaped form holds no
// character a BB-code or HTML parser reads as markup, and bold text has exactly one tag pair.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bitrix/bbcode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string escaped = callbrief::bitrix::EscapeBbText(text);
  if (escaped.find_first_of("[]<>") != std::string::npos) std::abort();
  std::string bold = callbrief::bitrix::FormatBbBold(text);
  if (!bold.starts_with("[B]") || !bold.ends_with("[/B]")) std::abort();
  std::string_view inner(bold);
  inner = inner.substr(3, inner.size() - 7);
  if (inner.find_first_of("[]<>") != std::string_view::npos) std::abort();
  return 0;
}
