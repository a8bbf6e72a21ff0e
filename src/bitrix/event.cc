#include "bitrix/event.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "bitrix/json_fields.h"
#include "core/clock.h"
#include "core/json_bounded.h"
#include "core/php_form.h"

namespace callbrief::bitrix {
namespace {

using core::Error;
using core::Result;

// Credentials a Bitrix24 event may carry in `auth` (tokens of the user who triggered it).
constexpr std::string_view kAuthSecrets[] = {"access_token", "refresh_token", "application_token"};

std::string_view MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

Result<nlohmann::json> DecodeBody(std::string_view content_type, std::string_view body) {
  std::string_view type = MediaType(content_type);
  bool json = EqualsIgnoreCase(type, "application/json") ||
              (type.empty() && !body.empty() && body.front() == '{');
  if (json) {
    // Checked before parsing: a copy of a deeper value recurses once per level (a 240 KB body of
    // nested arrays overflowed the stack before the token was even looked at).
    if (core::JsonNestsDeeperThan(body)) {
      return Error::InvalidInput(
          fmt::format("JSON body nests deeper than {} levels", core::kMaxJsonDepth));
    }
    auto parsed = core::ParseBoundedJson(body);
    if (parsed.is_discarded()) return Error::InvalidInput("body is not valid JSON");
    if (!parsed.is_object()) return Error::InvalidInput("JSON body must be an object");
    return parsed;
  }
  if (type.empty() || EqualsIgnoreCase(type, "application/x-www-form-urlencoded")) {
    auto form = core::DecodePhpForm(body);
    if (!form) return form.error().WithContext("form body");
    return *form;
  }
  return Error::InvalidInput(fmt::format(
      "unsupported Content-Type \"{}\": send application/x-www-form-urlencoded or application/json",
      type.substr(0, 64)));
}

template <typename Int>
std::optional<Int> IntField(const nlohmann::json& data, const char* name,
                            std::vector<std::string>* warnings) {
  bool malformed = false;
  auto value = IntegerField(data, name, &malformed);
  if (malformed) {
    warnings->push_back(
        fmt::format("{} is not a whole number: \"{}\"", name, TextField(data, name).substr(0, 32)));
  }
  if (!value) return std::nullopt;
  return static_cast<Int>(*value);
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

Result<nlohmann::json> DecodeEventBody(std::string_view content_type, std::string_view body) {
  return DecodeBody(content_type, body);
}

Result<WebhookEvent> DecodeWebhook(std::string_view content_type, std::string_view body) {
  if (body.empty()) return Error::InvalidInput("empty body");
  auto decoded = DecodeBody(content_type, body);
  if (!decoded) return decoded.error();
  nlohmann::json& root = *decoded;

  WebhookEvent event;
  event.event = TextField(root, "event");
  if (event.event.empty()) return Error::InvalidInput("no \"event\" field");
  std::transform(event.event.begin(), event.event.end(), event.event.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (auto auth = root.find("auth"); auth != root.end() && auth->is_object()) {
    event.application_token = TextField(*auth, "application_token");
    event.domain = TextField(*auth, "domain");
    for (std::string_view secret : kAuthSecrets) auth->erase(std::string(secret));
  }
  if (auto data = root.find("data"); data != root.end()) event.data = *data;
  event.sanitized = std::move(root);
  return event;
}

Result<CallEndedData> ParseCallEnded(const nlohmann::json& data) {
  if (!data.is_object()) return Error::InvalidInput("no data[…] fields in the event");
  CallEndedData call;
  call.call_id = TextField(data, "CALL_ID");
  if (call.call_id.empty()) return Error::InvalidInput("data[CALL_ID] is missing or empty");
  if (call.call_id.size() > kMaxCallIdLength || !IsPrintableAscii(call.call_id)) {
    return Error::InvalidInput(fmt::format(
        "data[CALL_ID] must be at most {} printable ASCII characters", kMaxCallIdLength));
  }
  auto& w = call.warnings;
  call.call_type = IntField<int>(data, "CALL_TYPE", &w);
  call.phone_number = TextField(data, "PHONE_NUMBER");
  call.portal_number = TextField(data, "PORTAL_NUMBER");
  call.portal_user_id = IntField<std::int64_t>(data, "PORTAL_USER_ID", &w);
  call.duration_seconds = IntField<int>(data, "CALL_DURATION", &w);
  call.failed_code = TextField(data, "CALL_FAILED_CODE");
  call.failed_reason = TextField(data, "CALL_FAILED_REASON");
  call.crm_activity_id = IntField<std::int64_t>(data, "CRM_ACTIVITY_ID", &w);
  if (std::string start = TextField(data, "CALL_START_DATE"); !start.empty()) {
    core::TimePoint t;
    if (core::ParseIso8601(start, &t)) {
      call.started_at_ms = core::ToUnixMillis(t);
    } else {
      w.push_back(
          fmt::format("CALL_START_DATE is not an ISO-8601 date: \"{}\"", start.substr(0, 40)));
    }
  }
  return call;
}

bool IsOutgoing(int call_type) {
  return call_type == static_cast<int>(CallType::kOutgoing) ||
         call_type == static_cast<int>(CallType::kCallback) ||
         call_type == static_cast<int>(CallType::kInfo);
}

}  // namespace callbrief::bitrix
