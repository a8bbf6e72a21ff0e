#include "privacy/internal/text.h"

namespace callbrief::privacy::internal {
namespace {

bool IsAsciiLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes of the UTF-8 character at text[i]: 2 to 4 when a lead byte is followed by its
// continuation bytes, else 1. A stray, truncated or invalid byte stands alone, so it never
// swallows the ASCII after it (a phone number right after a broken byte is still read).
size_t CharLength(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const size_t length = lead >= 0xF5   ? 1
                        : lead >= 0xF0 ? 4
                        : lead >= 0xE0 ? 3
                        : lead >= 0xC2 ? 2
                                       : 1;
  if (length == 1 || i + length > text.size()) return 1;
  for (size_t k = 1; k < length; ++k) {
    if (!IsContinuation(static_cast<unsigned char>(text[i + k]))) return 1;
  }
  return length;
}

// Cyrillic letters are U+0400..U+04FF: two bytes, led by 0xD0..0xD3.
bool IsCyrillicAt(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  return lead >= 0xD0 && lead <= 0xD3 && i + 1 < text.size() &&
         IsContinuation(static_cast<unsigned char>(text[i + 1]));
}

bool IsLetterAt(std::string_view text, size_t i) {
  return IsAsciiLetter(static_cast<unsigned char>(text[i])) || IsCyrillicAt(text, i);
}

bool IsUpperAt(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c >= 'A' && c <= 'Z') return true;
  if (c != 0xD0 || i + 1 >= text.size()) return false;
  const auto next = static_cast<unsigned char>(text[i + 1]);
  return (next >= 0x90 && next <= 0xAF) || next == 0x81;  // А..Я, Ё
}

}  // namespace

std::string LowerRussian(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      continue;
    }
    // The pair only when it is one character, as Tokenize reads it (CharLength).
    if ((c == 0xD0 || c == 0xD1) && i + 1 < text.size() &&
        IsContinuation(static_cast<unsigned char>(text[i + 1]))) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      unsigned char lead = c;
      unsigned char trail = next;
      if (c == 0xD0 && next >= 0x90 && next <= 0x9F) {  // А..П → а..п
        trail = next + 0x20;
      } else if (c == 0xD0 && next >= 0xA0 && next <= 0xAF) {  // Р..Я → р..я
        lead = 0xD1;
        trail = next - 0x20;
      } else if ((c == 0xD0 && next == 0x81) || (c == 0xD1 && next == 0x91)) {  // Ё, ё → е
        lead = 0xD0;
        trail = 0xB5;
      }
      out.push_back(static_cast<char>(lead));
      out.push_back(static_cast<char>(trail));
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::vector<Token> Tokenize(std::string_view text, std::string_view lower) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    Token token;
    token.begin = i;
    if (IsDigit(c) || IsLetterAt(text, i)) {
      bool letters = false;
      token.capitalized = IsUpperAt(text, i);
      while (i < text.size()) {
        const auto d = static_cast<unsigned char>(text[i]);
        if (IsDigit(d)) {
          ++i;
        } else if (IsLetterAt(text, i)) {
          letters = true;
          i += CharLength(text, i);
        } else {
          break;
        }
      }
      token.kind = letters ? TokenKind::kWord : TokenKind::kDigits;
    } else {
      token.kind = TokenKind::kPunct;
      i += CharLength(text, i);
    }
    token.end = std::min(i, text.size());
    i = token.end;
    token.lower = lower.substr(token.begin, token.end - token.begin);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace callbrief::privacy::internal
