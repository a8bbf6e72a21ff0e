#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "store/internal/driver.h"

namespace callbrief::store::internal {

bool Rows::IsNull(int row, int col) const {
  return std::holds_alternative<std::monostate>(At(row, col));
}

std::string Rows::Text(int row, int col) const {
  const Value& v = At(row, col);
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return {};
}

std::int64_t Rows::Int64(int row, int col) const {
  const Value& v = At(row, col);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* text = std::get_if<std::string>(&v)) {
    std::int64_t value = 0;
    std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
  }
  return 0;
}

double Rows::Double(int row, int col) const {
  const Value& v = At(row, col);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  // PostgreSQL writes the shortest text that reads back to the same double.
  if (const auto* text = std::get_if<std::string>(&v)) return std::strtod(text->c_str(), nullptr);
  return 0;
}

std::optional<std::int64_t> Rows::OptionalInt64(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int64(row, col);
}

std::optional<int> Rows::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

std::optional<double> Rows::OptionalDouble(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Double(row, col);
}

}  // namespace callbrief::store::internal
