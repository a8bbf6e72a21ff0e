// Personal-data masking (privacy::MaskPersonalData) over any bytes: the text outside the spans
// comes back byte for byte, each span becomes its placeholder and is counted once, valid UTF-8
// stays valid, and masking the result again keeps every placeholder.

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "privacy/pii_mask.h"

namespace {

using callbrief::privacy::PiiType;

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                ? 1
               : c >= 0xC2 && c < 0xE0 ? 2
               : c >= 0xE0 && c < 0xF0 ? 3
               : c >= 0xF0 && c < 0xF5 ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::map<PiiType, int> Plus(std::map<PiiType, int> a, const std::map<PiiType, int>& b) {
  for (const auto& [type, count] : b) a[type] += count;
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = callbrief::privacy::MaskPersonalData(text);
  std::string rebuilt;
  std::map<PiiType, int> counted;
  size_t copied = 0;
  for (const auto& span : result.spans) {
    if (span.begin < copied || span.begin >= span.end || span.end > text.size()) std::abort();
    rebuilt.append(text.substr(copied, span.begin - copied));
    rebuilt.append(callbrief::privacy::Placeholder(span.type));
    copied = span.end;
    ++counted[span.type];
  }
  rebuilt.append(text.substr(copied));
  if (rebuilt != result.text || counted != result.counts) std::abort();
  // The report counts placeholders in the masked text (pipeline/pii_report.cc): it must find
  // exactly the ones that were in the input and the ones put in.
  const auto in_text = callbrief::privacy::CountPlaceholders(text);
  if (callbrief::privacy::CountPlaceholders(result.text) != Plus(in_text, result.counts)) {
    std::abort();
  }
  if (ValidUtf8(text) && !ValidUtf8(result.text)) std::abort();
  const auto again = callbrief::privacy::MaskPersonalData(result.text);
  if (callbrief::privacy::CountPlaceholders(again.text) !=
      Plus(callbrief::privacy::CountPlaceholders(result.text), again.counts)) {
    std::abort();
  }
  return 0;
}
