// Phone, card, passport, SNILS and INN numbers: digit runs and spelled-out Russian numerals
// joined into groups, then classified by length, grouping, context words and checksums.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>

#include "privacy/internal/text.h"

namespace callbrief::privacy::internal {
namespace {

enum class NumeralKind { kUnit, kTeen, kTen, kHundred };
struct Numeral {
  int value;
  NumeralKind kind;
};

const std::map<std::string, Numeral, std::less<>>& Numerals() {
  static const auto* const numerals = new std::map<std::string, Numeral, std::less<>>{
      {"ноль", {0, NumeralKind::kUnit}},
      {"нуль", {0, NumeralKind::kUnit}},
      {"один", {1, NumeralKind::kUnit}},
      {"одна", {1, NumeralKind::kUnit}},
      {"два", {2, NumeralKind::kUnit}},
      {"две", {2, NumeralKind::kUnit}},
      {"три", {3, NumeralKind::kUnit}},
      {"четыре", {4, NumeralKind::kUnit}},
      {"пять", {5, NumeralKind::kUnit}},
      {"шесть", {6, NumeralKind::kUnit}},
      {"семь", {7, NumeralKind::kUnit}},
      {"восемь", {8, NumeralKind::kUnit}},
      {"девять", {9, NumeralKind::kUnit}},
      {"десять", {10, NumeralKind::kTeen}},
      {"одиннадцать", {11, NumeralKind::kTeen}},
      {"двенадцать", {12, NumeralKind::kTeen}},
      {"тринадцать", {13, NumeralKind::kTeen}},
      {"четырнадцать", {14, NumeralKind::kTeen}},
      {"пятнадцать", {15, NumeralKind::kTeen}},
      {"шестнадцать", {16, NumeralKind::kTeen}},
      {"семнадцать", {17, NumeralKind::kTeen}},
      {"восемнадцать", {18, NumeralKind::kTeen}},
      {"девятнадцать", {19, NumeralKind::kTeen}},
      {"двадцать", {20, NumeralKind::kTen}},
      {"тридцать", {30, NumeralKind::kTen}},
      {"сорок", {40, NumeralKind::kTen}},
      {"пятьдесят", {50, NumeralKind::kTen}},
      {"шестьдесят", {60, NumeralKind::kTen}},
      {"семьдесят", {70, NumeralKind::kTen}},
      {"восемьдесят", {80, NumeralKind::kTen}},
      {"девяносто", {90, NumeralKind::kTen}},
      {"сто", {100, NumeralKind::kHundred}},
      {"двести", {200, NumeralKind::kHundred}},
      {"триста", {300, NumeralKind::kHundred}},
      {"четыреста", {400, NumeralKind::kHundred}},
      {"пятьсот", {500, NumeralKind::kHundred}},
      {"шестьсот", {600, NumeralKind::kHundred}},
      {"семьсот", {700, NumeralKind::kHundred}},
      {"восемьсот", {800, NumeralKind::kHundred}},
      {"девятьсот", {900, NumeralKind::kHundred}},
  };
  return *numerals;
}

const Numeral* NumeralOf(const Token& token) {
  if (token.kind != TokenKind::kWord) return nullptr;
  auto it = Numerals().find(token.lower);
  return it == Numerals().end() ? nullptr : &it->second;
}

// One number as said or written: "916", "сто двадцать три" (123), "ноль" (0).
struct Group {
  std::string digits{};
  size_t begin = 0;
  size_t end = 0;
  size_t first_token = 0;
  bool plus = false;  // "+" or "плюс" before it.
};

bool IsConnector(const Token& token) {
  if (token.kind != TokenKind::kPunct) return false;
  return token.lower == "-" || token.lower == "(" || token.lower == ")" || token.lower == "," ||
         token.lower == "\xE2\x80\x93";  // en dash
}

// Reads a spelled-out compound number starting at tokens[k] ("девятьсот шестнадцать"); returns
// the index after it.
size_t ReadSpoken(const std::vector<Token>& tokens, size_t k, Group& group) {
  const Numeral* first = NumeralOf(tokens[k]);
  int value = first->value;
  NumeralKind last = first->kind;
  size_t next = k + 1;
  while (next < tokens.size() && value != 0) {
    const Numeral* n = NumeralOf(tokens[next]);
    if (n == nullptr || n->value == 0) break;
    const bool fits = (last == NumeralKind::kHundred && n->kind != NumeralKind::kHundred) ||
                      (last == NumeralKind::kTen && n->kind == NumeralKind::kUnit);
    if (!fits) break;
    value += n->value;
    last = n->kind;
    ++next;
    if (last == NumeralKind::kUnit || last == NumeralKind::kTeen) break;
  }
  group.digits = std::to_string(value);
  group.end = tokens[next - 1].end;
  return next;
}

// Runs of number groups joined by spaces and connectors; "номер" between two runs joins them too
// ("серия 45 12 номер 345678").
std::vector<std::vector<Group>> ReadRuns(const std::vector<Token>& tokens) {
  std::vector<std::vector<Group>> runs;
  std::vector<Group> run;
  bool plus = false;
  size_t plus_begin = 0;
  auto starts_number = [&](size_t k) {
    return k < tokens.size() && (tokens[k].kind == TokenKind::kDigits || NumeralOf(tokens[k]));
  };
  size_t k = 0;
  while (k < tokens.size()) {
    const Token& t = tokens[k];
    if (t.kind == TokenKind::kDigits || NumeralOf(t) != nullptr) {
      Group group{.begin = plus ? plus_begin : t.begin, .first_token = k, .plus = plus};
      plus = false;
      if (t.kind == TokenKind::kDigits) {
        group.digits = t.lower;
        group.end = t.end;
        ++k;
      } else {
        k = ReadSpoken(tokens, k, group);
      }
      run.push_back(std::move(group));
      continue;
    }
    if ((t.lower == "+" || t.lower == "плюс") && starts_number(k + 1)) {
      if (!run.empty()) runs.push_back(std::move(run)), run.clear();
      plus = true;
      plus_begin = t.begin;
      ++k;
      continue;
    }
    if (!run.empty() && (IsConnector(t) || (t.lower == "номер" && starts_number(k + 1)))) {
      ++k;
      continue;
    }
    if (!run.empty()) runs.push_back(std::move(run)), run.clear();
    plus = false;
    ++k;
  }
  if (!run.empty()) runs.push_back(std::move(run));
  return runs;
}

struct Context {
  bool inn = false;
  bool snils = false;
  bool passport = false;
  bool card = false;
};

Context ContextOfWord(std::string_view w) {
  return {.inn = w == "инн",
          .snils = w == "снилс",
          .passport = w.starts_with("паспорт") || w.starts_with("сери"),
          .card = w.starts_with("карт")};
}

// For every token, what the up to five words before it name. One pass with the last five words'
// contexts at hand: scanning back from each number instead cost a run of N digits or punctuation
// marks (no word to stop at) N²/2 steps.
std::vector<Context> ContextsBefore(const std::vector<Token>& tokens) {
  std::vector<Context> contexts(tokens.size());
  std::array<Context, 5> last_words{};  // A ring of the last five words' contexts.
  size_t words = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    for (size_t w = 0; w < std::min(words, last_words.size()); ++w) {
      contexts[k].inn |= last_words[w].inn;
      contexts[k].snils |= last_words[w].snils;
      contexts[k].passport |= last_words[w].passport;
      contexts[k].card |= last_words[w].card;
    }
    if (tokens[k].kind == TokenKind::kWord) {
      last_words[words++ % last_words.size()] = ContextOfWord(tokens[k].lower);
    }
  }
  return contexts;
}

bool LengthsAre(const std::vector<size_t>& lengths, std::initializer_list<size_t> expected) {
  return std::equal(lengths.begin(), lengths.end(), expected.begin(), expected.end());
}

// Russian numbering plan: geographic codes 3xx, 4xx, 8xx (and 800 free calls), mobile 9xx.
bool AreaCodeStart(char c) { return c == '3' || c == '4' || c == '8' || c == '9'; }

bool CardGrouping(const std::vector<size_t>& lengths) {
  if (lengths.size() == 1) return true;
  for (size_t g = 0; g + 1 < lengths.size(); ++g) {
    if (lengths[g] != 4) return false;
  }
  return true;
}

std::optional<PiiType> Classify(const std::string& d, const std::vector<size_t>& lengths, bool plus,
                                const Context& context) {
  const size_t n = d.size();
  if (context.inn && (n == 10 || n == 12) && InnValid(d)) return PiiType::kInn;
  if (context.snils && n == 11 && SnilsValid(d)) return PiiType::kSnils;
  if (context.passport && n == 10) return PiiType::kPassport;
  if (n >= 13 && n <= 19 && !plus && LuhnValid(d) && (context.card || CardGrouping(lengths))) {
    return PiiType::kCard;
  }
  if (n == 11) {
    const bool snils_grouped = LengthsAre(lengths, {3, 3, 3, 2}) && SnilsValid(d);
    if (snils_grouped) return PiiType::kSnils;
    if (d[0] == '7' && plus) return PiiType::kPhone;
    if ((d[0] == '7' || d[0] == '8') && AreaCodeStart(d[1])) return PiiType::kPhone;
    if (lengths.size() == 1 && SnilsValid(d)) return PiiType::kSnils;
  }
  if (n == 10) {
    if (LengthsAre(lengths, {2, 2, 6}) || LengthsAre(lengths, {4, 6})) return PiiType::kPassport;
    const bool phone_grouped = LengthsAre(lengths, {3, 3, 2, 2}) ||
                               LengthsAre(lengths, {3, 3, 4}) || LengthsAre(lengths, {3, 7});
    if (AreaCodeStart(d[0]) && phone_grouped) return PiiType::kPhone;
    if (lengths.size() == 1 && d[0] == '9') return PiiType::kPhone;
    if (lengths.size() == 1 && InnValid(d)) return PiiType::kInn;
  }
  if (n == 12 && lengths.size() == 1 && InnValid(d)) return PiiType::kInn;
  if (n == 7 && LengthsAre(lengths, {3, 2, 2}) && d[0] != '0') return PiiType::kPhone;
  return std::nullopt;
}

}  // namespace

std::vector<PiiSpan> FindNumbers(const std::vector<Token>& tokens) {
  std::vector<PiiSpan> spans;
  const std::vector<Context> contexts = ContextsBefore(tokens);
  for (const std::vector<Group>& run : ReadRuns(tokens)) {
    size_t i = 0;
    while (i < run.size()) {
      const Context& context = contexts[run[i].first_token];
      // The longest classified stretch of groups starting at i.
      std::string digits;
      std::vector<size_t> lengths;
      std::optional<std::pair<size_t, PiiType>> best;
      for (size_t j = i; j < run.size() && digits.size() + run[j].digits.size() <= 19; ++j) {
        digits += run[j].digits;
        lengths.push_back(run[j].digits.size());
        if (auto type = Classify(digits, lengths, run[i].plus, context)) best = {j, *type};
      }
      if (!best) {
        ++i;
        continue;
      }
      spans.push_back({.begin = run[i].begin, .end = run[best->first].end, .type = best->second});
      i = best->first + 1;
    }
  }
  return spans;
}

}  // namespace callbrief::privacy::internal

namespace callbrief::privacy {

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    int d = digits[k] - '0';
    if (d < 0 || d > 9) return false;
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Pension Fund rules: sum of digit·(9..1) over the first nine; the check number is the sum when
// below 100, 00 for 100 and 101, and the sum mod 101 (100 → 00) above that. Numbers up to
// 001-001-998 have no checksum and are not issued as such.
bool SnilsValid(std::string_view digits) {
  if (digits.size() != 11) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  if (digits.substr(0, 9) <= "001001998") return false;
  int sum = 0;
  for (int k = 0; k < 9; ++k) sum += (digits[k] - '0') * (9 - k);
  int check = sum % 101;
  if (check == 100) check = 0;
  return check == (digits[9] - '0') * 10 + (digits[10] - '0');
}

namespace {
int InnCheckDigit(std::string_view digits, std::initializer_list<int> weights) {
  int sum = 0;
  size_t k = 0;
  for (int w : weights) sum += (digits[k++] - '0') * w;
  return sum % 11 % 10;
}
}  // namespace

// Federal Tax Service weights (order of the Ministry of Taxes № БГ-3-12/32, 1999).
bool InnValid(std::string_view digits) {
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  if (digits.size() == 10) {
    return InnCheckDigit(digits, {2, 4, 10, 3, 5, 9, 4, 6, 8}) == digits[9] - '0';
  }
  if (digits.size() == 12) {
    return InnCheckDigit(digits, {7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == digits[10] - '0' &&
           InnCheckDigit(digits, {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == digits[11] - '0';
  }
  return false;
}

}  // namespace callbrief::privacy
