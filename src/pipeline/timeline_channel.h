#pragma once

#include <chrono>

#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "pipeline/delivery_channel.h"

namespace callbrief::pipeline {

// The summary as a comment on the call's CRM timeline in Bitrix24 (bitrix/timeline_target.h
// chooses the deal, contact, company or lead). Required. A call bound to no CRM entity gets no
// comment: skipped, with the reason.
// The attempt is saved before the request. When an earlier attempt's outcome is unknown (a
// timeout, a crash) the timeline is searched for the call's marker before adding — but only once
// that earlier request cannot land any more (BITRIX24_TIMEOUT after it started, plus a margin);
// until then the delivery waits (kRateLimited), or a comment it added late would be a second one.
class TimelineChannel final : public DeliveryChannel {
 public:
  // `rest` is null without BITRIX24_WEBHOOK_URL (kConfig for a bound call). `request_timeout` is
  // how long one Bitrix24 request may run (BITRIX24_TIMEOUT).
  TimelineChannel(bitrix::RestClient* rest, const core::Clock& clock,
                  std::chrono::milliseconds request_timeout);

  Channel channel() const override { return Channel::kTimeline; }
  bool required() const override { return true; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override;

 private:
  bitrix::RestClient* rest_;
  const core::Clock& clock_;
  const std::chrono::milliseconds request_timeout_;
};

}  // namespace callbrief::pipeline
