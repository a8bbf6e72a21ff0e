// tasks.task.add and tasks.task.list (scope `task`), after the Bitrix24 REST documentation
// (bitrix24/b24restdocs): api-reference/tasks/tasks-task-add.md, tasks-task-list.md and the field
// list, fields.md. Where those pages are silent the emulator says so next to its choice.

#include <algorithm>
#include <string>

#include "fakes/rest_methods.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

std::string Str(std::int64_t value) { return std::to_string(value); }

OrderedJson NullOr(const std::optional<core::TimePoint>& t) {
  return t ? OrderedJson(FormatPortalTime(*t)) : OrderedJson(nullptr);
}

// A user as the task answers embed it (fields.md, "Object with user description").
OrderedJson UserObject(const Portal& portal, std::int64_t id) {
  OrderedJson user;
  user["id"] = Str(id);
  auto it = portal.users.find(id);
  user["name"] = it != portal.users.end() ? it->second.name + " " + it->second.last_name : "";
  user["link"] = "/company/personal/user/" + Str(id) + "/";
  user["icon"] = "/bitrix/images/tasks/default_avatar.png";
  user["workPosition"] = it != portal.users.end() ? it->second.work_position : "";
  return user;
}

// The task as tasks.task.add answers it: the keys of the documented example answer that describe
// the task itself (tasks-task-add.md, "Response Handling"), camelCase, every scalar a string.
OrderedJson TaskObject(const Portal& portal, const PortalTask& task) {
  OrderedJson t;
  t["id"] = Str(task.id);
  t["parentId"] = nullptr;
  t["title"] = task.title;
  t["description"] = task.description;
  t["mark"] = nullptr;
  t["priority"] = "1";
  t["multitask"] = "N";
  t["notViewed"] = "N";
  t["replicate"] = "N";
  t["stageId"] = "0";
  t["createdBy"] = Str(task.created_by);
  t["createdDate"] = FormatPortalTime(task.created);
  t["responsibleId"] = Str(task.responsible_id);
  t["changedBy"] = Str(task.created_by);
  t["changedDate"] = FormatPortalTime(task.created);
  t["statusChangedBy"] = nullptr;
  t["closedBy"] = nullptr;
  t["closedDate"] = nullptr;
  t["activityDate"] = FormatPortalTime(task.created);
  t["dateStart"] = nullptr;
  t["deadline"] = NullOr(task.deadline);
  t["startDatePlan"] = nullptr;
  t["endDatePlan"] = nullptr;
  t["xmlId"] = nullptr;
  t["groupId"] = "0";
  t["descriptionInBbcode"] = "Y";
  t["status"] = "2";  // Waiting for execution (fields.md, status).
  t["auditors"] = OrderedJson::array();
  t["accomplices"] = OrderedJson::array();
  t["creator"] = UserObject(portal, task.created_by);
  t["responsible"] = UserObject(portal, task.responsible_id);
  return t;
}

// One row of tasks.task.list: the fields named in `select` (upper case, as the request names
// them) under their camelCase answer keys (tasks-task-list.md's example answer). "Specify one of
// these fields in SELECT — all three will be returned" for UF_CRM_TASK, UF_TASK_WEBDAV_FILES and
// UF_MAIL_MESSAGE (fields.md). An empty select gives "only those fields stored in the record"
// (tasks-task-list.md): here every field below but the UF ones. The id always comes back — the
// documentation is silent on a select without ID; the emulator never hides the key rows are
// told apart by.
OrderedJson ListRow(const PortalTask& task, const json* select) {
  std::vector<std::string> wanted;
  if (select != nullptr && IsPlainArray(*select)) {
    for (const auto& item : select->items()) {
      wanted.push_back(AsciiUpper(PhpString(item.value()).value_or("")));
    }
  }
  const bool all = wanted.empty() || std::count(wanted.begin(), wanted.end(), "*") > 0;
  auto has = [&](std::string_view name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  OrderedJson row;
  row["id"] = Str(task.id);
  if (all || has("TITLE")) row["title"] = task.title;
  if (all || has("DESCRIPTION")) row["description"] = task.description;
  if (all || has("DEADLINE")) row["deadline"] = NullOr(task.deadline);
  if (all || has("CREATED_DATE")) row["createdDate"] = FormatPortalTime(task.created);
  if (all || has("CREATED_BY")) row["createdBy"] = Str(task.created_by);
  if (all || has("RESPONSIBLE_ID")) row["responsibleId"] = Str(task.responsible_id);
  if (all || has("STATUS")) row["status"] = "2";
  if (has("UF_CRM_TASK") || has("UF_TASK_WEBDAV_FILES") || has("UF_MAIL_MESSAGE")) {
    // PHP's false for an empty multiple user field; the documentation shows only filled ones.
    row["ufCrmTask"] =
        task.crm_bindings.empty() ? OrderedJson(false) : OrderedJson(task.crm_bindings);
    row["ufTaskWebdavFiles"] = false;
    row["ufMailMessage"] = nullptr;
  }
  return row;
}

// "L_4", "D_10", "C_7", "CO_5" (tasks-task-add.md's UF_CRM_TASK example; fields.md also lists
// SI_ for invoices and T<type>_ for smart processes). Whether Bitrix24 refuses or drops a
// malformed value is not documented: the emulator refuses it, so a wrong binding shows in tests.
bool WellFormedBinding(const std::string& value) {
  static constexpr std::string_view kPrefixes[] = {"L_", "D_", "C_", "CO_", "SI_"};
  for (std::string_view prefix : kPrefixes) {
    if (value.size() > prefix.size() && value.compare(0, prefix.size(), prefix) == 0) {
      return value.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
    }
  }
  return false;
}

// Whether `task` passes one filter condition. The emulator knows the equality filters callbrief
// uses; an unknown key is refused rather than ignored, so a test never passes on a filter that
// did nothing.
std::optional<bool> Matches(const PortalTask& task, const std::string& key, const json& wanted) {
  auto any_of = [&](auto&& equal) {
    if (IsPlainArray(wanted)) {
      for (const auto& item : wanted.items()) {
        if (equal(item.value())) return true;
      }
      return false;
    }
    return equal(wanted);
  };
  auto id_equal = [](std::int64_t actual) {
    return [actual](const json& value) { return PhpIntval(value) == actual; };
  };
  if (key == "ID") return any_of(id_equal(task.id));
  if (key == "RESPONSIBLE_ID") return any_of(id_equal(task.responsible_id));
  if (key == "CREATED_BY") return any_of(id_equal(task.created_by));
  if (key == "UF_CRM_TASK") {
    // A multiple field matches when it holds any of the values asked for.
    return any_of([&](const json& value) {
      std::string text = PhpString(value).value_or("\x01");
      return std::count(task.crm_bindings.begin(), task.crm_bindings.end(), text) > 0;
    });
  }
  return std::nullopt;
}

}  // namespace

MethodReply TaskAdd(Portal& portal, const MethodCall& call) {
  const json* fields = Param(call.params, "fields");
  if (fields == nullptr || !fields->is_object() || fields->empty()) {
    // Code 100 (tasks-task-add.md, "Possible Error Codes"), a number as D7 controllers write it.
    return NumericFailure(400, 100, "Could not find value for parameter {fields} (internal error)");
  }
  // The messages end in "<br>" as documented. Which one comes first when several fields are
  // wrong is not: the title is checked first, as in the page's example error.
  const json* title = Param(*fields, "TITLE");
  if (PhpEmptyString(title) || !PhpString(*title)) {
    return Failure(400, "ERROR_CORE", "Task title not specified<br>");
  }
  const json* responsible = Param(*fields, "RESPONSIBLE_ID");
  std::int64_t responsible_id = responsible != nullptr ? PhpIntval(*responsible) : 0;
  if (responsible_id <= 0) return Failure(400, "ERROR_CORE", "Assignee not specified<br>");
  if (!portal.users.count(responsible_id)) {
    return Failure(400, "ERROR_CORE", "User specified in the \"Assignee\" field not found<br>");
  }
  PortalTask task;
  task.title = *PhpString(*title);
  if (const json* text = Param(*fields, "DESCRIPTION"); text != nullptr) {
    task.description = PhpString(*text).value_or("");
  }
  task.responsible_id = responsible_id;
  task.created_by = portal.webhook_user_id;
  task.created = call.now;
  if (const json* deadline = Param(*fields, "DEADLINE"); !PhpEmptyString(deadline)) {
    // ISO 8601 as in the documented example ("2025-12-31T23:59:59", portal time without an
    // offset). What Bitrix24 answers to an unreadable date is not documented: refused here.
    core::TimePoint at;
    if (!ParsePortalTime(PhpString(*deadline).value_or(""), &at)) {
      return Failure(400, "ERROR_CORE", "Invalid deadline<br>");
    }
    task.deadline = at;
  }
  if (const json* bindings = Param(*fields, "UF_CRM_TASK"); bindings != nullptr) {
    // The documentation sends a list; what a lone value does is not documented: taken here as a
    // list of one (callbrief always sends a list).
    json list = IsPlainArray(*bindings) ? *bindings : json::array({*bindings});
    for (const auto& item : list.items()) {
      std::string value = PhpString(item.value()).value_or("");
      if (!WellFormedBinding(value)) return Failure(400, "ERROR_CORE", "Invalid UF_CRM_TASK<br>");
      task.crm_bindings.push_back(value);
    }
  }
  portal.AddTask(std::move(task));
  OrderedJson result;
  result["task"] = TaskObject(portal, portal.tasks.back());
  return Success(std::move(result));
}

MethodReply TaskList(Portal& portal, const MethodCall& call) {
  const json* filter = Param(call.params, "filter");
  std::vector<const PortalTask*> found;
  // "administrators see all tasks, ... others see only the tasks available to them"
  // (tasks-task-list.md): every task here was created by the webhook's own user, so it sees them
  // all either way.
  for (const PortalTask& task : portal.tasks) {
    bool keep = true;
    if (filter != nullptr && filter->is_object()) {
      for (const auto& item : filter->items()) {
        auto match = Matches(task, AsciiUpper(item.key()), item.value());
        if (!match) {
          return Failure(400, "ERROR_CORE",
                         "the emulator does not implement the filter " + item.key());
        }
        keep = keep && *match;
      }
    }
    if (keep) found.push_back(&task);
  }
  // "By default — descending by ID" (tasks-task-list.md). The emulator sorts by ID and
  // CREATED_DATE; another documented key is refused as unimplemented, an undocumented one as
  // Bitrix24 does: error "0", "Invalid sorting key (internal error)".
  bool descending = true;
  if (const json* order = Param(call.params, "order"); order != nullptr && order->is_object()) {
    for (const auto& item : order->items()) {
      const std::string key = AsciiUpper(item.key());
      if (key != "ID" && key != "CREATED_DATE") {
        return Failure(400, "0", "Invalid sorting key (internal error)");
      }
      descending = !EqualsIgnoreCase(PhpString(item.value()).value_or(""), "asc");
    }
  }
  std::stable_sort(found.begin(), found.end(), [&](const PortalTask* a, const PortalTask* b) {
    return descending ? a->id > b->id : a->id < b->id;
  });
  const json* select = Param(call.params, "select");
  std::vector<OrderedJson> rows;
  for (const PortalTask* task : found) rows.push_back(ListRow(*task, select));
  // The page sits under result.tasks; total and next stay beside result (tasks-task-list.md).
  MethodReply reply = ListReply(std::move(rows), ReadStart(call.params));
  OrderedJson page = std::move(reply.body["result"]);
  reply.body["result"] = OrderedJson::object();
  reply.body["result"]["tasks"] = std::move(page);
  return reply;
}

}  // namespace callbrief::fakes
