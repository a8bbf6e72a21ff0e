#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bitrix/app_auth.h"
#include "bitrix/rate_limiter.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"

namespace callbrief::bitrix {

// What a REST method answered: `result`, and for list methods `total` and `next` (the `start` of
// the next page; absent on the last one).
struct RestResponse {
  nlohmann::json result;
  std::optional<std::int64_t> total;
  std::optional<std::int64_t> next;
};

// Calls Bitrix24 REST methods through the inbound webhook (…/rest/USER/CODE/<method>.json), or as
// callbrief's local application (…/rest/<method>.json with the access token as `auth`).
// Errors carry a kind the retry policy understands and a message that tells the operator what to
// fix (see ErrorFromReply). Thread-safe.
class RestClient {
 public:
  virtual ~RestClient() = default;
  virtual core::Result<RestResponse> Call(std::string_view method,
                                          const nlohmann::json& params) = 0;
};

struct RestClientOptions {
  std::string webhook_url{};  // Ends with '/', as Config normalises it.
  // The local application's tokens; when set, every call goes to its REST endpoint with its
  // access token (webhook_url is not used). Must outlive the client.
  AppAuth* app = nullptr;
  std::chrono::milliseconds timeout{60000};  // Bitrix24 cloud cuts requests at 60 s anyway.
  const core::Clock* clock = nullptr;        // For OPERATION_TIME_LIMIT waits; null: system clock.
};

// `limiter` may be null (no client-side budget); it is shared by every caller of the client.
std::unique_ptr<RestClient> MakeRestClient(net::HttpClient& http, RateLimiter* limiter,
                                           RestClientOptions options);

// Interprets a reply of `method` that is not a success. Pure; never throws, whatever `body` is.
//  - QUERY_LIMIT_EXCEEDED (HTTP 503, the leaky bucket of limits.md) → kRateLimited (the bucket
//    drains 2/s: retry in a second);
//  - OPERATION_TIME_LIMIT (HTTP 429) → kRateLimited until `time.operating_reset_at` when the reply
//    has one (it usually has not: the client fills in the reset time of the method's last
//    successful reply, and calls nothing of that method before it);
//  - INTERNAL_SERVER_ERROR, any 5xx → kTransient;
//  - OVERLOAD_LIMIT (a manual block only Bitrix24 support lifts), NO_AUTH_FOUND, expired_token,
//    INVALID_CREDENTIALS, insufficient_scope, ACCESS_DENIED, user_access_error, PORTAL_DELETED →
//    kConfig, saying which variable, scope, right or plan to fix, or whom to ask;
//  - anything else (ERROR_NOT_FOUND, ERROR_CORE, ERROR_ARGUMENT, …) → kPermanent.
// `local_app`: the call was made with the local application's token, so an authorization error
// says to reinstall the application instead of naming BITRIX24_WEBHOOK_URL.
core::Error ErrorFromReply(std::string_view method, int http_status, const nlohmann::json& body,
                           core::TimePoint now, bool local_app = false);

// The `error` of an envelope as text; "" when absent, null, false or a container. Never throws.
// Bitrix24 writes it three ways: a string code from CRestServer ("QUERY_LIMIT_EXCEEDED",
// _includes/system-errors.md); a number from the newer D7 controllers, whose Main\Error codes are
// integers passed through unchanged (rest/lib/engine/restmanager.php, createExceptionFromErrors:
// `new RestException($firstError->getMessage(), $firstError->getCode())`; crm.timeline.comment.add
// documents code 100); and "" or null from the old CRM proxy (crm.activity.get).
std::string ErrorCodeOf(const nlohmann::json& body);

// The webhook scope a method needs ("telephony", "disk", "crm", "user", "task"), or "" when
// unknown.
std::string_view ScopeOfMethod(std::string_view method);

}  // namespace callbrief::bitrix
