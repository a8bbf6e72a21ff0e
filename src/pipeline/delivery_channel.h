#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "notify/message.h"
#include "store/call.h"

namespace callbrief::pipeline {

// Where the deliver stage sends a call. The names are what the store keeps in deliveries.channel
// (and what the API and `callbrief calls` show), so a value's name never changes once released.
enum class Channel {
  kTelegram,        // "telegram": the summary message (and transcript) in the team's chat.
  kTimeline,        // "bitrix_timeline": a comment on the call's CRM entity.
  kCardTranscript,  // "bitrix_transcript": the transcript on the call's card in Bitrix24.
  kTasks,           // "bitrix_tasks": a Bitrix24 task per action item of the summary.
  kAlerts,          // "telegram_alerts": alerts to TELEGRAM_ALERT_CHAT_ID (alerts_channel.h).
};
std::string_view ChannelName(Channel channel);
std::optional<Channel> ChannelFromName(std::string_view name);

// Where one channel's delivery of one call stands.
enum class DeliveryStatus {
  kPending,  // Not delivered yet; the stage's next run tries again.
  kDone,     // Delivered; never sent again.
  kSkipped,  // Nothing to deliver on this channel (last_error says why); final.
  kFailed,   // Trying again cannot help (last_error says why).
};
std::string_view DeliveryStatusName(DeliveryStatus status);
std::optional<DeliveryStatus> DeliveryStatusFromName(std::string_view name);

// THE rule for what a failed delivery attempt means, one for every channel. It says what the
// call's retry policy (retry_policy.h) will do with the same error, so the status never promises
// something else: transient and rate-limited errors are retried after a backoff, and a
// configuration error parks the call until the operator fixes the setting — then the delivery is
// tried again, so it is pending, not failed (a "failed" delivery that goes out an hour later
// would be a lie). Only permanent errors and invalid input fail the delivery.
DeliveryStatus DeliveryStatusAfter(const core::Error& error);

// One channel's delivery of one call as the pipeline sees it; the store keeps it as
// store::Delivery (strings at that edge: ToStoreDelivery, DeliveryFromStore).
struct DeliveryRecord {
  Channel channel = Channel::kTelegram;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  std::string external_id{};  // The channel's own progress or result (a message id, a comment id).
  std::string last_error{};   // Why it is pending, skipped or failed.
  std::optional<std::int64_t> delivered_at_ms{};
  // When the latest attempt started: after a crash, how long its request may still be running.
  std::optional<std::int64_t> attempt_started_at_ms{};
};

store::Delivery ToStoreDelivery(const DeliveryRecord& record);
// kPermanent for a status this version does not know (written by a newer one): guessing could
// send a call twice or never.
core::Result<DeliveryRecord> DeliveryFromStore(Channel channel, const store::Delivery& stored);

// How a channel's Deliver() ended when it did not fail.
struct Delivered {
  DeliveryStatus status = DeliveryStatus::kDone;  // kDone or kSkipped.
  std::string external_id{};                      // kDone: what was delivered (kept in the record).
  std::string reason{};    // kSkipped: why there is nothing to deliver (shown to people).
  std::string log_line{};  // kDone: logged at info once the record is stored.

  static Delivered Done(std::string external_id, std::string log_line) {
    return {.status = DeliveryStatus::kDone,
            .external_id = std::move(external_id),
            .log_line = std::move(log_line)};
  }
  static Delivered Skipped(std::string reason) {
    return {.status = DeliveryStatus::kSkipped, .reason = std::move(reason)};
  }
};

// What a channel gets to deliver one call.
struct DeliveryJob {
  const store::CallDetails& details;
  const notify::CallMessage& message;
  // Stores the channel's record under the worker's claim of the call. After a takeover (this
  // worker was paused or its clock stepped past the lease) it answers store::LeaseLost, and the
  // channel must stop and return that error: the call belongs to another claim now.
  std::function<core::Status(const DeliveryRecord&)> save;
};

// One place a call's summary goes (docs/architecture.md, "Adding a channel"). The deliver stage
// owns the channels, runs each one whose record is not finished, and writes the final record:
// status, last_error and delivered_at from what Deliver() returns, by DeliveryStatusAfter for an
// error. A channel only sends, and keeps its progress.
//
// Exactly once: a channel records an attempt (job.save) BEFORE every outside effect that must not
// be repeated, and keeps in `record.external_id` what it has sent so far, so a run after a crash
// or an error continues where the last one stopped; when a request's outcome is unknown (a
// timeout, a crash during it) it finds out before sending again, or says in its header why a
// repeat is harmless. Implementations are thread-safe: workers deliver different calls at once.
class DeliveryChannel {
 public:
  virtual ~DeliveryChannel() = default;

  virtual Channel channel() const = 0;

  // Required channels hold the call until they are delivered: a permanent failure fails the call
  // (someone must look) and a retry of the call tries them again. A best-effort channel's
  // permanent failure is recorded and the call is done without it; it is not tried again.
  virtual bool required() const = 0;

  // Delivers what `record` (the stored one; a fresh pending one on the first run) does not show
  // as delivered yet. Errors carry the kind DeliveryStatusAfter and the retry policy switch on.
  virtual core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) = 0;
};

}  // namespace callbrief::pipeline
