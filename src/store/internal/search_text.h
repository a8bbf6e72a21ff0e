#pragma once

// Full-text search's words, shared by both databases so they find the same calls: how a text is
// cut into words and how a word is normalized (SQLite's FTS5 tokenizer calls SearchWords; the
// PostgreSQL migration does the same in SQL, see postgres_dialect.cc), how a query `q` is parsed,
// and where a query occurs in a text (the snippet of a hit). Pure functions over libstemmer.
// Nothing outside src/store includes this.
//
// A word is a run of letters and digits (what ICU calls alphanumeric, approximated by code point
// ranges); everything else separates words. A word is lowercased, then: with an ASCII digit in it,
// kept as it is; all ASCII letters, stemmed by Snowball's English stemmer; otherwise by Snowball's
// Russian stemmer (the mapping of PostgreSQL's `russian` configuration, without its stop words).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::store::internal {

struct SearchWord {
  size_t begin = 0;  // Bytes of the word in the text.
  size_t end = 0;
  std::string term;  // Lowercased and stemmed.
};

// The words of UTF-8 `text` in order; invalid UTF-8 bytes separate words. Thread-safe.
std::vector<SearchWord> SearchWords(std::string_view text);

// `text` with every word lowercased and every run of other characters replaced by one space:
// what both databases index and what a query is built from.
std::string SearchNormalForm(std::string_view text);

// A parsed `q`: every term must occur in a call; a term is one word or a quoted phrase (its words
// next to each other, in order).
struct SearchQuery {
  struct Term {
    std::string words;               // Lowercased words separated by single spaces.
    std::vector<std::string> terms;  // Their stemmed forms.
  };
  std::vector<Term> terms;
};

inline constexpr size_t kMaxSearchQueryBytes = 200;
inline constexpr size_t kMaxSearchTerms = 10;

// Words and "quoted phrases"; characters that are not letters or digits only separate words; an
// unclosed quote runs to the end. InvalidInput ("q: …") when it is too long, has too many terms or
// no word at all.
core::Result<SearchQuery> ParseSearchQuery(std::string_view q);

// The FTS5 MATCH expression of `query` (each term a quoted phrase, all of them required).
std::string Fts5MatchExpression(const SearchQuery& query);

// The fragment of `text` around its first occurrence of any term, every occurrence in it marked,
// at most about kSnippetBytes long ("…" where it was cut); empty when no term occurs in `text`.
inline constexpr size_t kSnippetBytes = 320;
std::vector<SearchFragment> SearchSnippet(std::string_view text, const SearchQuery& query);

}  // namespace callbrief::store::internal
