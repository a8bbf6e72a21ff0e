// The masker against hostile input (issue 17, item 5): huge texts, pathological runs of digits
// and punctuation, invalid UTF-8. No timing here: the sizes are chosen so that work quadratic in
// the input (N²/2 steps for N ≥ 10⁶ tokens, over 10¹¹) runs far past this binary's ctest TIMEOUT
// (src/privacy/CMakeLists.txt), while linear work takes seconds even under AddressSanitizer.
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "privacy/pii_mask.h"

namespace callbrief::privacy {
namespace {

std::string Repeat(std::string_view piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t k = 0; k < times; ++k) out.append(piece);
  return out;
}

// The text outside the spans is the input's, byte for byte, and each span became its placeholder.
void ExpectOnlySpansReplaced(std::string_view input, const MaskResult& result) {
  std::string rebuilt;
  size_t copied = 0;
  for (const PiiSpan& span : result.spans) {
    ASSERT_LE(copied, span.begin);
    ASSERT_LT(span.begin, span.end);
    ASSERT_LE(span.end, input.size());
    rebuilt.append(input.substr(copied, span.begin - copied));
    rebuilt.append(Placeholder(span.type));
    copied = span.end;
  }
  rebuilt.append(input.substr(copied));
  EXPECT_TRUE(rebuilt == result.text) << "text outside the spans changed";
}

constexpr size_t kMillion = 1'000'000;

TEST(HostileInputTest, TwoMillionSingleDigitsInOneRunAreLeftAlone) {
  // One run of 2·10⁶ one-digit groups: no stretch of them is a phone, card or other number.
  const std::string text = Repeat("1 ", 2 * kMillion);
  const MaskResult result = MaskPersonalData(text);
  EXPECT_EQ(result.total(), 0);
  EXPECT_TRUE(result.text == text);
}

TEST(HostileInputTest, MillionsOfRunsWithoutAWordBetweenThemCostTheirLength) {
  // Each "1" is a run of its own with no word before it for the whole text: every run once
  // looked back over all the tokens before it for a context word ("ИНН", "паспорт").
  const std::string text = Repeat("!1", kMillion);
  EXPECT_EQ(MaskPersonalData(text).total(), 0);
  const std::string dashes = Repeat("-", 2 * kMillion) + " ИНН 7707083893";
  EXPECT_EQ(MaskPersonalData(dashes).counts.at(PiiType::kInn), 1);
}

TEST(HostileInputTest, AContextWordStillCountsOnlyWithinFiveWords) {
  // The one-pass context keeps what the scan back did: five words, however many tokens between.
  EXPECT_EQ(MaskPersonalData("паспорт: ; ; ; 4512345678").counts.at(PiiType::kPassport), 1);
  EXPECT_EQ(MaskPersonalData("паспорт а б в г д 4512345678").total(), 0);
  EXPECT_EQ(MaskPersonalData("паспорт а б в г 4512345678").counts.at(PiiType::kPassport), 1);
}

TEST(HostileInputTest, SpokenDigitsWithoutEndBecomePhonesOfElevenDigits) {
  // "восемь" said 55,000 times (715 kB, one piece): read as 8s, each 11 of them an 8-8xx number.
  const std::string text = Repeat("восемь ", 11 * 5'000);
  const MaskResult result = MaskPersonalData(text);
  EXPECT_EQ(result.counts.at(PiiType::kPhone), 5'000);
  ExpectOnlySpansReplaced(text, result);
  // 1.1·10⁶ times (14 MB): masked piece by piece, cut between words, where a piece's last few
  // eights are too few for a phone.
  const std::string longer = Repeat("восемь ", 11 * 100'000);
  const MaskResult pieces = MaskPersonalData(longer);
  EXPECT_LE(pieces.counts.at(PiiType::kPhone), 100'000);
  EXPECT_GE(pieces.counts.at(PiiType::kPhone), 100'000 - 15) << "one short phone per piece at most";
  ExpectOnlySpansReplaced(longer, pieces);
}

TEST(HostileInputTest, MarkersWithoutValuesCostTheirLength) {
  for (std::string_view piece : {"a@", "@.", "собака ", "a собака b точка ", "улица ", "дом 1 ",
                                 "ул. Ленина, д. ", "ИНН ", "+", "плюс "}) {
    const std::string text = Repeat(piece, kMillion / 4);
    ExpectOnlySpansReplaced(text, MaskPersonalData(text));
  }
}

TEST(HostileInputTest, ATranscriptOfFortyHoursIsMaskedWhole) {
  // About 4 MB, the size of some forty hours of speech, with one phone every sentence.
  const std::string sentence = "Да, записывайте, мой номер +7 916 123-45-67, перезвоните завтра. ";
  const std::string text = Repeat(sentence, 4 * kMillion / sentence.size());
  const MaskResult result = MaskPersonalData(text);
  EXPECT_EQ(result.counts.at(PiiType::kPhone), static_cast<int>(4 * kMillion / sentence.size()));
  EXPECT_EQ(result.total(), result.counts.at(PiiType::kPhone));
}

// A text above the masker's piece size (1 MiB) is masked in pieces cut at sentence ends, so its
// memory stays bounded (about 48 bytes per token of a piece) and no value is cut in two.
TEST(HostileInputTest, AnAnswerOfManyMegabytesIsMaskedInPiecesWithoutCuttingAValue) {
  const std::string sentence = "Мой номер 8 916 123 45 67, почта ivan.petrov@mail.ru. ";
  const size_t sentences = (3 << 20) / sentence.size() + 1;
  const std::string text = Repeat(sentence, sentences);
  const MaskResult result = MaskPersonalData(text);
  EXPECT_EQ(result.counts.at(PiiType::kPhone), static_cast<int>(sentences));
  EXPECT_EQ(result.counts.at(PiiType::kEmail), static_cast<int>(sentences));
  ExpectOnlySpansReplaced(text, result);
}

TEST(HostileInputTest, MegabytesWithoutASpaceOrACharacterBoundaryAreCutAnywhere) {
  const std::string continuation_bytes(3 << 20, '\x80');
  const MaskResult result = MaskPersonalData(continuation_bytes);
  EXPECT_EQ(result.total(), 0);
  EXPECT_TRUE(result.text == continuation_bytes);
}

TEST(InvalidUtf8Test, ABrokenByteBeforeANumberDoesNotHideIt) {
  // A lead byte without its continuation bytes once took the next one to three bytes with it
  // ("\xF0" ate "8 9" of the number below, "\xD0" made "\xD0" "89161234567" one word).
  for (std::string_view broken : {"\xF0", "\xE2", "\xD0", "\xD1", "\xC3", "\x80", "\xFF"}) {
    const std::string text = std::string(broken) + "8 916 123-45-67";
    EXPECT_EQ(MaskPersonalData(text).text, std::string(broken) + "[ТЕЛЕФОН]")
        << "after byte " << static_cast<int>(static_cast<unsigned char>(broken[0]));
  }
  EXPECT_EQ(MaskPersonalData("ИНН\xD0 7707083893").text, "ИНН\xD0 [ИНН]");
}

TEST(InvalidUtf8Test, TruncatedCharactersAtTheEndAreKept) {
  for (std::string_view tail : {"\xD0", "\xE2\x80", "\xF0\x9F\x98"}) {
    const std::string text = "звоните 89161234567 " + std::string(tail);
    EXPECT_EQ(MaskPersonalData(text).text, "звоните [ТЕЛЕФОН] " + std::string(tail));
  }
}

TEST(InvalidUtf8Test, RandomBytesChangeOnlyWhereValuesWereFound) {
  // Any bytes at all: no crash, and every byte outside the spans comes back as it was.
  std::mt19937 random(17);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 20; ++round) {
    std::string text(64 * 1024, '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    ExpectOnlySpansReplaced(text, MaskPersonalData(text));
  }
  // Digits, separators and broken bytes only: numbers found among the broken bytes.
  const std::string alphabet = "0123456789 -()+@.\xD0\xD1\xF0\x80";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string text(kMillion, '\0');
  for (char& c : text) c = alphabet[pick(random)];
  ExpectOnlySpansReplaced(text, MaskPersonalData(text));
}

}  // namespace
}  // namespace callbrief::privacy
