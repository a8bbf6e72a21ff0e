#include "bitrix/json_fields.h"

#include <charconv>

#include <fmt/format.h>

namespace callbrief::bitrix {

std::string TextField(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number()) return fmt::format("{}", it->get<double>());
  if (it->is_boolean()) return it->get<bool>() ? "1" : "0";
  return "";
}

std::optional<std::int64_t> IntegerField(const nlohmann::json& object, const char* name,
                                         bool* malformed) {
  std::string text = TextField(object, name);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    if (malformed) *malformed = true;
    return std::nullopt;
  }
  return value;
}

}  // namespace callbrief::bitrix
