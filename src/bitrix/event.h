#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace callbrief::bitrix {

inline constexpr std::string_view kCallEndEvent = "ONVOXIMPLANTCALLEND";

// An outbound event as Bitrix24 posts it to a handler: `event`, `data[…]`, `ts`, `auth[…]`.
struct WebhookEvent {
  std::string event;              // Upper-cased event code, e.g. ONVOXIMPLANTCALLEND.
  std::string application_token;  // auth[application_token]; "" when absent.
  std::string domain;             // auth[domain]; "" when absent.
  nlohmann::json data;            // The `data` object; null when absent.
  // The whole body with every credential in `auth` removed: safe to store and to show.
  nlohmann::json sanitized;
};

// Decodes a handler request body. Bitrix24 sends application/x-www-form-urlencoded with PHP-style
// keys (data[CALL_ID]=…); JSON is accepted too (tests, proxies, hand-made requests). A missing
// Content-Type is sniffed from the first byte. Errors are kInvalidInput with the reason.
core::Result<WebhookEvent> DecodeWebhook(std::string_view content_type, std::string_view body);
// The body as DecodeWebhook reads it, credentials and all (an object; bounded depth). For the
// local application's install, which needs the tokens in `auth`.
core::Result<nlohmann::json> DecodeEventBody(std::string_view content_type, std::string_view body);

// Bitrix24 CALL_TYPE values.
enum class CallType {
  kOutgoing = 1,
  kIncoming = 2,
  kIncomingRedirected = 3,
  kCallback = 4,
  kInfo = 5
};

// The `data` of ONVOXIMPLANTCALLEND (all values arrive as strings). Only CALL_ID is required: the
// other fields are what the event happens to carry; the resolve stage gets the authoritative
// facts from voximplant.statistic.get. A field present but unreadable is left empty and named in
// `warnings`, never a reason to refuse the event: Bitrix24 does not resend a refused event.
struct CallEndedData {
  std::string call_id;
  std::optional<int> call_type;
  std::string phone_number;   // The client's number.
  std::string portal_number;  // The line used.
  std::optional<std::int64_t> portal_user_id;
  std::optional<int> duration_seconds;
  std::optional<std::int64_t> started_at_ms;
  std::string failed_code;  // "200" = completed.
  std::string failed_reason;
  std::optional<std::int64_t> crm_activity_id;
  std::vector<std::string> warnings;
};

core::Result<CallEndedData> ParseCallEnded(const nlohmann::json& data);

// True for calls the portal placed (outgoing, callback, informational), false for incoming ones.
bool IsOutgoing(int call_type);

// Limits on a CALL_ID we accept: Bitrix24's are ~40 printable ASCII characters.
inline constexpr std::size_t kMaxCallIdLength = 200;

}  // namespace callbrief::bitrix
