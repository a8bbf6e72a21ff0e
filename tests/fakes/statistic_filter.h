#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "fakes/rest_support.h"

// FILTER, SORT and ORDER of voximplant.statistic.get, read as vi_rest.php reads them
// (checkStatisticFilter) and applied as the ORM would apply them. Internal to the fake.
namespace callbrief::fakes {

struct FilterCondition {
  std::string op;     // "=", "!", "!=", "<", "<=", ">", ">=", "><", "!><", "%", "!%", "?".
  std::string field;  // A field of the statistic row.
  nlohmann::json value;
  std::vector<FilterCondition> group;  // Non-empty: a nested filter; op/field/value unused.
  bool group_or = false;               // The nested filter's LOGIC is OR.
};

// Keys are uppercased; the operator is the leading run of non-letters and a key whose operator
// is not one of Bitrix's is dropped without a word (so a typo means "no filter"); no operator
// means "=". A nested object that is not a plain list is a sub-filter (with optional LOGIC). A
// field the statistic table does not have (RECORD_FILE_ID is returned but not filterable) is
// dropped silently too (vi_rest.php checkStatisticFilter). The one error, as the ORM raises it:
// a CALL_START_DATE value that is not a datetime.
core::Result<std::vector<FilterCondition>> ParseStatisticFilter(const nlohmann::json& filter);

// Whether a formatted statistic row (values strings or null) satisfies every condition (or, for an
// OR group, any). Strings compare without regard to case, as MySQL's collation does; numeric
// fields as numbers; CALL_START_DATE as points in time. A null field satisfies only "empty"
// equality and the negated operators.
bool MatchesFilter(const std::vector<FilterCondition>& conditions, const OrderedJson& row,
                   bool any = false);

struct StatisticOrder {
  std::string field = "ID";
  bool descending = false;
};

// SORT and ORDER apply only together (vi_rest.php: `if ($sort && $order)`); otherwise rows come
// in table order, which is ID ascending. A SORT field the table lacks (including CALL_TYPE, which
// is INCOMING inside) or in another letter case, and an ORDER other than exactly "ASC" or "DESC",
// are dropped (filterSortParam, filterOrderParam): no error, no sort. Never fails today.
core::Result<StatisticOrder> ParseStatisticOrder(const nlohmann::json* sort,
                                                 const nlohmann::json* order);

// Strict weak order of rows for `order`; nulls first when ascending, ties by ID.
bool RowBefore(const OrderedJson& a, const OrderedJson& b, const StatisticOrder& order);

}  // namespace callbrief::fakes
