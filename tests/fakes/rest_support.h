#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"

// Pieces every emulated REST method shares: the answer envelope, paging, PHP's reading of
// parameters, and the portal's clock face. Internal to the fake.
namespace callbrief::fakes {

using OrderedJson = nlohmann::ordered_json;

inline constexpr std::size_t kPageSize = 50;  // Fixed by Bitrix24 for every list method.

// The portal's timezone is Moscow (+03:00), as in the reference examples.
// "2026-03-11T17:28:46+03:00".
std::string FormatPortalTime(core::TimePoint t);
// Reads a datetime as REST filters take it: ISO-8601 with an offset or "Z"; without one (also
// "YYYY-MM-DD hh:mm:ss" and "YYYY-MM-DD") it is portal time. False for anything else.
bool ParsePortalTime(std::string_view text, core::TimePoint* out);

// What a method answers: a status and the body without the "time" block, which the router adds
// to successful answers. Errors are {"error", "error_description"}.
struct MethodReply {
  int status = 200;
  OrderedJson body;
};

MethodReply Success(OrderedJson result);
MethodReply Failure(int status, std::string error, std::string description);
// A D7 controller's failure: the code is whatever Main\Error::getCode() held, an integer for most
// (rest/lib/engine/restmanager.php, createExceptionFromErrors, passes it to RestException
// unchanged and CRestServer prints it as it is), so `{"error":100,...}` with a JSON number.
MethodReply NumericFailure(int status, std::int64_t error, std::string description);
// The catch-all of Bitrix's core modules: HTTP 400 ERROR_CORE.
MethodReply CoreError(std::string description);

// The `start` parameter of list methods: an offset, or -1 for "no total".
struct PageRequest {
  std::size_t offset = 0;
  bool count_total = true;
};
PageRequest ReadStart(const nlohmann::json& params);
// One page of `rows` (all matching rows, in order) with "total" and, unless it is the last page,
// "next"; with start=-1 the first page and neither key.
MethodReply ListReply(std::vector<OrderedJson> rows, PageRequest page);

// The "time" block of the success envelope (reference §2.2).
OrderedJson TimeBlock(core::TimePoint start, core::TimePoint finish);

// Parameters as PHP sees them. `params` is always an object whose leaves are strings (form and
// query string) or JSON scalars (JSON body).
const nlohmann::json* Param(const nlohmann::json& params, std::string_view key);
// A scalar as PHP's (string) cast prints it; nullopt for null and containers.
std::optional<std::string> PhpString(const nlohmann::json& value);
// PHP's (int) cast: leading number of a string, truncated floats, 0 for anything else.
std::int64_t PhpIntval(const nlohmann::json& value);
double PhpFloatval(const nlohmann::json& value);
// PHP's loose `$value == ''`: absent, null, false and "" are empty; "0" and 0 are not.
bool PhpEmptyString(const nlohmann::json* value);
// array_change_key_case(CASE_UPPER) of an object; other values come back unchanged.
nlohmann::json UpperCaseKeys(const nlohmann::json& object);
// True for a JSON array or an object whose keys are all integers (PHP's list-like arrays).
bool IsPlainArray(const nlohmann::json& value);

std::string AsciiUpper(std::string_view text);
std::string AsciiLower(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// "0.0000": how MySQL's DECIMAL(18,4) COST column reads back.
std::string FormatCost(double cost);

}  // namespace callbrief::fakes
