#include "privacy/pii_mask.h"

#include <gtest/gtest.h>

namespace callbrief::privacy {
namespace {

std::string Masked(std::string_view text) { return MaskPersonalData(text).text; }

// Valid numbers used below (checksums as in bench/privacy/make_corpus.py):
// card 4276 1600 1234 5675 (Luhn), SNILS 112-233-445 95, INN 7707083893 (10 digits) and
// 500100732259 (12 digits).

TEST(PhoneTest, WrittenFormatsAreMasked) {
  EXPECT_EQ(Masked("мой номер +7 916 123-45-67, звоните"), "мой номер [ТЕЛЕФОН], звоните");
  EXPECT_EQ(Masked("8 (916) 123-45-67"), "[ТЕЛЕФОН]");
  EXPECT_EQ(Masked("89161234567"), "[ТЕЛЕФОН]");
  EXPECT_EQ(Masked("бесплатный 8-800-555-35-35"), "бесплатный [ТЕЛЕФОН]");
  EXPECT_EQ(Masked("мобильный 916 123 45 67"), "мобильный [ТЕЛЕФОН]");
  EXPECT_EQ(Masked("городской 123-45-67"), "городской [ТЕЛЕФОН]");
}

TEST(PhoneTest, SpokenRussianNumeralsAreMasked) {
  EXPECT_EQ(Masked("восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"),
            "[ТЕЛЕФОН]");
  EXPECT_EQ(Masked("Запишите: плюс семь девятьсот шестнадцать сто двадцать три сорок пять "
                   "шестьдесят семь."),
            "Запишите: [ТЕЛЕФОН].");
  EXPECT_EQ(Masked("восемь девять один шесть один два три четыре пять шесть семь"), "[ТЕЛЕФОН]");
}

TEST(PhoneTest, DigitsAndWordsMixedAreMasked) {
  EXPECT_EQ(Masked("да, восемь 916 сто двадцать три 45 67, да"), "да, [ТЕЛЕФОН], да");
}

TEST(CardTest, LuhnValidNumberIsMasked) {
  EXPECT_EQ(Masked("карта 4276 1600 1234 5675"), "карта [КАРТА]");
  EXPECT_EQ(Masked("4276160012345675"), "[КАРТА]");
}

TEST(CardTest, LuhnInvalidNumberIsKept) {
  EXPECT_EQ(Masked("карта 4276 1600 1234 5678"), "карта 4276 1600 1234 5678");
}

TEST(PassportTest, SeriesAndNumberAreMasked) {
  EXPECT_EQ(Masked("паспорт серия 45 12 номер 345678"), "паспорт серия [ПАСПОРТ]");
  EXPECT_EQ(Masked("данные 4512 345678"), "данные [ПАСПОРТ]");
  EXPECT_EQ(Masked("номер паспорта 4512345678"), "номер паспорта [ПАСПОРТ]");
}

TEST(SnilsTest, ValidChecksumIsMasked) {
  EXPECT_EQ(Masked("СНИЛС 112-233-445 95"), "СНИЛС [СНИЛС]");
  EXPECT_EQ(Masked("снилс 11223344595"), "снилс [СНИЛС]");
}

TEST(SnilsTest, InvalidChecksumIsKept) {
  EXPECT_EQ(Masked("СНИЛС 112-233-445 96"), "СНИЛС 112-233-445 96");
}

TEST(InnTest, ValidChecksumsAreMasked) {
  EXPECT_EQ(Masked("ИНН 7707083893"), "ИНН [ИНН]");
  EXPECT_EQ(Masked("инн 500100732259"), "инн [ИНН]");
  EXPECT_EQ(Masked("реквизиты 500100732259"), "реквизиты [ИНН]");
}

TEST(InnTest, InvalidChecksumsAreKept) {
  EXPECT_EQ(Masked("ИНН 7707083894"), "ИНН 7707083894");
  EXPECT_EQ(Masked("ИНН 500100732258"), "ИНН 500100732258");
}

TEST(EmailTest, WrittenAndSpokenAddressesAreMasked) {
  EXPECT_EQ(Masked("пишите на ivan.petrov@mail.ru."), "пишите на [EMAIL].");
  EXPECT_EQ(Masked("почта иванов собака яндекс точка ру, записали?"), "почта [EMAIL], записали?");
}

TEST(EmailTest, AtSignWithoutDomainIsKept) {
  EXPECT_EQ(Masked("упомяните @callbrief в чате"), "упомяните @callbrief в чате");
  EXPECT_EQ(Masked("собака лает"), "собака лает");
}

TEST(AddressTest, StreetWithHouseAndFlatIsMasked) {
  EXPECT_EQ(Masked("доставьте на ул. Ленина, д. 5, кв. 12, пожалуйста"),
            "доставьте на [АДРЕС], пожалуйста");
  EXPECT_EQ(Masked("живу на улице Маршала Жукова дом двенадцать корпус два"), "живу на [АДРЕС]");
  EXPECT_EQ(Masked("офис на Ленинском проспекте 15"), "офис на [АДРЕС]");
  EXPECT_EQ(Masked("Тверская улица, дом 7"), "[АДРЕС]");
  EXPECT_EQ(Masked("пр-т Мира 21"), "[АДРЕС]");
}

TEST(AddressTest, HouseWithFlatWithoutStreetIsMasked) {
  EXPECT_EQ(Masked("это дом 5, квартира 12"), "это [АДРЕС]");
}

TEST(AddressTest, StreetWordWithoutNameIsKept) {
  EXPECT_EQ(Masked("я сейчас на улице, плохо слышно"), "я сейчас на улице, плохо слышно");
  EXPECT_EQ(Masked("дом сдан в прошлом году"), "дом сдан в прошлом году");
}

TEST(NoFalsePositiveTest, OrdinaryNumbersAreKept) {
  for (std::string_view text : {
           "стоимость 12 500 рублей, со скидкой 11 990",
           "заказ номер 458213 от 12.05.2024",
           "перезвоню в 14:30, разговор шёл 3 минуты 45 секунд",
           "нужно 250 штук по 1 200 рублей",
           "в двадцать двадцать третьем году",
           "сто двадцать пять тысяч рублей за тридцать два дня",
           "артикул AB12345678901",
           "доставка 15 декабря с 10 до 18",
       }) {
    EXPECT_EQ(Masked(text), text);
  }
}

TEST(ReportTest, CountsEveryTypeAndNeverKeepsValues) {
  const MaskResult result = MaskPersonalData(
      "телефон 89161234567 и 8 916 765 43 21, почта a@b.ru, ИНН 7707083893, просто 42");
  EXPECT_EQ(result.counts.at(PiiType::kPhone), 2);
  EXPECT_EQ(result.counts.at(PiiType::kEmail), 1);
  EXPECT_EQ(result.counts.at(PiiType::kInn), 1);
  EXPECT_FALSE(result.counts.contains(PiiType::kCard));
  EXPECT_EQ(result.total(), 4);
  EXPECT_EQ(result.text, "телефон [ТЕЛЕФОН] и [ТЕЛЕФОН], почта [EMAIL], ИНН [ИНН], просто 42");
  ASSERT_EQ(result.spans.size(), 4u);
  EXPECT_EQ(result.spans[0].begin, std::string_view("телефон ").size());
}

TEST(ReportTest, MaskingTwiceChangesNothing) {
  const std::string once = Masked("ул. Ленина, д. 5; +7 916 123-45-67; ivan@mail.ru");
  const MaskResult twice = MaskPersonalData(once);
  EXPECT_EQ(twice.text, once);
  EXPECT_EQ(twice.total(), 0);
}

TEST(ReportTest, PlaceholdersAreCountedInMaskedText) {
  const std::string masked = Masked("8 916 123 45 67 или 8 916 765 43 21, ivan@mail.ru");
  const std::map<PiiType, int> counts = CountPlaceholders(masked);
  EXPECT_EQ(counts, (std::map<PiiType, int>{{PiiType::kPhone, 2}, {PiiType::kEmail, 1}}));
  EXPECT_TRUE(CountPlaceholders("ничего нет").empty());
}

TEST(ReportTest, TypeNamesRoundTrip) {
  for (PiiType type : {PiiType::kPhone, PiiType::kCard, PiiType::kPassport, PiiType::kSnils,
                       PiiType::kInn, PiiType::kEmail, PiiType::kAddress}) {
    EXPECT_EQ(PiiTypeFromName(PiiTypeName(type)), type);
  }
  EXPECT_EQ(PiiTypeFromName("name"), std::nullopt);
}

TEST(ChecksumTest, KnownNumbers) {
  EXPECT_TRUE(LuhnValid("4276160012345675"));
  EXPECT_FALSE(LuhnValid("4276160012345678"));
  EXPECT_TRUE(SnilsValid("11223344595"));
  EXPECT_FALSE(SnilsValid("11223344596"));
  EXPECT_FALSE(SnilsValid("00100100000"));  // Below the checksummed range.
  EXPECT_TRUE(InnValid("7707083893"));
  EXPECT_TRUE(InnValid("500100732259"));
  EXPECT_FALSE(InnValid("500100732250"));
  EXPECT_FALSE(InnValid("77070838"));
}

TEST(Utf8Test, TextAroundSpansIsKeptByteForByte) {
  EXPECT_EQ(Masked("Ёлки — «89161234567» — ёж"), "Ёлки — «[ТЕЛЕФОН]» — ёж");
}

}  // namespace
}  // namespace callbrief::privacy
