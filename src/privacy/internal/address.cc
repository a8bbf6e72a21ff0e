// Street addresses and e-mail addresses.
#include <set>

#include "privacy/internal/text.h"

namespace callbrief::privacy::internal {
namespace {

bool OneOf(std::string_view word, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (word == w) return true;
  }
  return false;
}

bool IsPunct(const std::vector<Token>& tokens, size_t k, std::string_view p) {
  return k < tokens.size() && tokens[k].kind == TokenKind::kPunct && tokens[k].lower == p;
}

// A street marker at tokens[k]: the index after it (its abbreviation's dot included), or 0.
size_t StreetMarkerEnd(const std::vector<Token>& tokens, size_t k) {
  const std::string_view w = tokens[k].lower;
  if (tokens[k].kind != TokenKind::kWord) return 0;
  if (OneOf(w, {"улица",     "улице",     "улицу",    "улицы",      "улицей",     "проспект",
                "проспекте", "проспекта", "переулок", "переулке",   "переулка",   "бульвар",
                "бульваре",  "бульвара",  "шоссе",    "набережная", "набережной", "набережную",
                "проезд",    "проезде",   "проезда",  "тупик",      "микрорайон", "микрорайоне",
                "аллея",     "аллее"})) {
    return k + 1;
  }
  if (OneOf(w, {"ул", "просп", "пер", "наб", "мкр", "бул"})) {
    return IsPunct(tokens, k + 1, ".") ? k + 2 : (w == "ул" || w == "мкр" ? k + 1 : 0);
  }
  // "пр-т", "б-р", "пр." (prospekt).
  if ((w == "пр" || w == "б") && IsPunct(tokens, k + 1, "-") && k + 2 < tokens.size() &&
      (tokens[k + 2].lower == "т" || tokens[k + 2].lower == "р")) {
    return IsPunct(tokens, k + 3, ".") ? k + 4 : k + 3;
  }
  if (w == "пр" && IsPunct(tokens, k + 1, ".")) return k + 2;
  return 0;
}

// A house, building or flat marker at tokens[k]: the index after it, or 0.
size_t PartMarkerEnd(const std::vector<Token>& tokens, size_t k) {
  if (k >= tokens.size() || tokens[k].kind != TokenKind::kWord) return 0;
  const std::string_view w = tokens[k].lower;
  if (OneOf(w,
            {"дом", "корпус", "строение", "квартира", "квартиру", "квартире", "офис", "подъезд"})) {
    return IsPunct(tokens, k + 1, ".") ? k + 2 : k + 1;
  }
  if (OneOf(w, {"д", "корп", "к", "стр", "кв", "оф"})) {
    if (IsPunct(tokens, k + 1, ".")) return k + 2;
    return w == "кв" || w == "корп" || w == "стр" ? k + 1 : 0;
  }
  return 0;
}

bool IsNumeralWord(std::string_view w) {
  static const std::set<std::string, std::less<>> kWords{
      "один",        "одна",         "два",          "две",          "три",        "четыре",
      "пять",        "шесть",        "семь",         "восемь",       "девять",     "десять",
      "одиннадцать", "двенадцать",   "тринадцать",   "четырнадцать", "пятнадцать", "шестнадцать",
      "семнадцать",  "восемнадцать", "девятнадцать", "двадцать",     "тридцать",   "сорок",
      "пятьдесят",   "шестьдесят",   "семьдесят",    "восемьдесят",  "девяносто",  "сто",
      "двести",      "триста",       "четыреста",    "пятьсот",      "шестьсот",   "семьсот",
      "восемьсот",   "девятьсот"};
  return kWords.contains(w);
}

// A house or flat number at tokens[k] ("12", "12а", "12/3", "двенадцать"): the index after it, or
// 0.
size_t HouseNumberEnd(const std::vector<Token>& tokens, size_t k) {
  if (k >= tokens.size()) return 0;
  const Token& t = tokens[k];
  const bool digit_word =
      t.kind == TokenKind::kWord && !t.lower.empty() && t.lower[0] >= '0' && t.lower[0] <= '9';
  if (t.kind == TokenKind::kDigits || digit_word) {
    size_t next = k + 1;
    if (IsPunct(tokens, next, "/") && next + 1 < tokens.size() &&
        tokens[next + 1].kind == TokenKind::kDigits) {
      next += 2;
    }
    return next;
  }
  size_t next = k;
  while (next < tokens.size() && next < k + 3 && tokens[next].kind == TokenKind::kWord &&
         IsNumeralWord(tokens[next].lower)) {
    ++next;
  }
  return next == k ? 0 : next;
}

// House, building and flat parts from tokens[k] ("дом 5, корпус 2, кв. 14"); the index after the
// last, or k when there are none. `bare_number`: a number without a marker counts as the house.
size_t HousePartsEnd(const std::vector<Token>& tokens, size_t k, bool bare_number) {
  size_t end = k;
  size_t next = k;
  for (int parts = 0; parts < 5; ++parts) {
    if (IsPunct(tokens, next, ",")) ++next;
    size_t after_marker = PartMarkerEnd(tokens, next);
    if (after_marker == 0 && !(bare_number && parts == 0)) break;
    if (after_marker == 0) after_marker = next;
    const size_t after_number = HouseNumberEnd(tokens, after_marker);
    if (after_number == 0) break;
    end = next = after_number;
  }
  return end;
}

// The street's name after a marker: capitalized words, a number before one ("8 Марта"), or one
// lower-case word when a house number follows. The index after it, or `k` for none.
size_t StreetNameEnd(const std::vector<Token>& tokens, size_t k) {
  size_t next = k;
  while (next < tokens.size() && next < k + 3) {
    const Token& t = tokens[next];
    if (t.kind == TokenKind::kWord && t.capitalized) {
      ++next;
    } else if (t.kind == TokenKind::kDigits && next + 1 < tokens.size() &&
               tokens[next + 1].capitalized) {
      ++next;
    } else {
      break;
    }
  }
  if (next > k) return next;
  if (k < tokens.size() && tokens[k].kind == TokenKind::kWord && PartMarkerEnd(tokens, k) == 0 &&
      !IsNumeralWord(tokens[k].lower) && HousePartsEnd(tokens, k + 1, true) > k + 1) {
    return k + 1;
  }
  return k;
}

bool AdjectiveBefore(const std::vector<Token>& tokens, size_t marker) {
  if (marker == 0) return false;
  const Token& t = tokens[marker - 1];
  if (t.kind != TokenKind::kWord || !t.capitalized) return false;
  for (std::string_view ending :
       {"ий", "ый", "ой", "ая", "ое", "ей", "яя", "ом", "ем", "ую", "ого"}) {
    if (t.lower.ends_with(ending)) return true;
  }
  return false;
}

bool IsAsciiWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::vector<PiiSpan> FindAddresses(const std::vector<Token>& tokens) {
  std::vector<PiiSpan> spans;
  size_t k = 0;
  while (k < tokens.size()) {
    if (const size_t after_marker = StreetMarkerEnd(tokens, k); after_marker != 0) {
      const bool before = AdjectiveBefore(tokens, k);
      const size_t after_name = StreetNameEnd(tokens, after_marker);
      if (before || after_name > after_marker) {
        const size_t end = HousePartsEnd(tokens, after_name, true);
        const size_t last = std::max(end, after_name) - 1;
        spans.push_back({.begin = tokens[before ? k - 1 : k].begin,
                         .end = tokens[last].end,
                         .type = PiiType::kAddress});
        k = last + 1;
        continue;
      }
    }
    // "дом 5, квартира 12" without a street: a house and at least one more part.
    if (tokens[k].lower == "дом" || tokens[k].lower == "д") {
      const size_t after_marker = PartMarkerEnd(tokens, k);
      const size_t after_house = after_marker == 0 ? 0 : HouseNumberEnd(tokens, after_marker);
      const size_t end = after_house == 0 ? 0 : HousePartsEnd(tokens, after_house, false);
      if (end > after_house) {
        spans.push_back(
            {.begin = tokens[k].begin, .end = tokens[end - 1].end, .type = PiiType::kAddress});
        k = end;
        continue;
      }
    }
    ++k;
  }
  return spans;
}

std::vector<PiiSpan> FindEmails(std::string_view text, const std::vector<Token>& tokens) {
  std::vector<PiiSpan> spans;
  // Written: local@domain.tld.
  for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    size_t begin = at;
    while (begin > 0 &&
           (IsAsciiWordChar(text[begin - 1]) ||
            std::string_view("._%+-").find(text[begin - 1]) != std::string_view::npos)) {
      --begin;
    }
    size_t end = at + 1;
    while (end < text.size() &&
           (IsAsciiWordChar(text[end]) || text[end] == '.' || text[end] == '-')) {
      ++end;
    }
    while (end > at + 1 && text[end - 1] == '.') --end;
    const std::string_view domain = text.substr(at + 1, end - at - 1);
    const size_t dot = domain.rfind('.');
    if (begin == at || dot == std::string_view::npos || domain.size() - dot < 3) continue;
    spans.push_back({.begin = begin, .end = end, .type = PiiType::kEmail});
  }
  // Spoken: "иванов собака яндекс точка ру" (words joined by "точка" on both sides).
  auto is_dot = [&](size_t k) {
    return k < tokens.size() && (tokens[k].lower == "точка" || tokens[k].lower == ".");
  };
  auto is_word = [&](size_t k) { return k < tokens.size() && tokens[k].kind == TokenKind::kWord; };
  for (size_t k = 1; k + 3 < tokens.size(); ++k) {
    if (tokens[k].lower != "собака" || !is_word(k - 1) || !is_word(k + 1)) continue;
    size_t first = k - 1;
    while (first >= 2 && is_dot(first - 1) && is_word(first - 2)) first -= 2;
    size_t last = k + 1;
    bool dotted = false;
    while (is_dot(last + 1) && is_word(last + 2)) {
      last += 2;
      dotted = true;
    }
    if (!dotted) continue;
    spans.push_back(
        {.begin = tokens[first].begin, .end = tokens[last].end, .type = PiiType::kEmail});
    k = last;
  }
  return spans;
}

}  // namespace callbrief::privacy::internal
