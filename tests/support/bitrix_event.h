#pragma once

#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

namespace callbrief::testing {

inline constexpr char kWebhookPath[] = "/api/bitrix-webhook/call-finished";
inline constexpr char kFormContentType[] = "application/x-www-form-urlencoded";
inline constexpr char kJsonContentType[] = "application/json";

// One Bitrix24 event as its queue server posts it to an outbound-webhook handler. The defaults are
// a real ONVOXIMPLANTCALLEND (an incoming call of 135 s); tests change what they are about. A
// field left empty is left out of the body altogether.
struct BitrixEvent {
  std::string event = "ONVOXIMPLANTCALLEND";
  std::string event_handler_id = "1061";
  std::string call_id = "5E316880469A6376.1773306964.8740011";
  std::string call_type = "2";  // 1 outgoing, 2 incoming, 3 incoming with redirect, 4 callback.
  std::string phone_number = "+79001234567";
  std::string portal_number = "+79009876543";
  std::string portal_user_id = "1269";
  std::string call_duration = "135";
  std::string call_start_date = "2026-03-11T17:28:46+03:00";
  std::string cost = "0.50";
  std::string cost_currency = "RUR";
  std::string call_failed_code = "200";
  std::string call_failed_reason = "Success call";
  std::string crm_activity_id = "7953";
  std::string ts = "1773239624";
  std::string domain = "acme.bitrix24.ru";
  std::string client_endpoint = "https://acme.bitrix24.ru/rest/";
  std::string server_endpoint = "https://oauth.bitrix.info/rest/";
  std::string member_id = "a223e8d5c0f64b7f9e2b1c3d4e5f6a7b";
  std::string application_token = "5161cafe8cce";

  // The PHP-style fields in the order Bitrix24 sends them, e.g. {"data[CALL_ID]", "…"}.
  std::vector<std::pair<std::string, std::string>> Fields() const;
  // application/x-www-form-urlencoded, keys and values percent-encoded like PHP's urlencode():
  // `data%5BCALL_ID%5D=…&auth%5Bdomain%5D=…`.
  std::string FormBody() const;
  // The same fields as one JSON object with nested `data` and `auth` objects (values are strings).
  std::string JsonBody() const;
};

// Posts `event` to the webhook endpoint form-encoded, as Bitrix24 does.
httplib::Result PostForm(httplib::Client& client, const BitrixEvent& event);
// Posts `event` to the webhook endpoint as JSON.
httplib::Result PostJson(httplib::Client& client, const BitrixEvent& event);

}  // namespace callbrief::testing
