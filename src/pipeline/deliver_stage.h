#pragma once

#include <memory>
#include <vector>

#include "core/clock.h"
#include "core/observer.h"
#include "pipeline/call_message.h"
#include "pipeline/delivery_channel.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// deliver: the call's summary to every channel (delivery_channel.h), each a delivery of its own
// with its record in the store, so a retry sends only what is missing and never a second message
// or comment for a delivery recorded as done.
// Every channel whose record is not finished is tried, whatever the others' outcome: a Telegram
// outage must not hold back the timeline comment, nor the reverse. The stage writes each
// channel's final record (DeliveryStatusAfter for an error). The call is done when every
// required channel is done or skipped; otherwise the most severe error is returned (permanent,
// then configuration, then rate-limited, then transient) and the retry policy decides, the
// finished deliveries staying finished. A write refused because this worker's claim was taken
// over (store::IsLeaseLost) stops the stage at once: the call is another worker's now.
class DeliverStage final : public StageHandler {
 public:
  // `channels` run in this order (the assembly in app/processing.cc). `observer` is told how each
  // channel's delivery ended (when its record is stored), and must outlive the stage.
  DeliverStage(store::CallStore& store, const core::Clock& clock, MessageContext message,
               std::vector<std::unique_ptr<DeliveryChannel>> channels,
               core::Observer& observer = core::NullObserver());
  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  core::Status RunChannel(DeliveryChannel& channel, const store::CallDetails& details,
                          const notify::CallMessage& message, DeliveryRecord record);

  store::CallStore& store_;
  const core::Clock& clock_;
  const MessageContext message_;
  const std::vector<std::unique_ptr<DeliveryChannel>> channels_;
  core::Observer& observer_;
};

}  // namespace callbrief::pipeline
