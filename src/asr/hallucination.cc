#include "asr/hallucination.h"

#include <array>

#include "core/utf8.h"

namespace callbrief::asr {
namespace {

// Decodes one UTF-8 sequence at text[*at]; invalid bytes come back as U+FFFD, one at a time.
char32_t NextCodePoint(std::string_view text, std::size_t* at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(*at);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || *at + length > text.size()) {
    ++*at;
    return 0xFFFD;
  }
  char32_t cp = length == 1 ? lead : lead & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(*at + i) & 0xC0) != 0x80) {
      ++*at;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(*at + i) & 0x3F);
  }
  *at += length;
  return cp;
}

// Whole-text matches (after normalization).
constexpr std::array kExact = {
    std::string_view("продолжение следует"),
    std::string_view("спасибо за просмотр"),
    std::string_view("подписывайтесь на канал"),
    std::string_view("ставьте лайки и подписывайтесь на канал"),
    std::string_view("thank you for watching"),
    std::string_view("thanks for watching"),
    std::string_view("please subscribe"),
};

// Credits: the text starts with one of these.
constexpr std::array kPrefixes = {
    std::string_view("субтитры сделал"),     std::string_view("субтитры создавал"),
    std::string_view("субтитры подготовил"), std::string_view("субтитры делал"),
    std::string_view("редактор субтитров"),  std::string_view("subtitles by"),
};

// Anywhere in the text.
constexpr std::array kAnywhere = {
    std::string_view("amara org"),
    std::string_view("dimatorzok"),
};

}  // namespace

std::string NormalizeForComparison(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t at = 0; at < text.size();) {
    char32_t cp = NextCodePoint(text, &at);
    if (cp >= 'A' && cp <= 'Z') cp += 0x20;
    if (cp >= 0x0410 && cp <= 0x042F) cp += 0x20;   // А–Я → а–я
    if (cp == 0x0401 || cp == 0x0451) cp = 0x0435;  // Ё, ё → е
    bool letter = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
                  (cp >= 0x0430 && cp <= 0x044F) || (cp >= 0x00E0 && cp <= 0x024F);
    if (!letter) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    core::AppendUtf8(cp, &out);
  }
  return out;
}

bool IsKnownHallucination(std::string_view text) {
  return IsKnownHallucinationNormalized(NormalizeForComparison(text));
}

bool IsKnownHallucinationNormalized(std::string_view normal) {
  if (normal.empty()) return false;
  for (std::string_view phrase : kExact) {
    if (normal == phrase) return true;
  }
  for (std::string_view prefix : kPrefixes) {
    if (normal.starts_with(prefix) &&
        (normal.size() == prefix.size() || normal[prefix.size()] == ' ')) {
      return true;
    }
  }
  for (std::string_view phrase : kAnywhere) {
    if (normal.find(phrase) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace callbrief::asr
