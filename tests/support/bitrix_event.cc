#include "support/bitrix_event.h"

#include <nlohmann/json.hpp>

namespace callbrief::testing {
namespace {

// PHP's urlencode(): letters, digits and "-_." stay, a space becomes '+', the rest is %XX.
std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
    if (plain) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> BitrixEvent::Fields() const {
  const std::vector<std::pair<std::string, std::string>> all = {
      {"event", event},
      {"event_handler_id", event_handler_id},
      {"data[CALL_ID]", call_id},
      {"data[CALL_TYPE]", call_type},
      {"data[PHONE_NUMBER]", phone_number},
      {"data[PORTAL_NUMBER]", portal_number},
      {"data[PORTAL_USER_ID]", portal_user_id},
      {"data[CALL_DURATION]", call_duration},
      {"data[CALL_START_DATE]", call_start_date},
      {"data[COST]", cost},
      {"data[COST_CURRENCY]", cost_currency},
      {"data[CALL_FAILED_CODE]", call_failed_code},
      {"data[CALL_FAILED_REASON]", call_failed_reason},
      {"data[CRM_ACTIVITY_ID]", crm_activity_id},
      {"ts", ts},
      {"auth[domain]", domain},
      {"auth[client_endpoint]", client_endpoint},
      {"auth[server_endpoint]", server_endpoint},
      {"auth[member_id]", member_id},
      {"auth[application_token]", application_token},
  };
  std::vector<std::pair<std::string, std::string>> present;
  for (const auto& field : all) {
    if (!field.second.empty()) present.push_back(field);
  }
  return present;
}

std::string BitrixEvent::FormBody() const {
  std::string body;
  for (const auto& [key, value] : Fields()) {
    if (!body.empty()) body += '&';
    body += UrlEncode(key) + '=' + UrlEncode(value);
  }
  return body;
}

std::string BitrixEvent::JsonBody() const {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [key, value] : Fields()) {
    size_t open = key.find('[');
    if (open == std::string::npos) {
      root[key] = value;
    } else {
      std::string inner = key.substr(open + 1, key.size() - open - 2);
      root[key.substr(0, open)][inner] = value;
    }
  }
  return root.dump();
}

httplib::Result PostForm(httplib::Client& client, const BitrixEvent& event) {
  return client.Post(kWebhookPath, event.FormBody(), kFormContentType);
}

httplib::Result PostJson(httplib::Client& client, const BitrixEvent& event) {
  return client.Post(kWebhookPath, event.JsonBody(), kJsonContentType);
}

}  // namespace callbrief::testing
