#include "bitrix/rest_client.h"

#include <map>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/json_bounded.h"
#include "net/http_error.h"

namespace callbrief::bitrix {
namespace {

using core::Error;

std::optional<std::int64_t> OptionalInteger(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A scalar as text: strings as they are, numbers in decimal, true/false; "" for null, absent
// and containers (a container is no code and no description; its excerpt is not worth a line).
std::string ScalarText(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return fmt::format("{}", value.get<double>());
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "";
    default:
      return "";
  }
}

// Whether the envelope says "error": a key `error` that is not null, false or "". The old CRM
// proxy answers errors with an empty code and the text in error_description (crm.activity.get
// docs), so a non-empty error_description beside `error` counts as well.
bool HasErrorCode(const nlohmann::json& body) {
  if (!body.contains("error")) return false;
  if (!ErrorCodeOf(body).empty()) return true;
  auto description = body.find("error_description");
  return description != body.end() && !ScalarText(*description).empty();
}

// `time.operating_reset_at` of an envelope (unix seconds, integer or fractional; limits.md,
// "Resource Consumption Limits"); nullopt when absent or not a plausible number.
std::optional<core::TimePoint> OperatingResetAt(const nlohmann::json& body) {
  if (!body.is_object()) return std::nullopt;
  auto time = body.find("time");
  if (time == body.end() || !time->is_object()) return std::nullopt;
  auto reset = time->find("operating_reset_at");
  if (reset == time->end() || !reset->is_number()) return std::nullopt;
  double seconds = reset->get<double>();
  if (!(seconds > 0) || seconds > 1e11) return std::nullopt;
  return core::FromUnixMillis(static_cast<std::int64_t>(seconds * 1000));
}

// When nothing says when a method blocked by OPERATION_TIME_LIMIT frees up: the budget is counted
// over ten one-minute baskets (limits.md: "480 seconds within a 10-minute period"), so the oldest
// basket leaves within a minute.
constexpr std::chrono::seconds kUnknownResetWait{60};

class WebhookRestClient final : public RestClient {
 public:
  WebhookRestClient(net::HttpClient& http, RateLimiter* limiter, RestClientOptions options)
      : http_(http),
        limiter_(limiter),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? *options_.clock : core::SystemClock::Instance()) {}

  core::Result<RestResponse> Call(std::string_view method, const nlohmann::json& params) override {
    if (options_.app == nullptr && options_.webhook_url.empty()) {
      return Error::Config(fmt::format(
          "calling {}: BITRIX24_WEBHOOK_URL is not set; add the inbound webhook URL of the portal",
          method));
    }
    // OPERATION_TIME_LIMIT blocks one method for every application and webhook of the portal
    // (limits.md); asking again before the reset only costs the portal's request budget.
    if (auto blocked = BlockedFor(method)) {
      return Error::RateLimited(
          fmt::format("Bitrix24 {}: the portal blocked this method for its resource limit "
                      "(OPERATION_TIME_LIMIT); not calling it for another {} s",
                      method, std::chrono::ceil<std::chrono::seconds>(*blocked).count()),
          *blocked);
    }
    if (options_.app == nullptr) return Send(method, params, options_.webhook_url, "");
    auto grant = options_.app->Current();
    if (!grant) return grant.error().WithContext(fmt::format("Bitrix24 {}", method));
    auto reply = Send(method, params, grant->rest_endpoint, grant->access_token);
    // settings/oauth/auto-renewal.md: on an invalid access token, refresh and repeat the request
    // once with the new one.
    if (!reply &&
        (reply.error().code == "expired_token" || reply.error().code == "invalid_token")) {
      auto renewed = options_.app->Renew(grant->access_token);
      if (!renewed) return renewed.error().WithContext(fmt::format("Bitrix24 {}", method));
      reply = Send(method, params, renewed->rest_endpoint, renewed->access_token);
    }
    return reply;
  }

 private:
  // One request: to the webhook (`access_token` empty) or to the application's REST endpoint
  // with the token as the `auth` parameter of the JSON body (event.bind, app.info: "cURL (OAuth)").
  core::Result<RestResponse> Send(std::string_view method, const nlohmann::json& params,
                                  const std::string& base_url, const std::string& access_token) {
    if (limiter_) {
      auto waited = limiter_->Acquire();
      if (waited > std::chrono::milliseconds(500)) {
        spdlog::debug("Bitrix24 {} waited {} ms for the request budget", method,
                      std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
      }
    }
    net::HttpRequest request;
    request.method = "POST";
    request.url = base_url + std::string(method) + ".json";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (access_token.empty()) {
      request.body = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      nlohmann::json with_auth = params.is_object() ? params : nlohmann::json::object();
      with_auth["auth"] = access_token;
      request.body = with_auth.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    request.timeout = options_.timeout;

    auto response = http_.Send(request);
    if (!response) return response.error().WithContext(fmt::format("Bitrix24 {}", method));
    // The boundary: whatever JSON the portal answers, nothing thrown by nlohmann::json leaves
    // here. Every reading below is written not to throw; this catch is the guarantee that a shape
    // nobody foresaw (a D7 controller's numeric `error` once crashed the whole process) becomes
    // an Error of this call instead.
    try {
      return Interpret(method, *response);
    } catch (const nlohmann::json::exception& e) {
      std::string what =
          fmt::format("Bitrix24 {}: HTTP {}: the answer has an unexpected shape ({})", method,
                      response->status, e.what());
      if (response->IsSuccess()) return Error::Transient(what);
      return net::ErrorForStatus(*response, what);
    }
  }

  // How long `method` stays blocked by an OPERATION_TIME_LIMIT seen earlier; nullopt when it is
  // not.
  std::optional<std::chrono::milliseconds> BlockedFor(std::string_view method) {
    std::lock_guard lock(mu_);
    auto it = budgets_.find(method);
    if (it == budgets_.end() || !it->second.blocked_until) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*it->second.blocked_until -
                                                                      clock_.Now());
    if (left.count() <= 0) {
      it->second.blocked_until.reset();
      return std::nullopt;
    }
    return left;
  }

  // The reset time of a successful reply is remembered per method: the 429 itself carries no
  // `time` block (an error envelope is {"error", "error_description"}, _includes/error-info.md),
  // so this is the only source of when the method frees up.
  void RememberReset(std::string_view method, const nlohmann::json& body) {
    auto reset = OperatingResetAt(body);
    if (!reset) return;
    std::lock_guard lock(mu_);
    budgets_[std::string(method)].reset_at = *reset;
  }

  core::Error Blocked(std::string_view method, core::Error error) {
    const core::TimePoint now = clock_.Now();
    std::lock_guard lock(mu_);
    Budget& budget = budgets_[std::string(method)];
    if (!error.retry_after) {
      if (budget.reset_at && *budget.reset_at > now) {
        error.retry_after = std::max<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(*budget.reset_at - now),
            std::chrono::seconds(1));
        error.message += " (waiting until operating_reset_at of its last successful reply)";
      } else {
        error.retry_after = kUnknownResetWait;
        error.message += " (no reset time known: waiting a minute)";
      }
    }
    budget.blocked_until = now + *error.retry_after;
    return error;
  }

  core::Result<RestResponse> Interpret(std::string_view method, const net::HttpResponse& response) {
    auto body = core::ParseBoundedJson(response.body);
    bool has_result = body.is_object() && body.contains("result") && !HasErrorCode(body);
    if (response.IsSuccess() && has_result) {
      RememberReset(method, body);
      return RestResponse{std::move(body["result"]), OptionalInteger(body, "total"),
                          OptionalInteger(body, "next")};
    }
    if (body.is_discarded()) {
      if (response.IsSuccess()) {
        return Error::Transient(fmt::format("Bitrix24 {}: the answer is not JSON: {}", method,
                                            net::BodyExcerpt(response.body)));
      }
      return net::ErrorForStatus(response, fmt::format("Bitrix24 {}", method));
    }
    core::Error error =
        ErrorFromReply(method, response.status, body, clock_.Now(), options_.app != nullptr);
    if (error.code == "OPERATION_TIME_LIMIT") return Blocked(method, std::move(error));
    return error;
  }

  struct Budget {
    std::optional<core::TimePoint> reset_at;       // From the last successful reply.
    std::optional<core::TimePoint> blocked_until;  // After a 429 OPERATION_TIME_LIMIT.
  };

  net::HttpClient& http_;
  RateLimiter* limiter_;
  RestClientOptions options_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Budget, std::less<>> budgets_;  // Guarded by mu_; by method name.
};

}  // namespace

std::string_view ScopeOfMethod(std::string_view method) {
  if (method.starts_with("voximplant.") || method.starts_with("telephony.")) return "telephony";
  if (method.starts_with("disk.")) return "disk";
  if (method.starts_with("crm.")) return "crm";
  if (method.starts_with("user.")) return "user";
  if (method.starts_with("tasks.")) return "task";  // api-reference/tasks: Scope `task`.
  return "";
}

namespace {

// When OPERATION_TIME_LIMIT's budget resets, if the reply says: as a wait from `now` of at least
// a second.
std::optional<std::chrono::milliseconds> WaitUntilReset(const nlohmann::json& body,
                                                        core::TimePoint now) {
  auto reset = OperatingResetAt(body);
  if (!reset) return std::nullopt;
  return std::max<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(*reset - now), std::chrono::seconds(1));
}

core::Error Classify(std::string_view method, int http_status, const nlohmann::json& body,
                     core::TimePoint now, bool local_app) {
  std::string code = ErrorCodeOf(body);
  std::string description;
  if (body.is_object()) {
    if (auto it = body.find("error_description"); it != body.end()) description = ScalarText(*it);
  }
  std::string what =
      fmt::format("Bitrix24 {}: HTTP {} {}{}{}", method, http_status, net::BodyExcerpt(code, 80),
                  description.empty() ? "" : ": ", net::BodyExcerpt(description));
  if (code == "QUERY_LIMIT_EXCEEDED") {
    return Error::RateLimited(what + " (the portal's request budget)", std::chrono::seconds(1));
  }
  if (code == "OPERATION_TIME_LIMIT") return Error::RateLimited(what, WaitUntilReset(body, now));
  // "No active webhook with the specified user identifier and secret code was found"
  // (_includes/system-errors.md).
  if (local_app && (code == "NO_AUTH_FOUND" || code == "expired_token" || code == "invalid_token" ||
                    code == "INVALID_CREDENTIALS")) {
    return Error::Config(what +
                         " — the portal refused callbrief's application token: if the application "
                         "was removed from Bitrix24, install it again");
  }
  if (local_app && code == "insufficient_scope") {
    return Error::Config(fmt::format(
        "{} — the local application lacks a permission: in Bitrix24 add the \"{}\" scope to "
        "callbrief's application and reinstall it",
        what, ScopeOfMethod(method).empty() ? "required" : ScopeOfMethod(method)));
  }
  if (code == "NO_AUTH_FOUND" || code == "expired_token" || code == "INVALID_CREDENTIALS") {
    return Error::Config(what +
                         " — the portal refused the webhook: check BITRIX24_WEBHOOK_URL "
                         "(the inbound webhook may have been deleted, expired or regenerated)");
  }
  if (code == "insufficient_scope") {
    std::string_view scope = ScopeOfMethod(method);
    return Error::Config(fmt::format(
        "{} — the inbound webhook lacks a permission: in Bitrix24 add the \"{}\" scope to the "
        "webhook of BITRIX24_WEBHOOK_URL",
        what, scope.empty() ? "required" : scope));
  }
  // The same code says "REST is available only on commercial plans" / "only by subscription"
  // when the plan has no REST API at all (_includes/system-errors.md).
  if (code == "ACCESS_DENIED" && (description.find("commercial plan") != std::string::npos ||
                                  description.find("subscription") != std::string::npos)) {
    return Error::Config(what +
                         " — the portal's Bitrix24 plan does not include the REST API: "
                         "callbrief needs a plan (or trial) with REST access");
  }
  // "REST API is blocked due to overload. This is a manual individual block. To have it lifted,
  // contact Bitrix24 technical support" (_includes/system-errors.md): retrying cannot help.
  if (code == "OVERLOAD_LIMIT") {
    return Error::Config(
        what +
        " — Bitrix24 has blocked the portal's REST API by hand (a manual, "
        "individual block); only Bitrix24 technical support can lift it. Until then "
        "calls are parked and looked at again from time to time");
  }
  if (code == "ACCESS_DENIED" || code == "user_access_error") {
    return Error::Config(what +
                         " — the webhook's user may not do this: create the inbound webhook "
                         "as a portal administrator (only they see every call and recording)");
  }
  if (code == "PORTAL_DELETED") return Error::Config(what + " — the portal is closed or deleted");
  if (http_status >= 500 || code == "INTERNAL_SERVER_ERROR") {
    return Error::Transient(what);
  }
  return Error::Permanent(what);
}

}  // namespace

std::string ErrorCodeOf(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  auto it = body.find("error");
  return it == body.end() ? "" : ScalarText(*it);
}

core::Error ErrorFromReply(std::string_view method, int http_status, const nlohmann::json& body,
                           core::TimePoint now, bool local_app) {
  core::Error error = Classify(method, http_status, body, now, local_app);
  error.code = ErrorCodeOf(body);
  return error;
}

std::unique_ptr<RestClient> MakeRestClient(net::HttpClient& http, RateLimiter* limiter,
                                           RestClientOptions options) {
  return std::make_unique<WebhookRestClient>(http, limiter, std::move(options));
}

}  // namespace callbrief::bitrix
