#include "fakes/rest_support.h"

#include <cctype>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr std::chrono::seconds kPortalOffset{3 * 3600};

bool HasOffset(std::string_view text) {
  return text.size() > 19 &&
         (text.back() == 'Z' || text.find_first_of("+-", 19) != std::string_view::npos);
}

}  // namespace

std::string FormatPortalTime(core::TimePoint t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t + kPortalOffset);
  std::time_t tt = static_cast<std::time_t>(seconds.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+03:00", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool ParsePortalTime(std::string_view text, core::TimePoint* out) {
  std::string normal(text);
  if (normal.size() == 10) normal += "T00:00:00";
  if (normal.size() >= 19 && normal[10] == ' ') normal[10] = 'T';
  if (HasOffset(normal)) return core::ParseIso8601(normal, out);
  core::TimePoint as_utc;
  if (!core::ParseIso8601(normal, &as_utc)) return false;
  *out = as_utc - kPortalOffset;
  return true;
}

MethodReply Success(OrderedJson result) {
  MethodReply reply;
  reply.body["result"] = std::move(result);
  return reply;
}

MethodReply Failure(int status, std::string error, std::string description) {
  MethodReply reply;
  reply.status = status;
  reply.body["error"] = std::move(error);
  reply.body["error_description"] = std::move(description);
  return reply;
}

MethodReply NumericFailure(int status, std::int64_t error, std::string description) {
  MethodReply reply;
  reply.status = status;
  reply.body["error"] = error;
  reply.body["error_description"] = std::move(description);
  return reply;
}

MethodReply CoreError(std::string description) {
  return Failure(400, "ERROR_CORE", std::move(description));
}

PageRequest ReadStart(const json& params) {
  PageRequest page;
  const json* start = Param(params, "start");
  if (start == nullptr) return page;
  std::int64_t value = PhpIntval(*start);
  if (value == -1) {
    page.count_total = false;
  } else if (value > 0) {
    page.offset = static_cast<std::size_t>(value);
  }
  return page;
}

MethodReply ListReply(std::vector<OrderedJson> rows, PageRequest page) {
  OrderedJson slice = OrderedJson::array();
  for (std::size_t i = page.offset; i < rows.size() && i < page.offset + kPageSize; ++i) {
    slice.push_back(std::move(rows[i]));
  }
  MethodReply reply = Success(std::move(slice));
  if (page.count_total) {
    if (page.offset + kPageSize < rows.size()) reply.body["next"] = page.offset + kPageSize;
    reply.body["total"] = rows.size();
  }
  return reply;
}

OrderedJson TimeBlock(core::TimePoint start, core::TimePoint finish) {
  auto seconds = [](core::TimePoint t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
  };
  double duration = seconds(finish) - seconds(start);
  OrderedJson time;
  time["start"] = seconds(start);
  time["finish"] = seconds(finish);
  time["duration"] = duration;
  time["processing"] = duration * 0.8;
  time["date_start"] = FormatPortalTime(start);
  time["date_finish"] = FormatPortalTime(finish);
  time["operating_reset_at"] = static_cast<std::int64_t>(seconds(start)) + 600;
  time["operating"] = 0;
  return time;
}

const json* Param(const json& params, std::string_view key) {
  if (!params.is_object()) return nullptr;
  auto it = params.find(std::string(key));
  return it == params.end() ? nullptr : &*it;
}

std::optional<std::string> PhpString(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
      return std::string(value.get<bool>() ? "1" : "");
    case json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case json::value_t::number_float:
      return fmt::format("{}", value.get<double>());
    default:
      return std::nullopt;
  }
}

double PhpFloatval(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (!value.is_string()) return 0;
  const std::string& text = value.get_ref<const std::string&>();
  std::size_t i = text.find_first_not_of(" \t\n\r\v\f");
  if (i == std::string::npos) return 0;
  char c = text[i];
  if (!std::isdigit(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return 0;
  return std::strtod(text.c_str() + i, nullptr);
}

std::int64_t PhpIntval(const json& value) {
  double number = PhpFloatval(value);
  if (number >= 9.2e18 || number <= -9.2e18) return 0;
  return static_cast<std::int64_t>(number);
}

bool PhpEmptyString(const json* value) {
  if (value == nullptr || value->is_null()) return true;
  if (value->is_boolean()) return !value->get<bool>();
  return value->is_string() && value->get_ref<const std::string&>().empty();
}

json UpperCaseKeys(const json& object) {
  if (!object.is_object()) return object;
  json upper = json::object();
  for (const auto& item : object.items()) upper[AsciiUpper(item.key())] = item.value();
  return upper;
}

bool IsPlainArray(const json& value) {
  if (value.is_array()) return true;
  if (!value.is_object()) return false;
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    if (key.empty()) return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(key[i])) && !(i == 0 && key[i] == '-')) {
        return false;
      }
    }
  }
  return true;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

std::string FormatCost(double cost) { return fmt::format("{:.4f}", cost); }

}  // namespace callbrief::fakes
