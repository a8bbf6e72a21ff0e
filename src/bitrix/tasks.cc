#include "bitrix/tasks.h"

#include <cctype>

#include <fmt/format.h>

#include "bitrix/bbcode.h"
#include "bitrix/json_fields.h"

namespace callbrief::bitrix {
namespace {

using core::Error;

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

std::string MarkerPrefix(std::string_view call_id) {
  return "callbrief:" + EscapeBbText(call_id) + "/task-";
}

std::string_view TrimEnd(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// tasks.task.add answers {"task": {"id": "3711", …}} (tasks-task-add.md, "Response Handling").
std::optional<std::int64_t> NewTaskId(const nlohmann::json& result) {
  if (!result.is_object()) return std::nullopt;
  auto task = result.find("task");
  if (task == result.end() || !task->is_object()) return std::nullopt;
  return IntegerField(*task, "id");
}

}  // namespace

std::string TaskMarker(std::string_view call_id, int index) {
  return fmt::format("{}{}", MarkerPrefix(call_id), index + 1);
}

std::optional<int> TaskMarkerIndex(std::string_view description, std::string_view call_id) {
  const std::string prefix = MarkerPrefix(call_id);
  for (auto pos = description.find(prefix); pos != std::string_view::npos;
       pos = description.find(prefix, pos + 1)) {
    const bool clean_start =
        pos == 0 || !std::isalnum(static_cast<unsigned char>(description[pos - 1]));
    std::size_t end = pos + prefix.size();
    std::size_t digits = end;
    while (digits < description.size() &&
           std::isdigit(static_cast<unsigned char>(description[digits])) && digits - end < 6) {
      ++digits;
    }
    const bool clean_end = digits == description.size() || !IsIdChar(description[digits]);
    if (!clean_start || digits == end || !clean_end || description[end] == '0') continue;
    return std::stoi(std::string(description.substr(end, digits - end))) - 1;
  }
  return std::nullopt;
}

std::string CrmTaskBinding(std::string_view entity_type, std::int64_t entity_id) {
  if (entity_id <= 0) return "";
  std::string_view prefix = entity_type == "deal"      ? "D_"
                            : entity_type == "contact" ? "C_"
                            : entity_type == "company" ? "CO_"
                            : entity_type == "lead"    ? "L_"
                                                       : "";
  if (prefix.empty()) return "";
  return fmt::format("{}{}", prefix, entity_id);
}

std::string BuildTaskDescription(std::string_view description_bbcode, std::string_view call_id,
                                 int index) {
  std::string_view text = TrimEnd(description_bbcode);
  std::string marker = TaskMarker(call_id, index);
  return text.empty() ? marker : fmt::format("{}\n\n{}", text, marker);
}

core::Result<std::map<int, std::int64_t>> FindCallTasks(RestClient& rest, std::string_view call_id,
                                                        std::int64_t responsible_id) {
  const std::string context = fmt::format("looking for the tasks of call {}", call_id);
  std::map<int, std::int64_t> found;
  std::int64_t start = 0;
  for (int page = 0; page < kMaxTaskPages; ++page) {
    auto reply = rest.Call("tasks.task.list", {{"filter", {{"RESPONSIBLE_ID", responsible_id}}},
                                               {"order", {{"ID", "desc"}}},
                                               {"select", {"ID", "DESCRIPTION"}},
                                               {"start", start}});
    if (!reply) return reply.error().WithContext(context);
    // {"tasks": [{"id": "8017", "description": "…"}, …]} (tasks-task-list.md).
    const nlohmann::json& result = reply->result;
    auto rows = result.is_object() ? result.find("tasks") : result.end();
    if (!result.is_object() || rows == result.end() || !rows->is_array()) {
      return Error::Permanent(
          fmt::format("{}: tasks.task.list answered no list of tasks", context));
    }
    for (const auto& row : *rows) {
      if (!row.is_object()) continue;
      auto index = TaskMarkerIndex(TextField(row, "description"), call_id);
      auto id = IntegerField(row, "id");
      // The oldest wins if two carry one marker (a duplicate made by hand): rows come newest
      // first, so a later row overwrites.
      if (index && id && *id > 0) found[*index] = *id;
    }
    if (!reply->next || *reply->next <= start) break;
    start = *reply->next;
  }
  return found;
}

core::Result<std::int64_t> AddCallTask(RestClient& rest, const TaskDraft& draft,
                                       std::string_view call_id, int index) {
  const std::string context = fmt::format("creating task {} of call {}", index + 1, call_id);
  nlohmann::json fields = {{"TITLE", draft.title},
                           {"DESCRIPTION", BuildTaskDescription(draft.description, call_id, index)},
                           {"RESPONSIBLE_ID", draft.responsible_id}};
  if (!draft.deadline.empty()) fields["DEADLINE"] = draft.deadline;
  if (!draft.crm_binding.empty())
    fields["UF_CRM_TASK"] = nlohmann::json::array({draft.crm_binding});
  auto reply = rest.Call("tasks.task.add", {{"fields", fields}});
  if (!reply) return reply.error().WithContext(context);
  auto id = NewTaskId(reply->result);
  if (!id || *id <= 0) {
    return Error::Permanent(fmt::format("{}: tasks.task.add answered no task id", context));
  }
  return *id;
}

}  // namespace callbrief::bitrix
