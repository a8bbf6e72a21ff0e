#pragma once

#include "bitrix/rest_client.h"
#include "pipeline/delivery_channel.h"

namespace callbrief::pipeline {

// The transcript on the call's card in Bitrix24 (telephony.call.attachTranscription), each line
// with its side (User/Client), when BITRIX24_ATTACH_TRANSCRIPT is on. Best effort: the summary
// went out through the required channels, so a permanent refusal is recorded, not a failed call.
// Only for two-party recordings, where the side of every line is known: a mono mix is skipped
// (it would put words in the wrong mouth). Attaching again replaces the card's transcript, so a
// repeat after an unknown outcome is harmless and needs no marker.
class CardTranscriptChannel final : public DeliveryChannel {
 public:
  // `rest` is null without BITRIX24_WEBHOOK_URL (kConfig).
  explicit CardTranscriptChannel(bitrix::RestClient* rest) : rest_(rest) {}

  Channel channel() const override { return Channel::kCardTranscript; }
  bool required() const override { return false; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override;

 private:
  bitrix::RestClient* rest_;
};

}  // namespace callbrief::pipeline
