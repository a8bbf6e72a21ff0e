#include "store/internal/search_text.h"

#include <libstemmer.h>

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "core/utf8.h"

namespace callbrief::store::internal {
namespace {

using core::Error;
using core::Result;

// One code point of UTF-8 at `i`, or -1 for an invalid or truncated sequence; `*next` is where the
// following one starts (one byte further for an invalid one).
int Decode(std::string_view s, size_t i, size_t* next) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  int length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  *next = i + 1;
  if (length == 0 || i + length > s.size()) return -1;
  if (length == 1) return b;
  int cp = b & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr int kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *next = i + length;
  return cp;
}

bool In(int cp, int from, int to) { return cp >= from && cp <= to; }

// Letters (L*) and decimal digits (Nd) as ICU's u_isalnum, which PostgreSQL's [[:alnum:]] uses
// under an ICU collation: ASCII exactly; above it, the punctuation, symbols, marks and spaces of
// the blocks Russian and European text uses are separators and everything else is a letter.
bool IsWordChar(int cp) {
  if (cp < 0x80) {
    return In(cp, '0', '9') || In(cp, 'a', 'z') || In(cp, 'A', 'Z');
  }
  if (In(cp, 0x80, 0xBF)) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (In(cp, 0x2C2, 0x2C5) || In(cp, 0x2D2, 0x2DF) || In(cp, 0x2E5, 0x2EB) || cp == 0x2ED ||
      In(cp, 0x2EF, 0x36F)) {
    return false;  // Modifier symbols and combining marks (a stress mark splits a word there).
  }
  if (cp == 0x375 || cp == 0x37E || In(cp, 0x384, 0x385) || cp == 0x387 || cp == 0x3F6) {
    return false;
  }
  if (In(cp, 0x482, 0x489) || In(cp, 0x55A, 0x55F) || In(cp, 0x591, 0x5C7)) return false;
  if (In(cp, 0x2000, 0x2BFF)) {  // Punctuation, super/subscripts, symbols, arrows, shapes…
    return cp == 0x2071 || cp == 0x207F || In(cp, 0x2090, 0x209C);
  }
  if (In(cp, 0x2DE0, 0x2E7F) || In(cp, 0x3000, 0x3004) || In(cp, 0x3008, 0x3020) || cp == 0x3030 ||
      In(cp, 0x303D, 0x303F)) {
    return false;
  }
  if (In(cp, 0xE000, 0xF8FF) || In(cp, 0xFE00, 0xFE6F) || cp == 0xFEFF) return false;
  if (In(cp, 0xFF01, 0xFF0F) || In(cp, 0xFF1A, 0xFF20) || In(cp, 0xFF3B, 0xFF40) ||
      In(cp, 0xFF5B, 0xFF65) || In(cp, 0xFFF0, 0xFFFF)) {
    return false;
  }
  if (In(cp, 0x1F000, 0x1FBFF) || In(cp, 0xE0000, 0xE007F) || In(cp, 0xF0000, 0x10FFFF)) {
    return false;  // Emoji and pictographs, tags, private use.
  }
  return true;
}

// Simple lowercase mapping (as ICU's) for Latin, Greek and Cyrillic; other scripts unchanged.
int Lower(int cp) {
  if (In(cp, 'A', 'Z')) return cp + 32;
  if (cp < 0xC0) return cp;
  if (In(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 32;
  if ((In(cp, 0x100, 0x12F) || In(cp, 0x132, 0x137) || In(cp, 0x14A, 0x177)) && cp % 2 == 0) {
    return cp + 1;
  }
  if ((In(cp, 0x139, 0x148) || In(cp, 0x179, 0x17E)) && cp % 2 == 1) return cp + 1;
  if (cp == 0x178) return 0xFF;
  if (cp == 0x386) return 0x3AC;
  if (In(cp, 0x388, 0x38A)) return cp + 37;
  if (cp == 0x38C) return 0x3CC;
  if (In(cp, 0x38E, 0x38F)) return cp + 63;
  if (In(cp, 0x391, 0x3AB) && cp != 0x3A2) return cp + 32;
  if (In(cp, 0x400, 0x40F)) return cp + 80;
  if (In(cp, 0x410, 0x42F)) return cp + 32;
  if ((In(cp, 0x460, 0x481) || In(cp, 0x48A, 0x4BF) || In(cp, 0x4D0, 0x52F)) && cp % 2 == 0) {
    return cp + 1;
  }
  if (cp == 0x4C0) return 0x4CF;
  if (In(cp, 0x4C1, 0x4CE) && cp % 2 == 1) return cp + 1;
  return cp;
}

// Snowball stemmers are not thread-safe: one pair per thread.
class Stemmers {
 public:
  Stemmers()
      : russian_(sb_stemmer_new("russian", "UTF_8")),
        english_(sb_stemmer_new("english", "UTF_8")) {}
  ~Stemmers() {
    sb_stemmer_delete(russian_);
    sb_stemmer_delete(english_);
  }
  Stemmers(const Stemmers&) = delete;
  Stemmers& operator=(const Stemmers&) = delete;

  // `word`: lowercase, one word (SearchWords). Remembers the stems of recent words: a
  // conversation repeats its words.
  const std::string& Stem(const std::string& word) {
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
    if (cache_.size() >= kCachedStems) cache_.clear();
    return cache_.emplace(word, Compute(word)).first->second;
  }

  static Stemmers& ForThisThread() {
    thread_local Stemmers stemmers;
    return stemmers;
  }

 private:
  static constexpr size_t kCachedStems = 50000;

  std::string Compute(const std::string& word) const {
    bool ascii = true, digit = false;
    for (char ch : word) {
      ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
      digit = digit || (ch >= '0' && ch <= '9');
    }
    if (digit) return word;
    sb_stemmer* stemmer = ascii ? english_ : russian_;
    if (stemmer == nullptr) return word;
    const sb_symbol* stem = sb_stemmer_stem(
        stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    const int length = sb_stemmer_length(stemmer);
    if (stem == nullptr || length <= 0) return word;
    return std::string(reinterpret_cast<const char*>(stem), static_cast<size_t>(length));
  }

  sb_stemmer* russian_;
  sb_stemmer* english_;
  std::unordered_map<std::string, std::string> cache_;
};

// Calls `word(begin, end, lowercase)` for each word of `text`.
template <typename OnWord>
void ForEachWord(std::string_view text, OnWord word) {
  std::string lower;
  size_t begin = 0;
  bool in_word = false;
  for (size_t i = 0; i < text.size();) {
    size_t next = i;
    const int cp = Decode(text, i, &next);
    const bool letter = cp >= 0 && IsWordChar(cp);
    if (letter) {
      if (!in_word) {
        begin = i;
        lower.clear();
        in_word = true;
      }
      core::AppendUtf8(Lower(cp), &lower);
    } else if (in_word) {
      word(begin, i, lower);
      in_word = false;
    }
    i = next;
  }
  if (in_word) word(begin, text.size(), lower);
}

}  // namespace

std::vector<SearchWord> SearchWords(std::string_view text) {
  Stemmers& stemmers = Stemmers::ForThisThread();
  std::vector<SearchWord> words;
  ForEachWord(text, [&](size_t begin, size_t end, const std::string& lower) {
    words.push_back({begin, end, stemmers.Stem(lower)});
  });
  return words;
}

std::string SearchNormalForm(std::string_view text) {
  std::string out;
  ForEachWord(text, [&](size_t, size_t, const std::string& lower) {
    if (!out.empty()) out += ' ';
    out += lower;
  });
  return out;
}

Result<SearchQuery> ParseSearchQuery(std::string_view q) {
  if (q.size() > kMaxSearchQueryBytes) {
    return Error::InvalidInput(
        fmt::format("q: longer than {} bytes; search for fewer words", kMaxSearchQueryBytes));
  }
  Stemmers& stemmers = Stemmers::ForThisThread();
  SearchQuery query;
  // Outside quotes every word is a term; inside, the words up to the closing quote are one.
  bool quoted = false;
  size_t from = 0;
  const auto add = [&](std::string_view part, bool phrase) {
    std::vector<SearchQuery::Term> terms;
    ForEachWord(part, [&](size_t, size_t, const std::string& lower) {
      if (phrase && !terms.empty()) {
        terms.back().words += ' ' + lower;
        terms.back().terms.push_back(stemmers.Stem(lower));
      } else {
        terms.push_back({lower, {stemmers.Stem(lower)}});
      }
    });
    for (auto& term : terms) query.terms.push_back(std::move(term));
  };
  for (size_t i = 0; i <= q.size(); ++i) {
    if (i == q.size() || q[i] == '"') {
      add(q.substr(from, i - from), quoted);
      quoted = !quoted;
      from = i + 1;
    }
  }
  if (query.terms.empty()) {
    return Error::InvalidInput("q: no word to search for (words are letters and digits)");
  }
  if (query.terms.size() > kMaxSearchTerms) {
    return Error::InvalidInput(
        fmt::format("q: more than {} words and phrases; search for fewer", kMaxSearchTerms));
  }
  return query;
}

std::string Fts5MatchExpression(const SearchQuery& query) {
  std::string match;
  for (const SearchQuery::Term& term : query.terms) {
    // The words are letters and digits only, so quoting them needs no escapes.
    match += fmt::format("{}\"{}\"", match.empty() ? "" : " AND ", term.words);
  }
  return match;
}

std::vector<SearchFragment> SearchSnippet(std::string_view text, const SearchQuery& query) {
  const std::vector<SearchWord> words = SearchWords(text);
  // Occurrences as [first word, last word] in text order (they may overlap: merged below).
  std::vector<std::pair<size_t, size_t>> found;
  for (size_t i = 0; i < words.size(); ++i) {
    for (const SearchQuery::Term& term : query.terms) {
      const size_t n = term.terms.size();
      if (i + n > words.size()) continue;
      bool all = true;
      for (size_t k = 0; k < n && all; ++k) all = words[i + k].term == term.terms[k];
      if (all) found.emplace_back(i, i + n - 1);
    }
  }
  if (found.empty()) return {};
  // The window: from a little before the first occurrence, at most kSnippetBytes, cut between
  // words so a multi-byte character is never split.
  const size_t first = found.front().first;
  size_t start = first;
  while (start > 0 && words[first].begin - words[start - 1].begin <= kSnippetBytes / 4) --start;
  size_t last = found.front().second;
  while (last + 1 < words.size() && words[last + 1].end - words[start].begin <= kSnippetBytes) {
    ++last;
  }
  const size_t from = start == 0 ? 0 : words[start].begin;
  const size_t to = last + 1 == words.size() ? text.size() : words[last].end;

  std::vector<SearchFragment> fragments;
  const auto append = [&](std::string_view piece, bool hit) {
    if (piece.empty()) return;
    if (!fragments.empty() && fragments.back().hit == hit) {
      fragments.back().text += piece;
    } else {
      fragments.push_back({std::string(piece), hit});
    }
  };
  const auto add = [&](size_t begin, size_t end, bool hit) {
    if (begin < end) append(text.substr(begin, end - begin), hit);
  };
  if (from > 0) append("…", false);
  size_t at = from;
  for (const auto& [a, b] : found) {
    if (b > last) break;
    const size_t begin = std::max(words[a].begin, at);
    add(at, begin, false);
    add(begin, words[b].end, true);
    at = std::max(at, words[b].end);
  }
  add(at, to, false);
  if (to < text.size()) append("…", false);
  return fragments;
}

}  // namespace callbrief::store::internal
