#include "pipeline/delivery_channel.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace callbrief::pipeline {
namespace {

constexpr std::array<std::pair<Channel, std::string_view>, 5> kChannelNames = {{
    {Channel::kTelegram, "telegram"},
    {Channel::kTimeline, "bitrix_timeline"},
    {Channel::kCardTranscript, "bitrix_transcript"},
    {Channel::kTasks, "bitrix_tasks"},
    {Channel::kAlerts, "telegram_alerts"},
}};

constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 4> kStatusNames = {{
    {DeliveryStatus::kPending, "pending"},
    {DeliveryStatus::kDone, "done"},
    {DeliveryStatus::kSkipped, "skipped"},
    {DeliveryStatus::kFailed, "failed"},
}};

template <typename Enum, std::size_t N>
std::string_view NameIn(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueIn(const std::array<std::pair<Enum, std::string_view>, N>& names,
                            std::string_view name) {
  for (const auto& [v, n] : names) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ChannelName(Channel channel) { return NameIn(kChannelNames, channel); }
std::optional<Channel> ChannelFromName(std::string_view name) {
  return ValueIn(kChannelNames, name);
}

std::string_view DeliveryStatusName(DeliveryStatus status) { return NameIn(kStatusNames, status); }
std::optional<DeliveryStatus> DeliveryStatusFromName(std::string_view name) {
  return ValueIn(kStatusNames, name);
}

DeliveryStatus DeliveryStatusAfter(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::kTransient:
    case core::ErrorKind::kRateLimited:
    case core::ErrorKind::kConfig:
      return DeliveryStatus::kPending;
    case core::ErrorKind::kPermanent:
    case core::ErrorKind::kInvalidInput:
      return DeliveryStatus::kFailed;
  }
  return DeliveryStatus::kFailed;
}

store::Delivery ToStoreDelivery(const DeliveryRecord& record) {
  return {.channel = std::string(ChannelName(record.channel)),
          .status = std::string(DeliveryStatusName(record.status)),
          .attempts = record.attempts,
          .external_id = record.external_id,
          .last_error = record.last_error,
          .delivered_at_ms = record.delivered_at_ms,
          .attempt_started_at_ms = record.attempt_started_at_ms};
}

core::Result<DeliveryRecord> DeliveryFromStore(Channel channel, const store::Delivery& stored) {
  auto status = DeliveryStatusFromName(stored.status);
  if (!status) {
    return core::Error::Permanent(
        fmt::format("the {} delivery has the status \"{}\", which this version of callbrief does "
                    "not know (was the database written by a newer one?)",
                    ChannelName(channel), stored.status));
  }
  return DeliveryRecord{.channel = channel,
                        .status = *status,
                        .attempts = stored.attempts,
                        .external_id = stored.external_id,
                        .last_error = stored.last_error,
                        .delivered_at_ms = stored.delivered_at_ms,
                        .attempt_started_at_ms = stored.attempt_started_at_ms};
}

}  // namespace callbrief::pipeline
