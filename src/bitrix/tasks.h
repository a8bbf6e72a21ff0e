#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bitrix/rest_client.h"
#include "core/result.h"

namespace callbrief::bitrix {

// What ties a Bitrix24 task to the action item it was made from, so a retry can find the task an
// earlier attempt created: "callbrief:<CALL_ID>/task-<n>" (n counts the call's action items from
// 1), on the description's last line, in plain ASCII for the reasons CommentMarker gives
// (timeline.h). A call id holding [ ] < > is escaped as EscapeBbText does. Pure.
std::string TaskMarker(std::string_view call_id, int index);

// The index (from 0) of the action item of `call_id` whose marker `description` carries, and not
// that of a call whose id merely starts with it, nor of item 12 for item 1; nullopt when none.
// Pure.
std::optional<int> TaskMarkerIndex(std::string_view description, std::string_view call_id);

// The UF_CRM_TASK value binding a task to a CRM item (api-reference/tasks/tasks-task-add.md):
// "D_10" for deal 10, "C_" contact, "CO_" company, "L_" lead; `entity_type` as
// TimelineTarget::entity_type spells it. "" for another type or an id that is not positive. Pure.
std::string CrmTaskBinding(std::string_view entity_type, std::int64_t entity_id);

// One task to create with tasks.task.add.
struct TaskDraft {
  std::string title{};
  std::string description{};  // BB-code; user text already escaped (bbcode.h). No marker yet.
  std::int64_t responsible_id = 0;
  std::string deadline{};     // ISO 8601 with an offset, or "" for none.
  std::string crm_binding{};  // CrmTaskBinding, or "" for none.
};

// The description to send: `description_bbcode` without trailing blank lines, an empty line, and
// TaskMarker(call_id, index). Pure.
std::string BuildTaskDescription(std::string_view description_bbcode, std::string_view call_id,
                                 int index);

// How many pages of 50 FindCallTasks reads. The tasks it looks for are the assignee's newest
// (made minutes ago), and the list is newest first.
inline constexpr int kMaxTaskPages = 10;

// The tasks earlier attempts created for the call's action items, by item index (from 0):
// tasks.task.list for RESPONSIBLE_ID = `responsible_id`, newest first, select ID and DESCRIPTION,
// matched by TaskMarkerIndex — the method has no filter on the description
// (api-reference/tasks/tasks-task-list.md lists the filterable fields). Not filtered by
// UF_CRM_TASK: the CRM item chosen for the call may differ between attempts (a deal bound in
// between), and a task an earlier attempt bound elsewhere must still be found. Errors keep the
// REST client's kinds, with context "looking for the tasks of call <CALL_ID>".
core::Result<std::map<int, std::int64_t>> FindCallTasks(RestClient& rest, std::string_view call_id,
                                                        std::int64_t responsible_id);

// Creates the task of action item `index` with tasks.task.add (description from
// BuildTaskDescription) and returns its id. Not idempotent by itself: after an unknown outcome
// call FindCallTasks first. Errors keep the REST client's kinds, with context "creating task <n>
// of call <CALL_ID>".
core::Result<std::int64_t> AddCallTask(RestClient& rest, const TaskDraft& draft,
                                       std::string_view call_id, int index);

}  // namespace callbrief::bitrix
