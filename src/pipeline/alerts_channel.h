#pragma once

#include "notify/telegram_client.h"
#include "pipeline/alert_rules.h"
#include "pipeline/delivery_channel.h"

namespace callbrief::pipeline {

// Alerts (issue 17, item 3): for each rule that fires on a call (AlertsFor), one short message to
// the alerts' chat and topic (TELEGRAM_ALERT_CHAT_ID, TELEGRAM_ALERT_THREAD_ID) with the reason,
// the quote and a link to the call (notify::FormatAlertHtml). Skipped, with the reason, when no
// rule fires. Sent through the same paced Telegram client as the summaries, so the bot's limits
// are shared (notify::TelegramPacer, one PacingLedger).
//
// Best effort: the summary reached the team through the required channels; an alert Telegram
// refuses for good is recorded on the call page and the call is done without it. Retryable and
// configuration errors keep the delivery pending like any other channel's.
//
// Once per call and rule: `external_id` keeps {"sent":{"<rule key>":<message id>,…}} and, while a
// request is out, {"trying":"<rule key>"}, saved before it is sent. An alert already in "sent" is
// never sent again, so a retry of the stage (another channel failed) sends nothing twice. After
// a crash during a request (the record still says "trying") the alert is counted as sent with
// message id 0 and not sent again: the Bot API cannot tell whether it arrived, and a lost alert
// is the lesser harm here than a second one. After an error Telegram answered (or a transport
// error) the key is cleared and the alert is tried again on the next run; a request that timed
// out after Telegram accepted it is the one case that sends it twice.
class AlertsChannel final : public DeliveryChannel {
 public:
  // `telegram` is null without TELEGRAM_BOT_TOKEN (kConfig when an alert is due).
  AlertsChannel(notify::TelegramClient* telegram, notify::ChatTarget target, AlertRules rules);

  Channel channel() const override { return Channel::kAlerts; }
  bool required() const override { return false; }
  core::Result<Delivered> Deliver(const DeliveryJob& job, DeliveryRecord& record) override;

 private:
  notify::TelegramClient* telegram_;
  const notify::ChatTarget target_;
  const AlertRules rules_;
};

}  // namespace callbrief::pipeline
