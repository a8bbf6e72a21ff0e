#pragma once

#include <chrono>

#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "pipeline/delivery_channel.h"

namespace callbrief::pipeline {

// Each action item of the summary as a Bitrix24 task (tasks.task.add), when BITRIX24_CREATE_TASKS
// is on: the item as title, a description quoting it with the call's facts and a link to the call
// page, the call's operator as RESPONSIBLE_ID, a DEADLINE when the item names a day
// (notify::TaskDeadline), bound through UF_CRM_TASK to the CRM item the timeline comment goes to
// (bitrix::ChooseTimelineTarget). Skipped with the reason when the summary has no action items or
// the call no operator.
//
// Best effort: the summary reached the team through the required channels, and a task the portal
// refuses for good (the operator's account deleted, tasks switched off) needs no failed call —
// the refusal is recorded and shown on the call page. Retryable and configuration errors (a
// webhook without the `task` scope) keep the delivery pending like any other channel's.
//
// Exactly once: `external_id` lists the ids of the tasks made so far, comma-separated, in item
// order, and the record is saved (with that progress) before each tasks.task.add. When an
// earlier attempt's outcome is unknown (a timeout, a crash after Bitrix24 made the task and before
// its id was stored) the operator's newest tasks are searched for the items' markers
// (bitrix::FindCallTasks) before anything is added — once that request cannot land any more
// (BITRIX24_TIMEOUT after it started, plus a margin); until then the delivery waits
// (kRateLimited), as the timeline does.
class TasksChannel final : public DeliveryChannel {
 public:
  // `rest` is null without BITRIX24_WEBHOOK_URL (kConfig when there are tasks to make).
  // `request_timeout` is how long one Bitrix24 request may run (BITRIX24_TIMEOUT).
  TasksChannel(bitrix::RestClient* rest, const core::Clock& clock,
               std::chrono::milliseconds request_timeout);

  Channel channel() const override { return Channel::kTasks; }
  bool required() const override { return false; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override;

 private:
  bitrix::RestClient* rest_;
  const core::Clock& clock_;
  const std::chrono::milliseconds request_timeout_;
};

}  // namespace callbrief::pipeline
