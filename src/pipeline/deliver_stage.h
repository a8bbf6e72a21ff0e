#pragma once

#include <chrono>
#include <string>

#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "notify/telegram_client.h"
#include "notify/telegram_delivery.h"
#include "pipeline/call_message.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

struct DeliverSettings {
  notify::ChatTarget telegram_target{};  // TELEGRAM_TARGET_CHAT_ID, TELEGRAM_THREAD_ID
  notify::DeliveryOptions telegram{};
  MessageContext message{};
  // How long one Bitrix24 request may run (BITRIX24_TIMEOUT): after a crash, the comment request
  // of the dead process may land until then.
  std::chrono::milliseconds bitrix_request_timeout{std::chrono::seconds(60)};
  // BITRIX24_ATTACH_TRANSCRIPT: also attach the transcript to the call's card in Bitrix24
  // (telephony.call.attachTranscription).
  bool attach_transcript = false;
};

// The store setting that remembers where a Telegram group went when it became a supergroup.
std::string MigratedChatSetting(std::string_view chat_id);

// deliver: the Telegram message and the Bitrix24 timeline comment. Each is a delivery of its
// own, stored with its progress after every step, so a retry sends only what is missing and
// never a second message or comment for a delivery recorded as done:
//  - Telegram: the message parts (and the transcript document) not sent yet; a group's move to
//    a supergroup is followed and remembered for every later call.
//  - Timeline: the comment on the call's CRM entity; when an earlier attempt's outcome is unknown
//    (a timeout, a crash) the timeline is searched for the call's marker before adding. A call
//    bound to no CRM entity gets no comment (recorded as skipped, with the reason).
//  - Optionally (attach_transcript) the transcript on the call's card in Bitrix24, each line with
//    its side (User/Client); only for two-party recordings, where the side is known. Attaching
//    again replaces the card's transcript, so it needs no marker. A permanent refusal is recorded
//    as the delivery's error without failing a call whose summary went out.
// The call is done when every delivery is done (or skipped); otherwise the first error is
// returned and the retry policy decides, the finished deliveries staying finished.
class DeliverStage final : public StageHandler {
 public:
  // `telegram` is null when TELEGRAM_BOT_TOKEN/TELEGRAM_TARGET_CHAT_ID are not set (the Telegram
  // delivery then waits for them); `rest` is null without BITRIX24_WEBHOOK_URL.
  DeliverStage(notify::TelegramClient* telegram, bitrix::RestClient* rest, store::CallStore& store,
               const core::Clock& clock, DeliverSettings settings);
  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  core::Status DeliverTelegram(const store::CallDetails& details,
                               const notify::CallMessage& message, store::Delivery delivery);
  core::Status DeliverTimeline(const store::CallDetails& details,
                               const notify::CallMessage& message, store::Delivery delivery);
  core::Status AttachTranscript(const store::CallDetails& details, store::Delivery delivery);
  notify::ChatTarget TelegramTarget();
  core::Status Save(const store::CallDetails& details, const store::Delivery& delivery);

  notify::TelegramClient* telegram_;
  bitrix::RestClient* rest_;
  store::CallStore& store_;
  const core::Clock& clock_;
  const DeliverSettings settings_;
};

}  // namespace callbrief::pipeline
