#include "pipeline/alerts_channel.h"

#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::pipeline {
namespace {

using nlohmann::json;

// What has been sent of a call's alerts, as kept in deliveries.external_id.
struct AlertProgress {
  std::map<std::string, std::int64_t> sent{};  // Rule key → message id (0: outcome unknown).
  std::string trying{};                        // The rule key whose request is out.
};

AlertProgress ProgressFrom(const std::string& text) {
  AlertProgress p;
  const json in = core::ParseBoundedJson(text);
  if (!in.is_object()) return p;
  if (in.contains("sent") && in["sent"].is_object()) {
    for (const auto& [key, id] : in["sent"].items()) {
      p.sent[key] = id.is_number_integer() ? id.get<std::int64_t>() : 0;
    }
  }
  if (in.contains("trying") && in["trying"].is_string()) p.trying = in["trying"].get<std::string>();
  return p;
}

std::string ProgressJson(const AlertProgress& p) {
  json out = {{"sent", json::object()}};
  for (const auto& [key, id] : p.sent) out["sent"][key] = id;
  if (!p.trying.empty()) out["trying"] = p.trying;
  return out.dump();
}

}  // namespace

AlertsChannel::AlertsChannel(notify::TelegramClient* telegram, notify::ChatTarget target,
                             AlertRules rules)
    : telegram_(telegram), target_(std::move(target)), rules_(rules) {}

core::Result<Delivered> AlertsChannel::Deliver(const DeliveryJob& job, DeliveryRecord& record) {
  const std::vector<notify::Alert> alerts = AlertsFor(job.details, job.message, rules_);
  if (alerts.empty()) return Delivered::Skipped("no alert rule fired on this call");
  if (telegram_ == nullptr) {
    return core::Error::Config("TELEGRAM_BOT_TOKEN must be set to send alerts");
  }
  const std::string& call = job.details.call.bitrix_call_id;
  AlertProgress progress = ProgressFrom(record.external_id);
  if (!progress.trying.empty()) {
    // The last run ended during this request without learning its outcome (a crash).
    spdlog::warn(
        "⚠️ Call {}: the alert \"{}\" may have reached Telegram before the process stopped; it "
        "is "
        "not sent again",
        call, progress.trying);
    progress.sent.emplace(progress.trying, 0);
    progress.trying.clear();
  }
  record.attempts += 1;
  int sent_now = 0;
  for (const notify::Alert& alert : alerts) {
    if (progress.sent.contains(alert.key)) continue;
    progress.trying = alert.key;
    record.external_id = ProgressJson(progress);
    // Saved under the claim before the request: a worker whose claim was taken over stops here,
    // and a crash during the request leaves "trying" for the next run to see.
    if (auto saved = job.save(record); !saved.ok()) return saved.error();
    auto message_id = telegram_->SendMessage(target_, notify::FormatAlertHtml(job.message, alert));
    progress.trying.clear();
    if (!message_id.ok()) {
      record.external_id = ProgressJson(progress);
      return message_id.error().WithContext(
          fmt::format("sending an alert to TELEGRAM_ALERT_CHAT_ID {}", target_.chat_id));
    }
    progress.sent[alert.key] = *message_id;
    record.external_id = ProgressJson(progress);
    if (auto saved = job.save(record); !saved.ok()) return saved.error();
    ++sent_now;
  }
  return Delivered::Done(ProgressJson(progress),
                         fmt::format("🚨 Sent {} alert(s) for call {} to Telegram", sent_now, call));
}

}  // namespace callbrief::pipeline
