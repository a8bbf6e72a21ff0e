#pragma once

#include <string>
#include <string_view>

namespace callbrief::asr {

// `text` reduced for comparison: lower case (Latin and Cyrillic, ё → е), every run of characters
// that are not letters or digits turned into one space, trimmed. "Продолжение следует..." →
// "продолжение следует".
std::string NormalizeForComparison(std::string_view text);

// True when the whole of `text` is a phrase Whisper invents on silence or music: subtitle credits
// ("Субтитры сделал DimaTorzok", "Редактор субтитров …", "Субтитры создавал …"), "Продолжение
// следует…", "Спасибо за просмотр", "Подписывайтесь на канал", their English counterparts, and
// anything naming amara.org. A phrase inside a longer real sentence is not matched.
bool IsKnownHallucination(std::string_view text);
// The same for a text already passed through NormalizeForComparison.
bool IsKnownHallucinationNormalized(std::string_view normal);

}  // namespace callbrief::asr
