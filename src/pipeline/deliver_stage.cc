#include "pipeline/deliver_stage.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "bitrix/call_facts.h"
#include "bitrix/call_transcript.h"
#include "bitrix/timeline.h"
#include "core/json_bounded.h"
#include "notify/timeline_format.h"

namespace callbrief::pipeline {
namespace {

using nlohmann::json;

constexpr std::string_view kTelegram = "telegram";
constexpr std::string_view kTimeline = "bitrix_timeline";
constexpr std::string_view kCardTranscript = "bitrix_transcript";
// Beyond the request timeout, for clocks and queues between us and Bitrix24.
constexpr std::int64_t kSettleMarginMs = 2000;

store::Delivery Find(const store::CallDetails& details, std::string_view channel) {
  for (const store::Delivery& d : details.deliveries) {
    if (d.channel == channel) return d;
  }
  return {.channel = std::string(channel), .status = "pending"};
}

bool Finished(const store::Delivery& d) { return d.status == "done" || d.status == "skipped"; }

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

DeliverStage::DeliverStage(notify::TelegramClient* telegram, bitrix::RestClient* rest,
                           store::CallStore& store, const core::Clock& clock,
                           DeliverSettings settings)
    : telegram_(telegram),
      rest_(rest),
      store_(store),
      clock_(clock),
      settings_(std::move(settings)) {}

core::Result<StageResult> DeliverStage::Run(const store::CallDetails& details) {
  auto message = CallMessageFrom(details, settings_.message);
  if (!message.ok()) return message.error();

  // Both deliveries are attempted whatever the other's outcome: a Telegram outage must not
  // hold back the timeline comment, nor the reverse.
  // Except when this worker's claim was taken over: the call is another worker's now.
  core::Status timeline = core::Ok();
  if (store::Delivery d = Find(details, kTimeline); !Finished(d)) {
    timeline = DeliverTimeline(details, *message, std::move(d));
    if (!timeline.ok() && store::IsLeaseLost(timeline.error())) return timeline.error();
  }
  core::Status telegram = core::Ok();
  if (store::Delivery d = Find(details, kTelegram); !Finished(d)) {
    telegram = DeliverTelegram(details, *message, std::move(d));
    if (!telegram.ok() && store::IsLeaseLost(telegram.error())) return telegram.error();
  }
  core::Status card = core::Ok();
  if (settings_.attach_transcript) {
    if (store::Delivery d = Find(details, kCardTranscript); !Finished(d) && d.status != "failed") {
      card = AttachTranscript(details, std::move(d));
    }
  }
  if (!telegram.ok()) return telegram.error();
  if (!timeline.ok()) return timeline.error();
  if (!card.ok()) return card.error();
  return StageResult{.next = store::Stage::kDone};
}

core::Status DeliverStage::Save(const store::CallDetails& details, const store::Delivery& d) {
  // Under the worker's claim: after a takeover it is refused, and the stage stops sending.
  return store_.SaveDelivery(store::LeaseOf(details.call), d);
}

core::Status DeliverStage::AttachTranscript(const store::CallDetails& details,
                                            store::Delivery delivery) {
  const store::CallRecord& call = details.call;
  std::vector<bitrix::CallTranscriptLine> lines;
  bool sides_known = !details.segments.empty();
  for (const store::TranscriptSegment& s : details.segments) {
    sides_known = sides_known && (s.speaker == "manager" || s.speaker == "client");
    lines.push_back({.side = s.speaker == "manager" ? bitrix::TranscriptSide::kUser
                                                    : bitrix::TranscriptSide::kClient,
                     .start_ms = s.start_ms,
                     .end_ms = s.end_ms,
                     .text = s.text});
  }
  if (!sides_known || bitrix::TranscriptionMessages(lines).empty()) {
    // Bitrix24 wants a side for every line; a mono mix would put words in the wrong mouth.
    delivery.status = "skipped";
    delivery.last_error = details.segments.empty()
                              ? "the call has no transcript"
                              : "the recording is a mono mix: who said each line is unknown";
    return Save(details, delivery);
  }
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot attach the transcript in Bitrix24");
  }
  delivery.attempts += 1;
  // Recorded before the request, under the claim: a worker whose claim was taken over stops here.
  if (auto saved = Save(details, delivery); !saved.ok()) return saved;
  auto attached = bitrix::AttachCallTranscript(*rest_, call.bitrix_call_id, lines);
  if (!attached.ok()) {
    const bool retry =
        attached.error().IsRetryable() || attached.error().kind == core::ErrorKind::kConfig;
    delivery.status = retry ? "pending" : "failed";
    delivery.last_error = attached.error().message;
    if (auto saved = Save(details, delivery); !saved.ok()) return saved;
    if (retry) return attached.error();
    spdlog::error("❌ Call {}: the transcript was not attached in Bitrix24: {}", call.bitrix_call_id,
                  attached.error().message);
    return core::Ok();
  }
  delivery.status = "done";
  delivery.last_error.clear();
  delivery.external_id = std::to_string(*attached);
  delivery.delivered_at_ms = core::ToUnixMillis(clock_.Now());
  spdlog::info("✅ Attached the transcript to call {} in Bitrix24 (transcript {})",
               call.bitrix_call_id, *attached);
  return Save(details, delivery);
}

notify::ChatTarget DeliverStage::TelegramTarget() {
  notify::ChatTarget target = settings_.telegram_target;
  auto migrated = store_.GetSetting(MigratedChatSetting(target.chat_id));
  if (migrated.ok() && migrated->has_value()) target.chat_id = **migrated;
  return target;
}

core::Status DeliverStage::DeliverTelegram(const store::CallDetails& details,
                                           const notify::CallMessage& message,
                                           store::Delivery delivery) {
  if (telegram_ == nullptr) {
    return core::Error::Config(
        "TELEGRAM_BOT_TOKEN and TELEGRAM_TARGET_CHAT_ID must be set to send summaries to Telegram");
  }
  const notify::ChatTarget target = TelegramTarget();
  const notify::TelegramDelivery plan = notify::PlanTelegramDelivery(message, settings_.telegram);
  delivery.attempts += 1;
  // Recorded before the first message, under the claim: a worker whose claim was taken over (it
  // was paused longer than the lease) stops here instead of sending the summary a second time.
  if (auto saved = Save(details, delivery); !saved.ok()) return saved;
  auto on_progress = [&](const notify::DeliveryProgress& progress) -> core::Status {
    if (!progress.chat_id.empty() && progress.chat_id != target.chat_id) {
      // The group became a supergroup: every later call goes to the new id at once.
      if (auto kept = store_.PutSetting(MigratedChatSetting(settings_.telegram_target.chat_id),
                                        progress.chat_id);
          !kept.ok()) {
        return kept;
      }
      spdlog::warn("Telegram chat {} is now {}: TELEGRAM_TARGET_CHAT_ID should be updated",
                   settings_.telegram_target.chat_id, progress.chat_id);
    }
    delivery.external_id = ProgressJson(progress);
    return Save(details, delivery);
  };
  auto sent = notify::DeliverToTelegram(*telegram_, target, plan,
                                        ProgressFrom(delivery.external_id), on_progress);
  if (!sent.ok()) {
    delivery.status = sent.error().IsRetryable() || sent.error().kind == core::ErrorKind::kConfig
                          ? "pending"
                          : "failed";
    delivery.last_error = sent.error().message;
    if (auto saved = Save(details, delivery); !saved.ok()) {
      spdlog::warn("could not store the Telegram delivery: {}", saved.error().message);
    }
    return sent.error();
  }
  delivery.status = "done";
  delivery.last_error.clear();
  delivery.external_id = ProgressJson(*sent);
  delivery.delivered_at_ms = core::ToUnixMillis(clock_.Now());
  if (auto saved = Save(details, delivery); !saved.ok()) return saved;
  spdlog::info("✅ Sent to Telegram: call {} ({} message(s){})", details.call.bitrix_call_id,
               sent->message_ids.size(), sent->document_message_id ? " and the transcript" : "");
  return core::Ok();
}

core::Status DeliverStage::DeliverTimeline(const store::CallDetails& details,
                                           const notify::CallMessage& message,
                                           store::Delivery delivery) {
  const store::CallRecord& call = details.call;
  auto skip_unbound = [&] {
    spdlog::info("Call {} is bound to no CRM entity: no timeline comment", call.bitrix_call_id);
    delivery.status = "skipped";
    delivery.last_error = "the call is bound to no CRM entity";
    return Save(details, delivery);
  };
  const bool bound = (!call.crm_entity_type.empty() && call.crm_entity_id.has_value()) ||
                     call.crm_activity_id.has_value();
  // Decided before asking for the portal, so a call with nothing to comment on never waits for
  // BITRIX24_WEBHOOK_URL (`callbrief process --deliver` on a local file).
  if (!bound) return skip_unbound();
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot comment on the CRM timeline");
  }
  bitrix::CallFacts facts;
  facts.call_id = call.bitrix_call_id;
  facts.crm_entity_type = call.crm_entity_type;
  facts.crm_entity_id = call.crm_entity_id;
  facts.crm_activity_id = call.crm_activity_id;
  auto target = bitrix::ChooseTimelineTarget(*rest_, facts);
  if (!target.ok()) return target.error();
  if (!target->has_value()) return skip_unbound();

  // Recorded before the request: if this process dies during it, the next attempt knows the
  // outcome is unknown and looks for the comment before adding another — but only once the
  // earlier request cannot land any more, or a comment it adds late would be a second one.
  const bool previous_attempt_unknown = delivery.attempts > 0;
  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  if (previous_attempt_unknown && delivery.attempt_started_at_ms) {
    const std::int64_t settled_ms = *delivery.attempt_started_at_ms +
                                    settings_.bitrix_request_timeout.count() + kSettleMarginMs;
    if (now_ms < settled_ms) {
      return core::Error::RateLimited(
          "an earlier request adding the timeline comment may still be running in Bitrix24: "
          "looking for its comment once it must have ended",
          std::chrono::milliseconds(settled_ms - now_ms));
    }
  }
  delivery.attempts += 1;
  delivery.attempt_started_at_ms = now_ms;
  if (auto saved = Save(details, delivery); !saved.ok()) return saved;
  auto comment =
      bitrix::AddCommentOnce(*rest_, **target, call.bitrix_call_id,
                             notify::FormatTimelineComment(message), previous_attempt_unknown);
  if (!comment.ok()) {
    delivery.status = comment.error().IsRetryable() ? "pending" : "failed";
    delivery.last_error = comment.error().message;
    if (auto saved = Save(details, delivery); !saved.ok()) {
      spdlog::warn("could not store the timeline delivery: {}", saved.error().message);
    }
    return comment.error();
  }
  delivery.status = "done";
  delivery.last_error.clear();
  delivery.external_id = std::to_string(*comment);
  delivery.delivered_at_ms = core::ToUnixMillis(clock_.Now());
  spdlog::info("✅ Added to the Bitrix24 timeline: call {} ({} {}, comment {}): {}",
               call.bitrix_call_id, (*target)->entity_type, (*target)->entity_id, *comment,
               (*target)->reason);
  return Save(details, delivery);
}

}  // namespace callbrief::pipeline
