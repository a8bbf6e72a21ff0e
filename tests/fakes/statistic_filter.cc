#include "fakes/statistic_filter.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 13> kOperators = {"",    "!", "<", "<=", ">", ">=", "><",
                                                         "!><", "?", "=", "!=", "%", "!%"};

// Columns of the statistic table a filter may name, under their REST names.
constexpr std::array<std::string_view, 28> kFilterable = {"ID",
                                                          "CALL_ID",
                                                          "EXTERNAL_CALL_ID",
                                                          "CALL_CATEGORY",
                                                          "PORTAL_USER_ID",
                                                          "PORTAL_NUMBER",
                                                          "PHONE_NUMBER",
                                                          "CALL_TYPE",
                                                          "CALL_DURATION",
                                                          "CALL_START_DATE",
                                                          "CALL_LOG",
                                                          "CALL_RECORD_URL",
                                                          "CALL_VOTE",
                                                          "COST",
                                                          "COST_CURRENCY",
                                                          "CALL_FAILED_CODE",
                                                          "CALL_FAILED_REASON",
                                                          "CRM_ENTITY_TYPE",
                                                          "CRM_ENTITY_ID",
                                                          "CRM_ACTIVITY_ID",
                                                          "REST_APP_ID",
                                                          "REST_APP_NAME",
                                                          "TRANSCRIPT_ID",
                                                          "TRANSCRIPT_PENDING",
                                                          "SESSION_ID",
                                                          "REDIAL_ATTEMPT",
                                                          "COMMENT",
                                                          "RECORD_DURATION"};

constexpr std::array<std::string_view, 12> kNumeric = {"ID",
                                                       "PORTAL_USER_ID",
                                                       "CALL_TYPE",
                                                       "CALL_DURATION",
                                                       "CALL_VOTE",
                                                       "COST",
                                                       "CRM_ENTITY_ID",
                                                       "CRM_ACTIVITY_ID",
                                                       "TRANSCRIPT_ID",
                                                       "SESSION_ID",
                                                       "REDIAL_ATTEMPT",
                                                       "RECORD_DURATION"};

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The table's own column names that reach the same data.
std::string RowField(const std::string& field) {
  if (field == "INCOMING") return "CALL_TYPE";
  if (field == "CALL_WEBDAV_ID") return "RECORD_FILE_ID";
  return field;
}

bool IsKnownColumn(const std::string& field) {
  return Contains(kFilterable, field) || field == "INCOMING" || field == "CALL_WEBDAV_ID";
}

std::optional<std::string> Text(const json& value) { return PhpString(value); }

// Three-way comparison of a row value with a filter value; nullopt when either side is null or
// not comparable.
std::optional<int> Compare(const std::string& field, const std::string& row, const json& value) {
  std::optional<std::string> other = Text(value);
  if (!other) return std::nullopt;
  if (field == "CALL_START_DATE") {
    core::TimePoint a, b;
    if (!ParsePortalTime(row, &a) || !ParsePortalTime(*other, &b)) return std::nullopt;
    return a < b ? -1 : (b < a ? 1 : 0);
  }
  if (Contains(kNumeric, field) || field == "RECORD_FILE_ID") {
    double a = PhpFloatval(json(row));
    double b = PhpFloatval(json(*other));
    return a < b ? -1 : (b < a ? 1 : 0);
  }
  std::string a = AsciiLower(row);
  std::string b = AsciiLower(*other);
  return a < b ? -1 : (b < a ? 1 : 0);
}

std::vector<json> Elements(const json& value) {
  std::vector<json> out;
  if (IsPlainArray(value)) {
    for (const auto& item : value.items()) out.push_back(item.value());
  } else {
    out.push_back(value);
  }
  return out;
}

bool Equal(const std::string& field, const std::optional<std::string>& row, const json& value) {
  for (const json& element : Elements(value)) {
    if (PhpEmptyString(&element)) {
      if (!row || row->empty()) return true;
      continue;
    }
    if (row && Compare(field, *row, element) == 0) return true;
  }
  return false;
}

bool Like(const std::optional<std::string>& row, const json& value) {
  std::optional<std::string> needle = Text(value);
  if (!row || !needle) return false;
  return AsciiLower(*row).find(AsciiLower(*needle)) != std::string::npos;
}

bool Between(const std::string& field, const std::optional<std::string>& row, const json& value) {
  std::vector<json> bounds = Elements(value);
  if (!row || bounds.size() != 2) return false;
  std::optional<int> low = Compare(field, *row, bounds[0]);
  std::optional<int> high = Compare(field, *row, bounds[1]);
  return low && high && *low >= 0 && *high <= 0;
}

bool Satisfies(const FilterCondition& condition, const OrderedJson& row) {
  if (!condition.group.empty()) return MatchesFilter(condition.group, row, condition.group_or);
  std::string field = RowField(condition.field);
  std::optional<std::string> value;
  auto it = row.find(field);
  if (it != row.end() && it->is_string()) value = it->get<std::string>();
  if (it != row.end() && it->is_number_integer()) value = std::to_string(it->get<std::int64_t>());
  const std::string& op = condition.op;
  if (op == "=") return Equal(field, value, condition.value);
  if (op == "!" || op == "!=") return !Equal(field, value, condition.value);
  if (op == "%" || op == "?") return Like(value, condition.value);
  if (op == "!%") return !Like(value, condition.value);
  if (op == "><") return Between(field, value, condition.value);
  if (op == "!><") return !Between(field, value, condition.value);
  if (!value) return false;
  std::optional<int> order = Compare(field, *value, condition.value);
  if (!order) return false;
  if (op == "<") return *order < 0;
  if (op == "<=") return *order <= 0;
  if (op == ">") return *order > 0;
  return *order >= 0;  // ">="
}

core::Status CheckDates(const FilterCondition& condition) {
  if (RowField(condition.field) != "CALL_START_DATE") return core::Ok();
  for (const json& element : Elements(condition.value)) {
    std::optional<std::string> text = Text(element);
    core::TimePoint ignored;
    if (!text || !ParsePortalTime(*text, &ignored)) {
      return core::Error::Permanent("Invalid value of CALL_START_DATE: expected ISO-8601 datetime");
    }
  }
  return core::Ok();
}

}  // namespace

core::Result<std::vector<FilterCondition>> ParseStatisticFilter(const json& filter) {
  std::vector<FilterCondition> conditions;
  if (!filter.is_object() && !filter.is_array()) return conditions;
  json keys = json::object();  // As array_change_key_case(CASE_UPPER); lists keep index keys.
  for (const auto& item : filter.items()) keys[AsciiUpper(item.key())] = item.value();
  for (const auto& item : keys.items()) {
    const std::string& key = item.key();
    if (item.value().is_object() && !IsPlainArray(item.value())) {
      auto group = ParseStatisticFilter(item.value());
      if (!group.ok()) return group.error();
      if (group->empty()) continue;
      FilterCondition nested;
      nested.group = std::move(*group);
      json group_keys = UpperCaseKeys(item.value());
      const json* logic = Param(group_keys, "LOGIC");
      nested.group_or = logic != nullptr && EqualsIgnoreCase(PhpString(*logic).value_or(""), "OR");
      conditions.push_back(std::move(nested));
      continue;
    }
    if (key == "LOGIC") continue;
    std::size_t letters = 0;
    while (letters < key.size() && !std::isalpha(static_cast<unsigned char>(key[letters]))) {
      ++letters;
    }
    FilterCondition condition;
    condition.op = key.substr(0, letters);
    condition.field = key.substr(letters);
    if (!Contains(kOperators, condition.op)) continue;  // Dropped silently, as the portal does.
    // A field the table lacks is dropped too: vi_rest.php checkStatisticFilter unsets every key
    // whose field StatisticTable::getEntity()->hasField() denies, so a misspelt field filters
    // nothing rather than failing.
    if (!IsKnownColumn(condition.field)) continue;
    if (condition.op.empty()) condition.op.push_back('=');
    condition.value = item.value();
    if (core::Status dates = CheckDates(condition); !dates.ok()) return dates.error();
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

bool MatchesFilter(const std::vector<FilterCondition>& conditions, const OrderedJson& row,
                   bool any) {
  if (conditions.empty()) return true;
  for (const FilterCondition& condition : conditions) {
    if (Satisfies(condition, row) == any) return any;
  }
  return !any;
}

core::Result<StatisticOrder> ParseStatisticOrder(const json* sort, const json* order) {
  // vi_rest.php statisticGet: a SORT or ORDER that is not a string is unset; SORT passes
  // filterSortParam only when StatisticTable has that field (as spelt, after trim), ORDER passes
  // filterOrderParam only when it is exactly "ASC" or "DESC"; anything else means no ORDER BY,
  // and the rows come in table order (ID ascending). Nothing here is an error.
  StatisticOrder result;
  if (sort == nullptr || order == nullptr || !sort->is_string() || !order->is_string()) {
    return result;
  }
  auto trim = [](std::string text) {
    const char* space = " \t\n\r\v";
    text.erase(0, text.find_first_not_of(space));
    text.erase(text.find_last_not_of(space) + 1);
    return text;
  };
  std::string field = trim(sort->get<std::string>());
  std::string direction = trim(order->get<std::string>());
  // CALL_TYPE is a filter alias of the INCOMING column only; the table has no such field.
  if (field == "CALL_TYPE" || !IsKnownColumn(field) ||
      (direction != "ASC" && direction != "DESC")) {
    return result;
  }
  result.field = RowField(field);
  result.descending = direction == "DESC";
  return result;
}

bool RowBefore(const OrderedJson& a, const OrderedJson& b, const StatisticOrder& order) {
  auto text = [&](const OrderedJson& row) -> std::optional<std::string> {
    auto it = row.find(order.field);
    if (it != row.end() && it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    if (it == row.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  std::optional<std::string> x = text(a);
  std::optional<std::string> y = text(b);
  int cmp = 0;
  if (!x || !y) {
    cmp = (x ? 1 : 0) - (y ? 1 : 0);  // Nulls first.
  } else {
    cmp = Compare(order.field, *x, json(*y)).value_or(0);
  }
  if (order.descending) cmp = -cmp;
  if (cmp != 0) return cmp < 0;
  return PhpIntval(json(a["ID"].get<std::string>())) < PhpIntval(json(b["ID"].get<std::string>()));
}

}  // namespace callbrief::fakes
