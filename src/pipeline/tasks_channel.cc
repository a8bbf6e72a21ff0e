#include "pipeline/tasks_channel.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "bitrix/call_facts.h"
#include "bitrix/tasks.h"
#include "bitrix/timeline_target.h"
#include "notify/task_format.h"

namespace callbrief::pipeline {
namespace {

// Beyond the request timeout, for clocks and queues between us and Bitrix24 (as the timeline's).
constexpr std::int64_t kSettleMarginMs = 2000;

bool Bound(const store::CallRecord& call) {
  return (!call.crm_entity_type.empty() && call.crm_entity_id.has_value()) ||
         call.crm_activity_id.has_value();
}

// The task ids of `external_id` ("3711,3712"), in item order.
core::Result<std::vector<std::int64_t>> ParseTaskIds(std::string_view external_id) {
  std::vector<std::int64_t> ids;
  while (!external_id.empty()) {
    std::string_view part = external_id.substr(0, external_id.find(','));
    external_id.remove_prefix(std::min(external_id.size(), part.size() + 1));
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (error != std::errc() || end != part.data() + part.size() || id <= 0) {
      return core::Error::Permanent(
          fmt::format("the stored progress of the tasks delivery (\"{}\") is not a list of task "
                      "ids; was it written by a newer callbrief?",
                      part));
    }
    ids.push_back(id);
  }
  return ids;
}

std::string JoinIds(const std::vector<std::int64_t>& ids) {
  return fmt::format("{}", fmt::join(ids, ","));
}

// The CRM item the tasks are bound to: the timeline comment's (bitrix/timeline_target.h); "" for
// a call bound to none.
core::Result<std::string> CrmBinding(bitrix::RestClient& rest, const store::CallRecord& call) {
  if (!Bound(call)) return std::string();
  bitrix::CallFacts facts;
  facts.call_id = call.bitrix_call_id;
  facts.crm_entity_type = call.crm_entity_type;
  facts.crm_entity_id = call.crm_entity_id;
  facts.crm_activity_id = call.crm_activity_id;
  auto target = bitrix::ChooseTimelineTarget(rest, facts);
  if (!target.ok()) return target.error();
  if (!target->has_value()) return std::string();
  return bitrix::CrmTaskBinding((*target)->entity_type, (*target)->entity_id);
}

}  // namespace

TasksChannel::TasksChannel(bitrix::RestClient* rest, const core::Clock& clock,
                           std::chrono::milliseconds request_timeout)
    : rest_(rest), clock_(clock), request_timeout_(request_timeout) {}

core::Result<Delivered> TasksChannel::Deliver(const DeliveryJob& job, DeliveryRecord& record) {
  const store::CallRecord& call = job.details.call;
  const notify::CallMessage& message = job.message;
  std::vector<const notify::Task*> items;
  for (const notify::Task& task : message.tasks) {
    if (!notify::FormatTaskTitle(task).empty()) items.push_back(&task);
  }
  // Decided before asking for the portal, so a call with nothing to do never waits for
  // BITRIX24_WEBHOOK_URL.
  if (items.empty()) return Delivered::Skipped("the summary names no action items");
  if (!call.portal_user_id || *call.portal_user_id <= 0) {
    return Delivered::Skipped("the call has no operator in Bitrix24 to give its tasks to");
  }
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot create tasks in Bitrix24");
  }
  const std::int64_t responsible = *call.portal_user_id;
  auto ids = ParseTaskIds(record.external_id);
  if (!ids.ok()) return ids.error();

  if (ids->size() < items.size() && record.attempts > 0) {
    // An earlier attempt may have made the next task without storing its id.
    if (record.attempt_started_at_ms) {
      const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
      const std::int64_t settled_ms =
          *record.attempt_started_at_ms + request_timeout_.count() + kSettleMarginMs;
      if (now_ms < settled_ms) {
        return core::Error::RateLimited(
            "an earlier request creating a task may still be running in Bitrix24: looking for "
            "its task once it must have ended",
            std::chrono::milliseconds(settled_ms - now_ms));
      }
    }
    auto found = bitrix::FindCallTasks(*rest_, call.bitrix_call_id, responsible);
    if (!found.ok()) return found.error();
    for (auto it = found->find(static_cast<int>(ids->size())); it != found->end();
         it = found->find(static_cast<int>(ids->size()))) {
      spdlog::info("call {}: task {} is already in Bitrix24 (task {})", call.bitrix_call_id,
                   ids->size() + 1, it->second);
      ids->push_back(it->second);
      if (ids->size() == items.size()) break;
    }
    record.external_id = JoinIds(*ids);
  }

  if (ids->size() < items.size()) {
    auto binding = CrmBinding(*rest_, call);
    if (!binding.ok()) return binding.error();
    for (std::size_t i = ids->size(); i < items.size(); ++i) {
      const notify::Task& item = *items[i];
      // Recorded before the request, with the progress so far: if this process dies during it,
      // the next attempt knows the outcome is unknown and looks for the task before adding.
      record.attempts += 1;
      record.attempt_started_at_ms = core::ToUnixMillis(clock_.Now());
      if (auto saved = job.save(record); !saved.ok()) return saved.error();
      bitrix::TaskDraft draft{.title = notify::FormatTaskTitle(item),
                              .description = notify::FormatTaskDescription(message, item),
                              .responsible_id = responsible,
                              .deadline = notify::TaskDeadline(item.due, message.started_at_ms,
                                                               message.utc_offset_minutes),
                              .crm_binding = *binding};
      auto id = bitrix::AddCallTask(*rest_, draft, call.bitrix_call_id, static_cast<int>(i));
      if (!id.ok()) return id.error();
      ids->push_back(*id);
      record.external_id = JoinIds(*ids);  // Kept by the stage's save if a later item fails.
    }
  }
  return Delivered::Done(JoinIds(*ids),
                         fmt::format("✅ Bitrix24 tasks for call {}: {} (assigned to user {})",
                                     call.bitrix_call_id, fmt::join(*ids, ", "), responsible));
}

}  // namespace callbrief::pipeline
