#include "fakes/call_end_event.h"

#include <chrono>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/php_form.h"
#include "fakes/rest_support.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr const char* kDataOrder[] = {
    "CALL_ID",        "CALL_TYPE",        "PHONE_NUMBER",       "PORTAL_NUMBER",
    "PORTAL_USER_ID", "CALL_DURATION",    "CALL_START_DATE",    "COST",
    "COST_CURRENCY",  "CALL_FAILED_CODE", "CALL_FAILED_REASON", "CRM_ACTIVITY_ID"};

// One field `outer[inner]=value` (or `outer=value`) through EncodePhpForm, which sorts keys, so
// that the body can keep PHP's insertion order by joining fields one at a time.
std::string Field(const std::string& outer, const std::string& inner, const std::string& value) {
  json object;
  if (inner.empty()) {
    object[outer] = value;
  } else {
    object[outer][inner] = value;
  }
  return core::EncodePhpForm(object);
}

}  // namespace

json CallEndEventData(const CallRecord& call) {
  json data = json::object();
  data["CALL_ID"] = call.call_id;
  data["CALL_TYPE"] = std::to_string(call.call_type);
  data["PHONE_NUMBER"] = call.phone_number;
  data["PORTAL_NUMBER"] = call.portal_number;
  if (call.portal_user_id > 0) data["PORTAL_USER_ID"] = std::to_string(call.portal_user_id);
  data["CALL_DURATION"] = std::to_string(call.call_duration);
  data["CALL_START_DATE"] = call.call_start ? FormatPortalTime(*call.call_start) : "";
  data["COST"] = fmt::format("{}", call.cost);
  data["COST_CURRENCY"] = call.cost_currency;
  data["CALL_FAILED_CODE"] = call.call_failed_code;
  data["CALL_FAILED_REASON"] = call.call_failed_reason;
  if (call.crm_entity_type && call.crm_activity_id > 0) {
    data["CRM_ACTIVITY_ID"] = std::to_string(call.crm_activity_id);
  }
  return data;
}

std::string CallEndEventBody(const CallRecord& call, std::string_view application_token,
                             const EventEnvelope& envelope) {
  std::int64_t ts = envelope.ts;
  if (ts == 0) {
    ts = std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count();
  }
  json data = CallEndEventData(call);
  std::vector<std::string> fields = {Field("event", "", "ONVOXIMPLANTCALLEND"),
                                     Field("event_handler_id", "", envelope.event_handler_id)};
  for (const char* name : kDataOrder) {
    if (data.contains(name)) fields.push_back(Field("data", name, data[name].get<std::string>()));
  }
  fields.push_back(Field("ts", "", std::to_string(ts)));
  const std::pair<const char*, std::string> auth[] = {
      {"domain", envelope.domain},
      {"client_endpoint", envelope.client_endpoint},
      {"server_endpoint", envelope.server_endpoint},
      {"member_id", envelope.member_id},
      {"application_token", std::string(application_token)},
  };
  for (const auto& [name, value] : auth) fields.push_back(Field("auth", name, value));
  std::string body;
  for (const std::string& field : fields) {
    if (!body.empty()) body += '&';
    body += field;
  }
  return body;
}

std::string EventFormBody(std::string_view event, const FormFields& data, const FormFields& auth,
                          std::string_view event_handler_id) {
  std::vector<std::string> fields = {Field("event", "", std::string(event)),
                                     Field("event_handler_id", "", std::string(event_handler_id))};
  for (const auto& [name, value] : data) fields.push_back(Field("data", name, value));
  fields.push_back(Field("ts", "",
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count())));
  for (const auto& [name, value] : auth) fields.push_back(Field("auth", name, value));
  std::string body;
  for (const std::string& field : fields) {
    if (!body.empty()) body += '&';
    body += field;
  }
  return body;
}

httplib::Result PostEventForm(const std::string& url, const std::string& body) {
  std::size_t scheme = url.find("://");
  std::size_t path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string origin = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(std::chrono::seconds(10));
  client.set_read_timeout(std::chrono::seconds(30));
  httplib::Headers headers = {{"User-Agent", kQueueUserAgent}};
  return client.Post(path, headers, body, "application/x-www-form-urlencoded");
}

httplib::Result PostCallEnd(const std::string& handler_url, const CallRecord& call,
                            std::string_view application_token, const EventEnvelope& envelope) {
  return PostEventForm(handler_url, CallEndEventBody(call, application_token, envelope));
}

}  // namespace callbrief::fakes
