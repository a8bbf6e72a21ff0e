#include "pipeline/deliver_stage.h"

#include <optional>

#include <spdlog/spdlog.h>

namespace callbrief::pipeline {
namespace {

// The stored record of `channel`, or a fresh pending one.
core::Result<DeliveryRecord> RecordOf(const store::CallDetails& details, Channel channel) {
  for (const store::Delivery& d : details.deliveries) {
    if (d.channel == ChannelName(channel)) return DeliveryFromStore(channel, d);
  }
  return DeliveryRecord{.channel = channel};
}

bool Finished(const DeliveryRecord& record, bool required) {
  switch (record.status) {
    case DeliveryStatus::kDone:
    case DeliveryStatus::kSkipped:
      return true;
    case DeliveryStatus::kFailed:
      // A required channel failed the call; a retry of the call tries it again.
      return !required;
    case DeliveryStatus::kPending:
      return false;
  }
  return false;
}

// Which error the stage returns when several channels failed: the one whose decision must not be
// hidden. A permanent failure needs a person; a configuration error parks the call (retrying it
// on a backoff would only use up its attempts); a rate limit's hint beats a plain backoff.
int Severity(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::kPermanent:
    case core::ErrorKind::kInvalidInput:
      return 3;
    case core::ErrorKind::kConfig:
      return 2;
    case core::ErrorKind::kRateLimited:
      return 1;
    case core::ErrorKind::kTransient:
      return 0;
  }
  return 3;
}

}  // namespace

DeliverStage::DeliverStage(store::CallStore& store, const core::Clock& clock,
                           MessageContext message,
                           std::vector<std::unique_ptr<DeliveryChannel>> channels,
                           core::Observer& observer)
    : store_(store),
      clock_(clock),
      message_(std::move(message)),
      channels_(std::move(channels)),
      observer_(observer) {}

core::Result<StageResult> DeliverStage::Run(const store::CallDetails& details) {
  auto message = CallMessageFrom(details, message_);
  if (!message.ok()) return message.error();

  std::optional<core::Error> worst;
  for (const std::unique_ptr<DeliveryChannel>& channel : channels_) {
    core::Status status = core::Ok();
    auto record = RecordOf(details, channel->channel());
    if (!record.ok()) {
      status = record.error();
    } else if (!Finished(*record, channel->required())) {
      status = RunChannel(*channel, details, *message, std::move(*record));
    }
    if (status.ok()) continue;
    if (store::IsLeaseLost(status.error())) return status.error();
    if (!worst || Severity(status.error()) > Severity(*worst)) worst = status.error();
  }
  if (worst) return *worst;
  return StageResult{.next = store::Stage::kDone};
}

core::Status DeliverStage::RunChannel(DeliveryChannel& channel, const store::CallDetails& details,
                                      const notify::CallMessage& message, DeliveryRecord record) {
  // Every write names the worker's claim: after a takeover it is refused, and the channel stops.
  const store::LeaseToken claim = store::LeaseOf(details.call);
  const DeliveryJob job{
      .details = details, .message = message, .save = [this, &claim](const DeliveryRecord& r) {
        return store_.SaveDelivery(claim, ToStoreDelivery(r));
      }};
  const std::string_view name = ChannelName(channel.channel());
  auto delivered = channel.Deliver(job, record);
  if (!delivered.ok()) {
    const core::Error& error = delivered.error();
    if (store::IsLeaseLost(error)) return error;
    record.status = DeliveryStatusAfter(error);
    record.last_error = error.message;
    const bool given_up = record.status == DeliveryStatus::kFailed && !channel.required();
    if (auto saved = job.save(record); !saved.ok()) {
      if (store::IsLeaseLost(saved.error()) || given_up) return saved;
      spdlog::warn("could not store the {} delivery: {}", name, saved.error().message);
    } else {
      observer_.DeliveryFinished(name, DeliveryStatusName(record.status));
    }
    if (!given_up) return error;
    spdlog::error("❌ Call {}: the {} delivery failed; the call is done without it: {}",
                  details.call.bitrix_call_id, name, error.message);
    return core::Ok();
  }
  record.status = delivered->status;
  if (delivered->status == DeliveryStatus::kDone) {
    record.last_error.clear();
    record.external_id = std::move(delivered->external_id);
    record.delivered_at_ms = core::ToUnixMillis(clock_.Now());
  } else {
    record.last_error = std::move(delivered->reason);
  }
  if (auto saved = job.save(record); !saved.ok()) return saved;
  observer_.DeliveryFinished(name, DeliveryStatusName(record.status));
  if (!delivered->log_line.empty()) spdlog::info("{}", delivered->log_line);
  return core::Ok();
}

}  // namespace callbrief::pipeline
