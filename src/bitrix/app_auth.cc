#include "bitrix/app_auth.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json_bounded.h"
#include "core/php_form.h"
#include "net/http_error.h"

namespace callbrief::bitrix {
namespace {

using core::Error;

std::string Text(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

// expires_in is seconds (3600 in every example); an absurd value is capped at a day and a missing
// one taken as the documented hour.
std::chrono::seconds ExpiresIn(const nlohmann::json& body) {
  std::int64_t seconds = 3600;
  std::string text = Text(body, "expires_in");
  if (!text.empty()) {
    try {
      seconds = std::stoll(text);
    } catch (const std::exception&) {
    }
  }
  return std::chrono::seconds(std::clamp<std::int64_t>(seconds, 60, 86400));
}

}  // namespace

bool NeedsRefreshForUse(const AppTokens& tokens, core::TimePoint now) {
  return now + kRefreshMargin >= tokens.expires_at;
}

bool NeedsKeepAliveRefresh(const AppTokens& tokens, core::TimePoint now) {
  return now - tokens.refreshed_at >= kKeepAliveAge;
}

core::Result<RefreshedTokens> ParseTokenReply(const nlohmann::json& body, core::TimePoint now) {
  if (!body.is_object()) return Error::Permanent("the token reply is not a JSON object");
  RefreshedTokens out;
  out.tokens.access_token = Text(body, "access_token");
  out.tokens.refresh_token = Text(body, "refresh_token");
  out.tokens.member_id = Text(body, "member_id");
  out.client_endpoint = Text(body, "client_endpoint");
  if (out.tokens.access_token.empty() || out.tokens.refresh_token.empty()) {
    return Error::Permanent("the token reply has no access_token or refresh_token");
  }
  out.tokens.expires_at = now + ExpiresIn(body);
  out.tokens.refreshed_at = now;
  return out;
}

core::Result<RefreshedTokens> RefreshAppTokens(net::HttpClient& http, const OAuthSettings& settings,
                                               std::string_view refresh_token,
                                               core::TimePoint now) {
  net::HttpRequest request;
  request.method = "POST";
  request.url = settings.token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = core::EncodePhpForm({{"grant_type", "refresh_token"},
                                      {"client_id", settings.client_id},
                                      {"client_secret", settings.client_secret},
                                      {"refresh_token", std::string(refresh_token)}});
  request.timeout = settings.timeout;
  auto response = http.Send(request);
  if (!response) {
    return response.error().WithContext("refreshing the Bitrix24 application's tokens");
  }
  auto body = core::ParseBoundedJson(response->body);
  std::string code = body.is_object() ? Text(body, "error") : "";
  if (response->IsSuccess() && code.empty()) {
    auto tokens = ParseTokenReply(body, now);
    if (!tokens) return tokens.error().WithContext("refreshing the Bitrix24 application's tokens");
    return tokens;
  }
  std::string what = fmt::format("refreshing the Bitrix24 application's tokens: HTTP {} {}",
                                 response->status, net::BodyExcerpt(code, 60));
  // settings/oauth/error-codes.md.
  if (code == "invalid_grant") {
    return Error::Config(what +
                         " — the refresh token was refused (spent, older than 180 days, or the "
                         "application was removed): install the application in Bitrix24 again");
  }
  if (code == "invalid_client") {
    return Error::Config(what +
                         " — check BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET (the local "
                         "application's \"Application ID\" and \"Application key\")");
  }
  if (code == "PAYMENT_REQUIRED") return Error::Config(what + " — the portal's plan has expired");
  if (response->status >= 500 || response->status == 0) return Error::Transient(what);
  if (!code.empty()) return Error::Config(what);
  return net::ErrorForStatus(*response, what);
}

}  // namespace callbrief::bitrix
