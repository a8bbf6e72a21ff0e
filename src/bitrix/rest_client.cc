#include "bitrix/rest_client.h"

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

class WebhookRestClient final : public RestClient {
 public:
  WebhookRestClient(net::HttpClient& http, RateLimiter* limiter, RestClientOptions options)
      : http_(http), limiter_(limiter), options_(std::move(options)) {}

  core::Result<RestResponse> Call(std::string_view method, const nlohmann::json& params) override {
    if (options_.webhook_url.empty()) {
      return Error::Config(fmt::format(
          "calling {}: BITRIX24_WEBHOOK_URL is not set; add the inbound webhook URL of the portal",
          method));
    }
    if (limiter_) {
      auto waited = limiter_->Acquire();
      if (waited > std::chrono::milliseconds(500)) {
        spdlog::debug("Bitrix24 {} waited {} ms for the request budget", method,
                      std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
      }
    }
    net::HttpRequest request;
    request.method = "POST";
    request.url = options_.webhook_url + std::string(method) + ".json";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

 private:
  static core::Result<RestResponse> Interpret(std::string_view method,
                                              const net::HttpResponse& response) {
    auto body = core::ParseBoundedJson(response.body);
    bool has_result = body.is_object() && body.contains("result") && !HasErrorCode(body);
    if (response.IsSuccess() && has_result) {
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
    return ErrorFromReply(method, response.status, body, core::SystemClock::Instance().Now());
  }

  net::HttpClient& http_;
  RateLimiter* limiter_;
  RestClientOptions options_;
};

}  // namespace

std::string_view ScopeOfMethod(std::string_view method) {
  if (method.starts_with("voximplant.") || method.starts_with("telephony.")) return "telephony";
  if (method.starts_with("disk.")) return "disk";
  if (method.starts_with("crm.")) return "crm";
  if (method.starts_with("user.")) return "user";
  return "";
}

namespace {

// When OPERATION_TIME_LIMIT's budget resets: `time.operating_reset_at` (unix seconds, integer or
// fractional; limits.md), as a wait from `now` of at least a second; nullopt when absent or not a
// number.
std::optional<std::chrono::milliseconds> WaitUntilReset(const nlohmann::json& body,
                                                        core::TimePoint now) {
  auto time = body.find("time");
  if (time == body.end() || !time->is_object()) return std::nullopt;
  auto reset = time->find("operating_reset_at");
  if (reset == time->end() || !reset->is_number()) return std::nullopt;
  double seconds = reset->get<double>();
  if (!(seconds > 0) || seconds > 1e11) return std::nullopt;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
      core::FromUnixMillis(static_cast<std::int64_t>(seconds * 1000)) - now);
  return std::max(wait, std::chrono::milliseconds(1000));
}

core::Error Classify(std::string_view method, int http_status, const nlohmann::json& body,
                     core::TimePoint now) {
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
  if (code == "NO_AUTH_FOUND" || code == "expired_token") {
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
  if (code == "ACCESS_DENIED" || code == "INVALID_CREDENTIALS" || code == "user_access_error") {
    return Error::Config(what +
                         " — the webhook's user may not do this: create the inbound webhook "
                         "as a portal administrator (only they see every call and recording)");
  }
  if (code == "PORTAL_DELETED") return Error::Config(what + " — the portal is closed or deleted");
  if (code == "OVERLOAD_LIMIT" || http_status >= 500 || code == "INTERNAL_SERVER_ERROR") {
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
                           core::TimePoint now) {
  core::Error error = Classify(method, http_status, body, now);
  error.code = ErrorCodeOf(body);
  return error;
}

std::unique_ptr<RestClient> MakeRestClient(net::HttpClient& http, RateLimiter* limiter,
                                           RestClientOptions options) {
  return std::make_unique<WebhookRestClient>(http, limiter, std::move(options));
}

}  // namespace callbrief::bitrix
