#include "asr/hallucination.h"

#include <gtest/gtest.h>

namespace callbrief::asr {
namespace {

TEST(NormalizeForComparisonTest, LowersCasesFoldsYoAndCollapsesPunctuation) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Продолжение следует...", "продолжение следует"},
      {"  ЁЛКИ, Палки!  ", "елки палки"},
      {"Thank you for watching!", "thank you for watching"},
      {"Субтитры сделал DimaTorzok", "субтитры сделал dimatorzok"},
      {"…", ""},
      {"Цена 3.5 тыс.", "цена 3 5 тыс"},
  };
  for (const auto& c : cases) EXPECT_EQ(NormalizeForComparison(c.in), c.out) << c.in;
}

TEST(IsKnownHallucinationTest, MatchesWholeInventedPhrases) {
  for (const char* text : {
           "Продолжение следует...",
           "ПРОДОЛЖЕНИЕ СЛЕДУЕТ",
           "Субтитры сделал DimaTorzok",
           "Субтитры создавал DimaTorzok",
           "Редактор субтитров А.Семкин Корректор А.Егорова",
           "Спасибо за просмотр!",
           "Подписывайтесь на канал",
           "Thanks for watching!",
           "Субтитры подготовлены сообществом Amara.org",
       }) {
    EXPECT_TRUE(IsKnownHallucination(text)) << text;
  }
}

TEST(IsKnownHallucinationTest, LeavesRealSpeechAlone) {
  for (const char* text : {
           "Продолжение следует обсудить завтра с директором",
           "Спасибо, до свидания",
           "Спасибо",
           "Да, подписывайте договор",
           "Корректор газа нужен к пятнице",
           "",
       }) {
    EXPECT_FALSE(IsKnownHallucination(text)) << text;
  }
}

}  // namespace
}  // namespace callbrief::asr
