#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "fakes/portal_types.h"

namespace callbrief::fakes {

// What the Bitrix24 queue server puts around an event besides `data`: the handler id, the send
// time and the `auth` block an outgoing webhook receives (domain, client_endpoint,
// server_endpoint, member_id, application_token; no OAuth tokens). FakeBitrix24::Envelope() gives
// the values of a running fake.
struct EventEnvelope {
  std::string domain = "example.bitrix24.ru";
  std::string client_endpoint = "https://example.bitrix24.ru/rest/";
  std::string server_endpoint = "https://oauth.bitrix.info/rest/";
  std::string member_id = "a223e8d5c0f64b7f9e2b1c3d4e5f6a7b";
  std::string event_handler_id = "1061";
  std::int64_t ts = 0;  // Unix seconds; 0: now.
};

// The User-Agent the queue server posts events with.
inline constexpr char kQueueUserAgent[] = "Bitrix24 Webhook Engine";

// The `data` of ONVOXIMPLANTCALLEND for `call`: exactly the documented fields, built from the
// statistic row as vi_rest.php does, all values strings (CALL_START_DATE in ISO-8601, COST as PHP
// prints a double: "0", "1.5"). PORTAL_USER_ID and CRM_ACTIVITY_ID are left out when the row has
// none (null is dropped by http_build_query). `call` should come from FakeBitrix24::FindCall so
// that its generated fields are filled in.
nlohmann::json CallEndEventData(const CallRecord& call);

// The x-www-form-urlencoded body as the queue server posts it, fields in PHP's order:
// event, event_handler_id, data[...], ts, auth[...]; keys and values encoded by EncodePhpForm.
std::string CallEndEventBody(const CallRecord& call, std::string_view application_token,
                             const EventEnvelope& envelope = {});

// Posts CallEndEventBody to `handler_url` ("http://host:port/path") with the queue server's
// Content-Type and User-Agent. Waits at most 10 s for the answer.
httplib::Result PostCallEnd(const std::string& handler_url, const CallRecord& call,
                            std::string_view application_token, const EventEnvelope& envelope = {});

// Any event as the queue server posts it: event, event_handler_id, data[...], ts, auth[...] in
// the given order, each field encoded by EncodePhpForm.
using FormFields = std::vector<std::pair<std::string, std::string>>;
std::string EventFormBody(std::string_view event, const FormFields& data, const FormFields& auth,
                          std::string_view event_handler_id = "1061");

// Posts a form body to `url` as the queue server does (Content-Type, User-Agent, 10 s).
httplib::Result PostEventForm(const std::string& url, const std::string& body);

}  // namespace callbrief::fakes
