// disk.file.get, user.get, profile, scope and the method table.

#include <string>

#include "fakes/rest_methods.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr MethodSpec kMethods[] = {
    {"voximplant.statistic.get", {"telephony"}, StatisticGet},
    {"telephony.call.attachTranscription", {"telephony"}, AttachTranscription},
    {"disk.file.get", {"disk"}, DiskFileGet},
    {"user.get", {"user", "user_brief", "user_basic"}, UserGet},
    {"crm.activity.get", {"crm"}, ActivityGet},
    {"crm.activity.binding.list", {"crm"}, ActivityBindingList},
    {"crm.timeline.comment.add", {"crm"}, TimelineCommentAdd},
    {"crm.timeline.comment.list", {"crm"}, TimelineCommentList},
    {"tasks.task.add", {"task"}, TaskAdd},
    {"tasks.task.list", {"task"}, TaskList},
    {"profile", {}, Profile},
    {"scope", {}, Scope},
};

// user.get parameters that are not filter fields; every other top-level key filters.
constexpr std::string_view kUserGetReserved[] = {"SORT",   "ORDER",        "FILTER", "ADMIN_MODE",
                                                 "SELECT", "IMAGE_RESIZE", "START"};

OrderedJson UserRow(const User& user) {
  OrderedJson row;
  row["ID"] = std::to_string(user.id);
  row["ACTIVE"] = user.active;
  row["NAME"] = user.name;
  row["LAST_NAME"] = user.last_name;
  row["SECOND_NAME"] = user.second_name;
  row["EMAIL"] = user.email;
  row["WORK_POSITION"] = user.work_position;
  row["UF_DEPARTMENT"] = OrderedJson::array({1});
  row["UF_PHONE_INNER"] =
      user.phone_inner.empty() ? OrderedJson(nullptr) : OrderedJson(user.phone_inner);
  return row;
}

bool FieldMatches(const std::string& actual, const json& wanted) {
  if (IsPlainArray(wanted)) {
    for (const auto& item : wanted.items()) {
      if (FieldMatches(actual, item.value())) return true;
    }
    return false;
  }
  return EqualsIgnoreCase(actual, PhpString(wanted).value_or("\x01"));
}

bool UserMatches(const User& user, const json& filter) {
  for (const auto& item : filter.items()) {
    const std::string& key = item.key();
    const json& wanted = item.value();
    bool ok = true;
    if (key == "ID") ok = FieldMatches(std::to_string(user.id), wanted);
    if (key == "ACTIVE") {
      std::string flag = AsciiUpper(PhpString(wanted).value_or(""));
      ok = user.active == (flag == "Y" || flag == "1" || flag == "TRUE");
    }
    if (key == "NAME") ok = FieldMatches(user.name, wanted);
    if (key == "LAST_NAME") ok = FieldMatches(user.last_name, wanted);
    if (key == "EMAIL") ok = FieldMatches(user.email, wanted);
    if (key == "UF_PHONE_INNER") ok = FieldMatches(user.phone_inner, wanted);
    if (!ok) return false;  // Other keys are not filters we model and match everything.
  }
  return true;
}

}  // namespace

const MethodSpec* FindMethod(std::string_view name) {
  for (const MethodSpec& method : kMethods) {
    if (EqualsIgnoreCase(method.name, name)) return &method;
  }
  return nullptr;
}

MethodReply DiskFileGet(Portal& portal, const MethodCall& call) {
  // Only the lowercase `id` is read: SDKs that uppercase keys get ERROR_ARGUMENT.
  const json* id = Param(call.params, "id");
  std::int64_t disk_id = id != nullptr ? PhpIntval(*id) : 0;
  if (disk_id <= 0)
    return Failure(400, "ERROR_ARGUMENT", "Invalid value of parameter {Parameter #0}");
  StoredCall* stored = portal.FindCallByDiskId(disk_id);
  if (stored == nullptr || !portal.RecordingVisible(*stored, call.now, false)) {
    return Failure(400, "ERROR_NOT_FOUND",
                   "Could not find entity with id `" + std::to_string(disk_id) + "`");
  }
  // Record files grant read access to admins and to the operator of the call only.
  if (!portal.admin && stored->record.portal_user_id != portal.webhook_user_id) {
    return Failure(403, "ACCESS_DENIED", "Access denied");
  }
  const StoredRecording& recording = *stored->recording;
  std::string owner = std::to_string(
      stored->record.portal_user_id > 0 ? stored->record.portal_user_id : portal.webhook_user_id);
  std::string month = FormatPortalTime(*stored->record.call_start).substr(0, 7);
  OrderedJson file;
  file["ID"] = std::to_string(recording.disk_id);
  file["NAME"] = recording.file_name;
  file["CODE"] = nullptr;
  file["STORAGE_ID"] = "3";
  file["TYPE"] = "file";
  file["PARENT_ID"] = "8996";
  file["DELETED_TYPE"] = "0";
  file["GLOBAL_CONTENT_VERSION"] = "1";
  file["FILE_ID"] = std::to_string(recording.file_id);
  file["SIZE"] = std::to_string(recording.bytes.size());
  file["CREATE_TIME"] = FormatPortalTime(recording.created);
  file["UPDATE_TIME"] = FormatPortalTime(recording.created);
  file["DELETE_TIME"] = nullptr;
  file["CREATED_BY"] = owner;
  file["UPDATED_BY"] = owner;
  file["DELETED_BY"] = "0";
  file["DOWNLOAD_URL"] = portal.IssueDownloadUrl(recording.disk_id, call.now);
  file["DETAIL_URL"] =
      portal.base_url + "/docs/shared/file/Call records/" + month + "/" + recording.file_name;
  return Success(std::move(file));
}

MethodReply UserGet(Portal& portal, const MethodCall& call) {
  json params = UpperCaseKeys(call.params);
  json filter = json::object();
  if (const json* given = Param(params, "FILTER"); given != nullptr && given->is_object()) {
    filter = UpperCaseKeys(*given);
  }
  for (const auto& item : params.items()) {
    bool reserved = false;
    for (std::string_view name : kUserGetReserved) reserved = reserved || item.key() == name;
    if (!reserved) filter[item.key()] = item.value();
  }
  std::vector<OrderedJson> rows;
  for (const auto& [id, user] : portal.users) {
    if (UserMatches(user, filter)) rows.push_back(UserRow(user));
  }
  return ListReply(std::move(rows), ReadStart(call.params));
}

MethodReply Profile(Portal& portal, const MethodCall&) {
  auto it = portal.users.find(portal.webhook_user_id);
  OrderedJson profile;
  profile["ID"] = std::to_string(portal.webhook_user_id);
  profile["ADMIN"] = portal.admin;
  profile["NAME"] = it != portal.users.end() ? it->second.name : "";
  profile["LAST_NAME"] = it != portal.users.end() ? it->second.last_name : "";
  profile["PERSONAL_GENDER"] = "";
  profile["TIME_ZONE"] = "";
  profile["TIME_ZONE_OFFSET"] = 10800;
  return Success(std::move(profile));
}

MethodReply Scope(Portal& portal, const MethodCall&) {
  OrderedJson scopes = OrderedJson::array();
  for (const std::string& scope : portal.scopes) scopes.push_back(scope);
  return Success(std::move(scopes));
}

}  // namespace callbrief::fakes
