#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "notify/message.h"
#include "notify/telegram_client.h"

namespace callbrief::notify {

// Where a call's transcript goes in Telegram (proposed setting TELEGRAM_TRANSCRIPT).
enum class TranscriptMode {
  kOff,       // Nowhere.
  kInline,    // In the message, in an expandable quote, however many parts that takes.
  kDocument,  // As a .txt document after the message.
  kAuto,      // Inline when short (DeliveryOptions::inline_transcript_max_utf16) and the whole
              // message within kTelegramMaxEntities, else a document.
};

struct DeliveryOptions {
  TranscriptMode transcript = TranscriptMode::kAuto;
  // kAuto puts a transcript inline up to this many visible UTF-16 units: about a 3-minute call,
  // so that together with the summary it still fits one message.
  std::size_t inline_transcript_max_utf16 = 2500;
};

// Everything one call sends to Telegram, in order: the message parts, then the document.
struct TelegramDelivery {
  std::vector<std::string> parts{};  // HTML, each within the length limit.
  std::optional<TelegramDocument> document{};
};

// What to send for `message` (its transcript placed as `options` say). Pure.
TelegramDelivery PlanTelegramDelivery(const CallMessage& message, const DeliveryOptions& options);

// How far a delivery got; the pipeline stores it with the call after every step.
struct DeliveryProgress {
  // The chat the parts went to; empty until something was sent or a migration was followed. It
  // differs from the target's after a group was upgraded to a supergroup.
  std::string chat_id{};
  std::vector<std::int64_t> message_ids{};  // Of parts[0], parts[1], … in order.
  std::optional<std::int64_t> document_message_id{};

  bool IsComplete(const TelegramDelivery& delivery) const {
    return message_ids.size() >= delivery.parts.size() &&
           (!delivery.document || document_message_id.has_value());
  }
};

// Called after every message sent and after a migration is followed, before anything else is
// sent. An error stops the delivery and is returned (nothing more is sent unrecorded).
using ProgressSink = std::function<core::Status(const DeliveryProgress&)>;

// Sends what `progress` does not record as sent yet: parts from progress.message_ids.size() on,
// then the document unless progress has its id. Sends to progress.chat_id when set (a migration
// an earlier attempt followed), else to target.chat_id, in target.thread_id.
// When Telegram answers that the group became a supergroup, the new id is recorded in the progress,
// reported, and the same part sent again to it (once per call of this function; the refused
// request sent nothing). Any other error is returned with the context "delivering to Telegram",
// everything sent before it having been reported; calling again with the reported progress
// continues where it stopped. The Bot API has no idempotency key: after a transport error that
// hid whether a part arrived (a timeout), the retry sends that part again.
// Returns the final progress.
core::Result<DeliveryProgress> DeliverToTelegram(TelegramClient& client, const ChatTarget& target,
                                                 const TelegramDelivery& delivery,
                                                 DeliveryProgress progress,
                                                 const ProgressSink& on_progress);

}  // namespace callbrief::notify
