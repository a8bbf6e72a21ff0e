#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "privacy/pii_mask.h"

// The masker's view of UTF-8 text: words, digit runs and punctuation, with their byte ranges.
namespace callbrief::privacy::internal {

enum class TokenKind : unsigned char {
  kWord,    // Letters (Latin, Cyrillic), possibly with digits inside ("5а", "ivan85").
  kDigits,  // ASCII digits only, not touching a letter.
  kPunct,   // One other character (ASCII or multi-byte); whitespace makes no token.
};

// 40 bytes: a text of one-byte tokens (",,,,") takes about 40 times its size in tokens.
struct Token {
  size_t begin = 0;
  size_t end = 0;
  std::string_view lower{};  // The token in lower case, "ё" as "е": a view into Tokenize's `lower`.
  TokenKind kind = TokenKind::kPunct;
  bool capitalized = false;  // Starts with an upper-case letter.
};

// Lower case for ASCII and Russian letters; "ё" becomes "е". Every character keeps its length in
// bytes, so offsets into `text` are offsets into the result.
std::string LowerRussian(std::string_view text);

// `lower` is LowerRussian(text) and must outlive the tokens, which view into it.
std::vector<Token> Tokenize(std::string_view text, std::string_view lower);

// Detectors: the spans each finds in `text` (tokens are Tokenize(text)); they may overlap each
// other, MaskPersonalData keeps the first and longest.
std::vector<PiiSpan> FindEmails(std::string_view text, const std::vector<Token>& tokens);
std::vector<PiiSpan> FindNumbers(const std::vector<Token>& tokens);
std::vector<PiiSpan> FindAddresses(const std::vector<Token>& tokens);

}  // namespace callbrief::privacy::internal
