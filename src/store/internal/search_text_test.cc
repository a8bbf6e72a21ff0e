#include "store/internal/search_text.h"

#include <gtest/gtest.h>

namespace callbrief::store::internal {
namespace {

std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> terms;
  for (const SearchWord& word : SearchWords(text)) terms.push_back(word.term);
  return terms;
}

SearchQuery Parse(std::string_view q) {
  auto parsed = ParseSearchQuery(q);
  EXPECT_TRUE(parsed.ok()) << q;
  return parsed.ok() ? *parsed : SearchQuery{};
}

TEST(SearchWordsTest, FormsOfARussianWordShareOneStem) {
  const auto forms = Terms("договор договора договоры договорами Договору ДОГОВОРОВ");
  ASSERT_EQ(forms.size(), 6u);
  for (const std::string& form : forms) EXPECT_EQ(form, "договор");
}

TEST(SearchWordsTest, EnglishWordsAreStemmedInEnglishAndWordsWithDigitsKeptAsTheyAre) {
  EXPECT_EQ(Terms("Contracts signing"), (std::vector<std::string>{"contract", "sign"}));
  EXPECT_EQ(Terms("SIP2 1500 заказ77"), (std::vector<std::string>{"sip2", "1500", "заказ77"}));
}

TEST(SearchWordsTest, OnlyLettersAndDigitsMakeWordsAndOffsetsAreBytesOfTheText) {
  const auto words = SearchWords("«Счёт» — кто-то, e-mail: a@b.ru 😀ok");
  std::vector<std::string> pieces;
  const std::string text = "«Счёт» — кто-то, e-mail: a@b.ru 😀ok";
  for (const SearchWord& word : words)
    pieces.push_back(text.substr(word.begin, word.end - word.begin));
  EXPECT_EQ(pieces,
            (std::vector<std::string>{"Счёт", "кто", "то", "e", "mail", "a", "b", "ru", "ok"}));
}

TEST(SearchWordsTest, InvalidUtf8SeparatesWordsInsteadOfFailing) {
  EXPECT_EQ(Terms("abc\xff\xfe"
                  "def"),
            (std::vector<std::string>{"abc", "def"}));
  EXPECT_EQ(Terms("\xd0"), std::vector<std::string>{});
}

TEST(SearchNormalFormTest, LowercasesWordsAndLeavesOneSpaceBetweenThem) {
  EXPECT_EQ(SearchNormalForm("  Привет,   МИР! Ёлка-2 "), "привет мир ёлка 2");
}

TEST(ParseSearchQueryTest, WordsAreTermsAndQuotesMakeAPhrase) {
  SearchQuery q = Parse(R"(договор "Подписали в пятницу" счета)");
  ASSERT_EQ(q.terms.size(), 3u);
  EXPECT_EQ(q.terms[0].words, "договор");
  EXPECT_EQ(q.terms[1].words, "подписали в пятницу");
  EXPECT_EQ(q.terms[1].terms.size(), 3u);
  EXPECT_EQ(q.terms[2].terms, std::vector<std::string>{"счет"});
  EXPECT_EQ(Fts5MatchExpression(q), R"("договор" AND "подписали в пятницу" AND "счета")");
}

TEST(ParseSearchQueryTest, AnUnclosedQuoteRunsToTheEnd) {
  SearchQuery q = Parse(R"(цена "без скидки)");
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_EQ(q.terms[1].words, "без скидки");
}

TEST(ParseSearchQueryTest, RefusesAQueryWithoutWordsOneTooLongAndTooManyTerms) {
  EXPECT_EQ(ParseSearchQuery(R"(!!! "" -)").error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_EQ(ParseSearchQuery(std::string(kMaxSearchQueryBytes + 1, 'a')).error().kind,
            core::ErrorKind::kInvalidInput);
  EXPECT_TRUE(ParseSearchQuery("a b c d e f g h i j").ok());
  EXPECT_EQ(ParseSearchQuery("a b c d e f g h i j k").error().kind, core::ErrorKind::kInvalidInput);
}

TEST(SearchSnippetTest, MarksEveryFormOfTheWordAndKeepsTheTextAround) {
  const auto snippet = SearchSnippet("Пришлите договор, а договоры подпишем", Parse("договора"));
  EXPECT_EQ(snippet, (std::vector<SearchFragment>{{"Пришлите ", false},
                                                  {"договор", true},
                                                  {", а ", false},
                                                  {"договоры", true},
                                                  {" подпишем", false}}));
}

TEST(SearchSnippetTest, APhraseIsMarkedWholeOnlyWhereItsWordsFollowEachOther) {
  EXPECT_EQ(SearchSnippet("цена без скидки", Parse(R"("без скидкой")")),
            (std::vector<SearchFragment>{{"цена ", false}, {"без скидки", true}}));
  EXPECT_TRUE(SearchSnippet("скидки без", Parse(R"("без скидкой")")).empty());
}

TEST(SearchSnippetTest, ALongTextIsCutAroundTheFirstHitBetweenWords) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "слово ";
  text += "договор";
  for (int i = 0; i < 100; ++i) text += " слово";
  const auto snippet = SearchSnippet(text, Parse("договор"));
  ASSERT_EQ(snippet.size(), 3u);
  EXPECT_TRUE(snippet[0].text.starts_with("…слово "));
  EXPECT_EQ(snippet[1], (SearchFragment{"договор", true}));
  EXPECT_TRUE(snippet[2].text.ends_with("слово…"));
  EXPECT_LE(snippet[0].text.size() + snippet[1].text.size() + snippet[2].text.size(),
            kSnippetBytes + 8);
}

TEST(SearchSnippetTest, NothingWhenNoTermOccurs) {
  EXPECT_TRUE(SearchSnippet("Добрый день", Parse("договор")).empty());
}

}  // namespace
}  // namespace callbrief::store::internal
