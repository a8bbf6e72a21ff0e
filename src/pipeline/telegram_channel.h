#pragma once

#include <string>
#include <string_view>

#include "notify/telegram_client.h"
#include "notify/telegram_delivery.h"
#include "pipeline/delivery_channel.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// The store setting that remembers where a Telegram group went when it became a supergroup.
std::string MigratedChatSetting(std::string_view chat_id);

// The summary message in the team's Telegram chat (TELEGRAM_TARGET_CHAT_ID, TELEGRAM_THREAD_ID),
// the transcript inline or as a document (TELEGRAM_TRANSCRIPT). Required.
// Sends only the parts `record.external_id` does not list as sent (the progress is saved after
// every message); the attempt is saved before the first one, so a worker whose claim was taken
// over sends nothing. A group's move to a supergroup is followed and remembered (store setting
// MigratedChatSetting) for every later call. The Bot API has no idempotency key: a part whose
// request timed out may arrive twice (notify/telegram_delivery.h).
class TelegramChannel final : public DeliveryChannel {
 public:
  // `telegram` is null when TELEGRAM_BOT_TOKEN/TELEGRAM_TARGET_CHAT_ID are not set: the delivery
  // then waits for them (kConfig). `store` keeps the migrated chat id.
  TelegramChannel(notify::TelegramClient* telegram, store::CallStore& store,
                  notify::ChatTarget target, notify::DeliveryOptions options);

  Channel channel() const override { return Channel::kTelegram; }
  bool required() const override { return true; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override;

 private:
  notify::ChatTarget Target();

  notify::TelegramClient* telegram_;
  store::CallStore& store_;
  const notify::ChatTarget target_;
  const notify::DeliveryOptions options_;
};

}  // namespace callbrief::pipeline
