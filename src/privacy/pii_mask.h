#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Personal-data masking before text leaves for a language model (issue 17, item 5; 152-FZ limits
// sending personal data abroad). Pure functions, no I/O, no state: thread-safe.
namespace callbrief::privacy {

// What a placeholder stands for. The report names the type (PiiTypeName), never the value.
enum class PiiType { kPhone, kCard, kPassport, kSnils, kInn, kEmail, kAddress };

// "phone", "card", "passport", "snils", "inn", "email", "address".
std::string_view PiiTypeName(PiiType type);
std::optional<PiiType> PiiTypeFromName(std::string_view name);
// The text put in place of a value: "[ТЕЛЕФОН]", "[КАРТА]", "[ПАСПОРТ]", "[СНИЛС]", "[ИНН]",
// "[EMAIL]", "[АДРЕС]".
std::string_view Placeholder(PiiType type);

// One replaced value: its bytes [begin, end) in the input text.
struct PiiSpan {
  size_t begin = 0;
  size_t end = 0;
  PiiType type = PiiType::kPhone;
};

struct MaskResult {
  std::string text{};               // The input with every span replaced by its placeholder.
  std::map<PiiType, int> counts{};  // Spans per type; types with none are absent.
  std::vector<PiiSpan> spans{};     // In input order, never overlapping.
  int total() const;
};

// Finds and replaces, in UTF-8 Russian (or English) call speech:
// - phone numbers: 11 digits starting 7/8 (+7, 8 (916) 123-45-67, 8-800-…), 10 digits with a
//   Russian area code grouped like a phone (916 123 45 67), 7 digits grouped 3-2-2 (123-45-67);
//   digits may be spelled out or mixed ("восемь девятьсот шестнадцать сто двадцать три 45 67");
// - bank cards: 13–19 digits passing the Luhn check;
// - passports: 10 digits grouped 2-2-6 or 4-6, or after "паспорт"/"серия" ("серия 45 12 номер
//   345678");
// - SNILS: 11 digits with a valid SNILS checksum, grouped 3-3-3 2 or after "СНИЛС";
// - INN: 10 or 12 digits with a valid INN checksum (an ungrouped 10-digit number starting with 9
//   is taken for a phone unless "ИНН" precedes it);
// - e-mail addresses, written (ivan.petrov@mail.ru) or spoken ("иванов собака яндекс точка ру");
// - street addresses: a street marker (улица, ул., проспект, пр-т, переулок, бульвар, шоссе,
//   набережная, проезд, …) with the street's name and the house, building and flat that follow;
//   and "дом N … квартира M" without a street.
// Numbers failing their checksum, prices, dates, times, durations and counts are left alone.
// Placeholders already in the text are not matched again, so masking twice changes nothing.
// A text over 1 MiB (never speech: forty hours of it are 4 MB) is masked in pieces cut at a line,
// sentence or word end, so memory stays bounded whatever a server answers.
MaskResult MaskPersonalData(std::string_view text);

// Placeholders in `text`, per type: what a masked text holds, however many times it was masked.
std::map<PiiType, int> CountPlaceholders(std::string_view text);

// The checks, exposed for tests. Arguments are strings of ASCII digits only.
bool LuhnValid(std::string_view digits);   // Bank cards (ISO/IEC 7812-1).
bool SnilsValid(std::string_view digits);  // 11 digits.
bool InnValid(std::string_view digits);    // 10 (organisation) or 12 (person) digits.

}  // namespace callbrief::privacy
