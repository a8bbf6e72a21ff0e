#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace callbrief::bitrix {

// Bitrix24 sends scalars as PHP renders them: mostly strings ("135", "200"), sometimes numbers,
// null for absent values. These read a field of `object` whatever its JSON type.

// The field as text: strings as they are, numbers in decimal, "" for null, absent or containers.
std::string TextField(const nlohmann::json& object, const char* name);

// The field as a whole number; nullopt when absent, null, empty or "0"-less garbage. When the
// field is present but not a number, `*malformed` (if given) is set to true.
std::optional<std::int64_t> IntegerField(const nlohmann::json& object, const char* name,
                                         bool* malformed = nullptr);

}  // namespace callbrief::bitrix
