#include "http/webhook_intake.h"

#include <openssl/crypto.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/event.h"
#include "bitrix/stored_call.h"
#include "core/log.h"
#include "http/session.h"

namespace callbrief::http {
namespace {

store::IncomingCall ToIncomingCall(const bitrix::WebhookEvent& event,
                                   const bitrix::CallEndedData& data, std::int64_t now_ms,
                                   std::string remote_addr) {
  store::IncomingCall call;
  call.bitrix_call_id = data.call_id;
  call.source = store::CallSource::kWebhook;
  bitrix::CopyCallFacts(data, call);
  call.received_at_ms = now_ms;
  call.event_name = event.event;
  // Invalid UTF-8 cannot come from the form decoder, but JSON bodies may carry odd escapes.
  call.event_json = event.sanitized.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  call.remote_addr = std::move(remote_addr);
  return call;
}

nlohmann::json ErrorBody(std::string_view reason) {
  return {{"status", "error"}, {"error", reason}};
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Both sides are first reduced to an HMAC under a key nobody outside this process knows, then
  // the fixed-size digests are compared in constant time: neither where the values differ nor
  // how long the secret is shows in the timing (a byte loop runs as long as the longer input).
  static const std::string key = RandomHex(32);
  const std::string mac_a = HmacSha256Hex(key, a);
  const std::string mac_b = HmacSha256Hex(key, b);
  return CRYPTO_memcmp(mac_a.data(), mac_b.data(), mac_a.size()) == 0;
}

namespace {

EventTokenCheck FixedTokenCheck(std::string application_token) {
  if (application_token.empty()) return {};
  return {[token = std::move(application_token)](std::string_view presented) {
            if (ConstantTimeEquals(presented, token)) return EventToken::kAccepted;
            return presented.empty() ? EventToken::kMissing : EventToken::kMismatch;
          },
          "BITRIX24_APPLICATION_TOKEN"};
}

}  // namespace

WebhookIntake::WebhookIntake(std::string application_token, store::GroupCommitter& committer,
                             const core::Clock& clock, std::function<void()> on_new_call)
    : WebhookIntake(FixedTokenCheck(std::move(application_token)), committer, clock,
                    std::move(on_new_call)) {}

WebhookIntake::WebhookIntake(EventTokenCheck token_check, store::GroupCommitter& committer,
                             const core::Clock& clock, std::function<void()> on_new_call)
    : token_check_(std::move(token_check)),
      committer_(committer),
      clock_(clock),
      on_new_call_(std::move(on_new_call)) {}

IntakeResponse WebhookIntake::Reject(int status, std::string_view refusal, std::string_view reason,
                                     const IntakeRequest& request) {
  spdlog::warn("❌ Rejected Bitrix24 webhook from {} with {}: {}", request.remote_addr, status,
               reason);
  return {status, ErrorBody(reason), refusal};
}

IntakeResponse WebhookIntake::Handle(const IntakeRequest& request) {
  auto event = bitrix::DecodeWebhook(request.content_type, request.body);
  if (!event) return Reject(400, "malformed", event.error().message, request);

  if (token_check_.check) {
    switch (token_check_.check(event->application_token)) {
      case EventToken::kAccepted:
        break;
      case EventToken::kMissing:
        return Reject(401, "token_missing", "auth[application_token] is missing", request);
      case EventToken::kMismatch:
        return Reject(
            401, "token_mismatch",
            fmt::format("auth[application_token] does not match {}", token_check_.expected_name),
            request);
    }
  }
  if (event->event != bitrix::kCallEndEvent) {
    spdlog::info("Ignored Bitrix24 event {} from {}: only {} is processed", event->event,
                 request.remote_addr, bitrix::kCallEndEvent);
    return {200, {{"status", "ignored"}, {"event", event->event}}};
  }
  auto data = bitrix::ParseCallEnded(event->data);
  if (!data) return Reject(400, "invalid_call_event", data.error().message, request);

  core::CallLogScope scope(data->call_id);
  spdlog::info("📞 Received call webhook from Bitrix24");
  for (const std::string& warning : data->warnings) {
    spdlog::warn("Event field ignored: {}", warning);
  }
  auto now_ms = core::ToUnixMillis(clock_.Now());
  auto recorded =
      committer_.Submit(ToIncomingCall(*event, *data, now_ms, request.remote_addr)).get();
  if (!recorded) {
    spdlog::error("❌ Could not store the call event: {}", recorded.error().message);
    return {503, ErrorBody("the event could not be stored; it was not accepted"),
            "store_unavailable"};
  }
  if (recorded->outcome == store::IntakeOutcome::kErased) {
    // Erased on a data subject's request (`callbrief calls erase`): Bitrix24 is told the event
    // arrived, so it does not send it again, and nothing of it is kept.
    spdlog::info("Event for a call erased on request: not stored");
    return {200, {{"status", "ignored"}, {"call_id", data->call_id}, {"reason", "erased"}}};
  }
  bool duplicate = recorded->outcome == store::IntakeOutcome::kDuplicate;
  if (duplicate) {
    spdlog::info("Duplicate event for a known call (id {}): nothing changed", recorded->id);
  } else {
    spdlog::debug("Call stored as id {}", recorded->id);
    if (on_new_call_) on_new_call_();
  }
  return {200,
          {{"status", "ok"},
           {"call_id", data->call_id},
           {"id", recorded->id},
           {"duplicate", duplicate}}};
}

}  // namespace callbrief::http
