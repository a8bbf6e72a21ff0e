// crm.activity.get, crm.activity.binding.list, crm.timeline.comment.add/list (reference §5).
// The old CRM REST proxy answers errors with an empty `error` code and the text in
// `error_description` (crm.activity.get docs); the newer controllers use codes.

#include <algorithm>
#include <string>

#include "fakes/rest_methods.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

std::string Str(std::int64_t value) { return std::to_string(value); }

const json* EitherCase(const json& params, std::string_view lower) {
  const json* value = Param(params, lower);
  return value != nullptr ? value : Param(params, AsciiUpper(lower));
}

OrderedJson ActivityFields(const CrmActivity& activity) {
  OrderedJson a;
  a["ID"] = Str(activity.id);
  a["OWNER_ID"] = Str(activity.owner_id);
  a["OWNER_TYPE_ID"] = Str(static_cast<int>(activity.owner_type));
  a["TYPE_ID"] = "2";
  a["PROVIDER_ID"] = "VOXIMPLANT_CALL";
  a["PROVIDER_TYPE_ID"] = "CALL";
  a["PROVIDER_GROUP_ID"] = nullptr;
  a["ASSOCIATED_ENTITY_ID"] = "0";
  a["SUBJECT"] = activity.subject;
  a["CREATED"] = FormatPortalTime(activity.end);
  a["LAST_UPDATED"] = FormatPortalTime(activity.end);
  a["START_TIME"] = FormatPortalTime(activity.start);
  a["END_TIME"] = FormatPortalTime(activity.end);
  a["DEADLINE"] = FormatPortalTime(activity.start);
  a["COMPLETED"] = activity.completed ? "Y" : "N";
  a["STATUS"] = activity.completed ? "2" : "1";
  a["RESPONSIBLE_ID"] = Str(activity.responsible_id);
  a["PRIORITY"] = "2";
  a["NOTIFY_TYPE"] = "0";
  a["NOTIFY_VALUE"] = "0";
  a["DESCRIPTION"] = "";
  a["DESCRIPTION_TYPE"] = "1";
  a["DIRECTION"] = Str(activity.direction);
  a["LOCATION"] = "";
  a["SETTINGS"] = OrderedJson::array();
  a["ORIGINATOR_ID"] = "";
  a["ORIGIN_ID"] = "VI_" + activity.call_id;
  a["AUTHOR_ID"] = Str(activity.responsible_id);
  a["EDITOR_ID"] = Str(activity.responsible_id);
  a["PROVIDER_PARAMS"] = OrderedJson::array();
  a["PROVIDER_DATA"] = nullptr;
  a["RESULT_MARK"] = "0";
  a["RESULT_VALUE"] = nullptr;
  a["RESULT_SUM"] = nullptr;
  a["RESULT_CURRENCY_ID"] = nullptr;
  a["RESULT_STATUS"] = "0";
  a["RESULT_STREAM"] = "0";
  a["RESULT_SOURCE_ID"] = nullptr;
  a["AUTOCOMPLETE_RULE"] = "0";
  a["BINDINGS"] = OrderedJson::array();
  for (const auto& [type, id] : activity.bindings) {
    a["BINDINGS"].push_back(
        {{"OWNER_ID", Str(id)}, {"OWNER_TYPE_ID", Str(static_cast<int>(type))}});
  }
  return a;
}

OrderedJson CommentRow(const TimelineComment& comment) {
  OrderedJson row;
  row["ID"] = Str(comment.id);
  row["ENTITY_ID"] = Str(comment.entity_id);
  row["ENTITY_TYPE"] = comment.entity_type;
  row["CREATED"] = FormatPortalTime(comment.created);
  row["COMMENT"] = comment.comment;
  row["AUTHOR_ID"] = Str(comment.author_id);
  row["FILES"] = OrderedJson::array();  // PHP's empty array.
  return row;
}

// `order` of crm.timeline.comment.list: {"ID"|"CREATED"|"AUTHOR_ID": "ASC"|"DESC"}; other keys
// are ignored. Default ID ascending.
bool CommentBefore(const TimelineComment& a, const TimelineComment& b, const json* order) {
  if (order != nullptr && order->is_object()) {
    json keys = UpperCaseKeys(*order);
    for (const auto& item : keys.items()) {
      bool desc = EqualsIgnoreCase(PhpString(item.value()).value_or(""), "DESC");
      int cmp = 0;
      if (item.key() == "ID") cmp = (a.id > b.id) - (a.id < b.id);
      if (item.key() == "CREATED") cmp = (a.created > b.created) - (a.created < b.created);
      if (item.key() == "AUTHOR_ID")
        cmp = (a.author_id > b.author_id) - (a.author_id < b.author_id);
      if (desc) cmp = -cmp;
      if (cmp != 0) return cmp < 0;
    }
  }
  return a.id < b.id;
}

OrderedJson Select(OrderedJson row, const json* select) {
  if (select == nullptr || !IsPlainArray(*select) || select->empty()) return row;
  OrderedJson picked;
  for (const auto& item : select->items()) {
    std::string name = AsciiUpper(PhpString(item.value()).value_or(""));
    if (name == "*") return row;
    if (row.contains(name)) picked[name] = row[name];
  }
  return picked;
}

}  // namespace

MethodReply ActivityGet(Portal& portal, const MethodCall& call) {
  const json* id = EitherCase(call.params, "id");
  std::int64_t activity_id = id != nullptr ? PhpIntval(*id) : 0;
  if (activity_id <= 0) return Failure(400, "", "ID is not defined or invalid.");
  auto it = portal.activities.find(activity_id);
  if (it == portal.activities.end()) return Failure(400, "", "Activity is not found.");
  return Success(ActivityFields(it->second));
}

// api-reference/crm/timeline/activities/binding/crm-activity-binding-list.md: every binding as
// {"entityTypeId": int, "entityId": int}, the activity's owner among them; a missing activityId is
// code 100 (a JSON number, see NumericFailure), an unknown activity NOT_FOUND "Element not found".
MethodReply ActivityBindingList(Portal& portal, const MethodCall& call) {
  const json* id = Param(call.params, "activityId");
  if (id == nullptr) {
    return NumericFailure(400, 100, "Could not find value for parameter {activityId}");
  }
  auto it = portal.activities.find(PhpIntval(*id));
  if (it == portal.activities.end()) return Failure(400, "NOT_FOUND", "Element not found");
  OrderedJson rows = OrderedJson::array();
  for (const auto& [type, entity] : it->second.bindings) {
    rows.push_back({{"entityTypeId", static_cast<int>(type)}, {"entityId", entity}});
  }
  return Success(std::move(rows));
}

MethodReply TimelineCommentAdd(Portal& portal, const MethodCall& call) {
  // Since crm 23.100.0 only the lowercase key is read; FIELDS/Fields/arFields are not.
  const json* fields = Param(call.params, "fields");
  if (fields == nullptr || !fields->is_object()) {
    // Code 100 (api-reference/crm/timeline/comments/crm-timeline-comment-add.md, "Possible Error
    // Codes") is a number on the wire: see NumericFailure.
    return NumericFailure(400, 100, "Required parameter \"fields\" is not set.");
  }
  const json* type = Param(*fields, "ENTITY_TYPE");
  const json* id = Param(*fields, "ENTITY_ID");
  std::int64_t entity_id = id != nullptr ? PhpIntval(*id) : 0;
  if (PhpEmptyString(type) || entity_id <= 0) {
    return NumericFailure(400, 100, "Required fields ENTITY_ID and ENTITY_TYPE are not set.");
  }
  std::optional<CrmOwnerType> owner = ParseCrmTypeName(PhpString(*type).value_or(""));
  if (!owner || !portal.EntityExists(*owner, entity_id)) {
    return Failure(400, "OWNER_NOT_FOUND", "Owner element not found.");
  }
  const json* text = Param(*fields, "COMMENT");
  if (PhpEmptyString(text) || !PhpString(*text)) {
    return Failure(400, "INVALID_ARG_VALUE", "Empty comment message.");
  }
  TimelineComment comment;
  comment.entity_type = AsciiLower(CrmTypeName(*owner));
  comment.entity_id = entity_id;
  comment.comment = *PhpString(*text);
  comment.author_id = portal.webhook_user_id;  // AUTHOR_ID in fields is not honoured.
  comment.created = call.now;
  return Success(portal.AddComment(std::move(comment)));
}

MethodReply TimelineCommentList(Portal& portal, const MethodCall& call) {
  const json* filter = EitherCase(call.params, "filter");
  json keys = filter != nullptr ? UpperCaseKeys(*filter) : json::object();
  const json* type = Param(keys, "ENTITY_TYPE");
  const json* id = Param(keys, "ENTITY_ID");
  if (PhpEmptyString(type) || id == nullptr || PhpIntval(*id) <= 0) {
    return Failure(400, "", "ENTITY_ID and ENTITY_TYPE must be set in filter.");
  }
  std::string entity_type = AsciiLower(PhpString(*type).value_or(""));
  std::int64_t entity_id = PhpIntval(*id);
  std::vector<const TimelineComment*> found;
  for (const TimelineComment& comment : portal.comments) {
    if (comment.entity_type == entity_type && comment.entity_id == entity_id) {
      found.push_back(&comment);
    }
  }
  const json* order = EitherCase(call.params, "order");
  std::stable_sort(found.begin(), found.end(),
                   [&](const auto* a, const auto* b) { return CommentBefore(*a, *b, order); });
  const json* select = EitherCase(call.params, "select");
  std::vector<OrderedJson> rows;
  for (const TimelineComment* comment : found) rows.push_back(Select(CommentRow(*comment), select));
  return ListReply(std::move(rows), ReadStart(call.params));
}

}  // namespace callbrief::fakes
