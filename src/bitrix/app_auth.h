#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"

namespace callbrief::bitrix {

// The OAuth 2.0 tokens of callbrief's local application on one portal (b24restdocs
// settings/oauth/index.md). `access_token` opens REST calls for an hour; `refresh_token` gets a
// new pair and lives 180 days (settings/oauth/auto-renewal.md).
struct AppTokens {
  std::string access_token;
  std::string refresh_token;
  std::string member_id;
  core::TimePoint expires_at{};    // Of the access token.
  core::TimePoint refreshed_at{};  // When this pair was issued (installed or refreshed).
};

// How callbrief reaches the portal as its local application. Implemented by app::LocalApp, which
// keeps the tokens encrypted in the store; thread-safe.
class AppAuth {
 public:
  struct Grant {
    std::string rest_endpoint;  // "https://acme.bitrix24.ru/rest/"
    std::string access_token;
  };
  virtual ~AppAuth() = default;
  // A token to call with, refreshed first when it is about to expire. kConfig when the
  // application is not installed (the message says how to install it).
  virtual core::Result<Grant> Current() = 0;
  // After the portal refused `rejected` (expired_token): a newer token — one another instance
  // stored meanwhile, or a refreshed one.
  virtual core::Result<Grant> Renew(std::string_view rejected) = 0;
};

// When a token pair is due for a refresh (pure; the refresh schedule):
//  - for use: the access token expires within `kRefreshMargin` (or has expired);
//  - to keep it alive: the pair is older than `kKeepAliveAge`, well inside the refresh token's
//    180 days, so an installation whose REST client sat idle for months still works.
// The documentation warns against refreshing more often than needed (auto-renewal.md: "every
// hour or every day — this is excessive"): nothing else triggers a refresh.
inline constexpr std::chrono::minutes kRefreshMargin{5};
inline constexpr std::chrono::hours kKeepAliveAge{24 * 30};
bool NeedsRefreshForUse(const AppTokens& tokens, core::TimePoint now);
bool NeedsKeepAliveRefresh(const AppTokens& tokens, core::TimePoint now);

struct OAuthSettings {
  std::string token_url;  // BITRIX24_OAUTH_URL, default https://oauth.bitrix.info/oauth/token/
  std::string client_id;
  std::string client_secret;
  std::chrono::milliseconds timeout{30000};
};

// What the authorization server answered a refresh with (auto-renewal.md): the new pair and the
// portal it belongs to.
struct RefreshedTokens {
  AppTokens tokens;
  std::string client_endpoint;
};

// grant_type=refresh_token at the authorization server, the parameters in a POST form body (not
// in the URL, which proxies log). Errors: invalid_grant (the refresh token is spent, revoked or
// the application was removed) and invalid_client (wrong client id or secret) → kConfig naming
// what to do; 5xx and network errors → kTransient. No message contains a token or the secret.
core::Result<RefreshedTokens> RefreshAppTokens(net::HttpClient& http, const OAuthSettings& settings,
                                               std::string_view refresh_token, core::TimePoint now);

// Reads an authorization server's token reply (pure). kPermanent when a field is missing.
core::Result<RefreshedTokens> ParseTokenReply(const nlohmann::json& body, core::TimePoint now);

}  // namespace callbrief::bitrix
