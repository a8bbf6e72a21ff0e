#include "pipeline/telegram_channel.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::pipeline {
namespace {

using nlohmann::json;

// Telegram progress as kept in deliveries.external_id.
std::string ProgressJson(const notify::DeliveryProgress& p) {
  json out = {{"chat_id", p.chat_id}, {"message_ids", p.message_ids}};
  if (p.document_message_id) out["document_message_id"] = *p.document_message_id;
  return out.dump();
}

notify::DeliveryProgress ProgressFrom(const std::string& text) {
  notify::DeliveryProgress p;
  json in = core::ParseBoundedJson(text);
  if (!in.is_object()) return p;
  p.chat_id = in.value("chat_id", "");
  if (in.contains("message_ids") && in["message_ids"].is_array()) {
    for (const json& id : in["message_ids"]) {
      if (id.is_number_integer()) p.message_ids.push_back(id.get<std::int64_t>());
    }
  }
  if (in.contains("document_message_id") && in["document_message_id"].is_number_integer()) {
    p.document_message_id = in["document_message_id"].get<std::int64_t>();
  }
  return p;
}

}  // namespace

std::string MigratedChatSetting(std::string_view chat_id) {
  return fmt::format("telegram.migrated_chat.{}", chat_id);
}

TelegramChannel::TelegramChannel(notify::TelegramClient* telegram, store::CallStore& store,
                                 notify::ChatTarget target, notify::DeliveryOptions options)
    : telegram_(telegram),
      store_(store),
      target_(std::move(target)),
      options_(std::move(options)) {}

notify::ChatTarget TelegramChannel::Target() {
  notify::ChatTarget target = target_;
  auto migrated = store_.GetSetting(MigratedChatSetting(target.chat_id));
  if (migrated.ok() && migrated->has_value()) target.chat_id = **migrated;
  return target;
}

core::Result<Delivered> TelegramChannel::Deliver(const DeliveryJob& job, DeliveryRecord& record) {
  if (telegram_ == nullptr) {
    return core::Error::Config(
        "TELEGRAM_BOT_TOKEN and TELEGRAM_TARGET_CHAT_ID must be set to send summaries to Telegram");
  }
  const notify::ChatTarget target = Target();
  const notify::TelegramDelivery plan = notify::PlanTelegramDelivery(job.message, options_);
  record.attempts += 1;
  // Recorded before the first message, under the claim: a worker whose claim was taken over (it
  // was paused longer than the lease) stops here instead of sending the summary a second time.
  if (auto saved = job.save(record); !saved.ok()) return saved.error();
  auto on_progress = [&](const notify::DeliveryProgress& progress) -> core::Status {
    if (!progress.chat_id.empty() && progress.chat_id != target.chat_id) {
      // The group became a supergroup: every later call goes to the new id at once.
      if (auto kept = store_.PutSetting(MigratedChatSetting(target_.chat_id), progress.chat_id);
          !kept.ok()) {
        return kept;
      }
      spdlog::warn("Telegram chat {} is now {}: TELEGRAM_TARGET_CHAT_ID should be updated",
                   target_.chat_id, progress.chat_id);
    }
    record.external_id = ProgressJson(progress);
    return job.save(record);
  };
  auto sent = notify::DeliverToTelegram(*telegram_, target, plan, ProgressFrom(record.external_id),
                                        on_progress);
  if (!sent.ok()) return sent.error();
  return Delivered::Done(ProgressJson(*sent),
                         fmt::format("✅ Sent to Telegram: call {} ({} message(s){})",
                                     job.details.call.bitrix_call_id, sent->message_ids.size(),
                                     sent->document_message_id ? " and the transcript" : ""));
}

}  // namespace callbrief::pipeline
