#include "openai/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

#include "core/json_bounded.h"
#include "core/redact.h"
#include "net/http_error.h"

namespace callbrief::openai {
namespace {

std::string StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// A Go-style duration as OpenAI prints it: "1.2s", "20ms", "6m0s", "1h2m3.5s".
std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view text) {
  double total_ms = 0;
  bool any = false;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
      ++digits;
    }
    if (digits == 0) break;
    double value = std::atof(std::string(text.substr(0, digits)).c_str());
    text.remove_prefix(digits);
    double unit = 0;
    if (text.starts_with("ms")) {
      unit = 1;
      text.remove_prefix(2);
    } else if (text.starts_with("s")) {
      unit = 1000;
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      unit = 60000;
      text.remove_prefix(1);
    } else if (text.starts_with("h")) {
      unit = 3600000;
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total_ms += value * unit;
    any = true;
  }
  // A wait past a year is not a hint but garbage; beyond 2^63 ms the conversion would be
  // undefined behaviour (and "1e999" or "1.2.3" may give inf or nan).
  if (!any || !(total_ms >= 0 && total_ms <= 365.0 * 24 * 3600 * 1000)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(total_ms)));
}

// A non-negative decimal number ("1500", "1.5", "0.25"), or nullopt.
std::optional<double> ParseDecimal(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 20) return std::nullopt;
  bool dot = false;
  for (char c : text) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  if (text == ".") return std::nullopt;
  double value = std::atof(std::string(text).c_str());
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> RetryAfter(const net::HttpResponse& response,
                                                    core::TimePoint now) {
  // openai-python _base_client.py _parse_retry_after_header: retry-after-ms first (a float of
  // milliseconds), then retry-after as (possibly fractional) seconds, then as an HTTP date.
  if (auto ms = response.Header("retry-after-ms")) {
    if (auto value = ParseDecimal(*ms)) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(*value)));
    }
  }
  if (auto header = response.Header("retry-after")) {
    if (auto seconds = ParseDecimal(*header)) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(*seconds * 1000)));
    }
    return net::ParseRetryAfter(*header, now);
  }
  return std::nullopt;
}

ErrorBody ParseErrorBody(std::string_view body) {
  ErrorBody out;
  auto json = core::ParseBoundedJson(body);
  if (!json.is_object()) return out;
  auto error = json.find("error");
  if (error == json.end()) return out;
  if (error->is_string()) {
    out.message = error->get<std::string>();
    return out;
  }
  if (!error->is_object()) return out;
  out.message = StringField(*error, "message");
  out.type = StringField(*error, "type");
  out.param = StringField(*error, "param");
  out.code = StringField(*error, "code");
  if (out.code.empty() && error->contains("code") && (*error)["code"].is_number_integer()) {
    out.code = std::to_string((*error)["code"].get<long long>());
  }
  return out;
}

std::optional<std::chrono::milliseconds> RetryHintFromMessage(std::string_view message) {
  constexpr std::string_view kMarker = "try again in ";
  std::size_t at = message.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + kMarker.size());
  std::size_t end = 0;
  while (end < rest.size() &&
         (std::isalnum(static_cast<unsigned char>(rest[end])) || rest[end] == '.')) {
    ++end;
  }
  std::string_view duration = rest.substr(0, end);
  if (duration.ends_with('.')) duration.remove_suffix(1);
  return ParseGoDuration(duration);
}

std::string WithoutSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

core::Error ErrorFromResponse(const net::HttpResponse& response, std::string_view context,
                              const ErrorSettings& settings, core::TimePoint now) {
  ErrorBody body = ParseErrorBody(response.body);
  std::string code = body.code.empty() ? body.type : body.code;
  std::string what = fmt::format("{}: HTTP {}", context, response.status);
  // "(code)", not "code:": the redactor would take "invalid_api_key: text" for a secret field.
  if (!code.empty()) what += " (" + code + ")";
  std::string detail = net::BodyExcerpt(body.message.empty() ? response.body : body.message, 300);
  if (!detail.empty()) what += " " + detail;

  core::Error error;
  const int status = response.status;
  if (status == 401) {
    error = core::Error::Config(
        fmt::format("{} — the API key was refused: check {}", what, settings.api_key_setting));
  } else if (status == 403 && code == "unsupported_country_region_territory") {
    error = core::Error::Config(fmt::format(
        "{} — the provider refuses requests from this country or region: set {} to a proxy or "
        "another OpenAI-compatible provider",
        what, settings.base_url_setting));
  } else if (status == 403) {
    error = core::Error::Config(
        fmt::format("{} — the key may not use model \"{}\": check {} and {}", what, settings.model,
                    settings.api_key_setting, settings.model_setting));
  } else if (status == 404) {
    error = core::Error::Config(
        fmt::format("{} — check {} (\"{}\") and that {} points at an OpenAI-compatible /v1 API",
                    what, settings.model_setting, settings.model, settings.base_url_setting));
  } else if (status == 429 &&
             (body.code == "insufficient_quota" || body.type == "insufficient_quota")) {
    error = core::Error::Permanent(fmt::format(
        "{} — the account has run out of credit: add credit or raise the spending limit in the "
        "provider's billing settings; retrying will not help",
        what));
    code = "insufficient_quota";
  } else if (status == 429) {
    auto after = RetryAfter(response, now);
    if (!after) after = RetryHintFromMessage(body.message);
    error = core::Error::RateLimited(what + " — the provider's rate limit", after);
  } else if (status == 413) {
    error = core::Error::Permanent(
        what + " — the upload is larger than the provider accepts (OpenAI: 25 MB per file)");
  } else if (status == 408 || status == 409 || status == 425 || status >= 500) {
    // openai-python _base_client.py _should_retry: 408 (request timeout), 409 (lock timeout),
    // 429 and every 5xx are retried.
    error = core::Error::Transient(what);
    error.retry_after = RetryAfter(response, now);
  } else {
    error = core::Error::Permanent(what);
  }
  // _should_retry: "If the server explicitly says whether or not to retry, obey." Configuration
  // errors stay what they are: parking is no retry of the same request.
  if (auto should_retry = response.Header("x-should-retry")) {
    if (*should_retry == "true" && error.kind == core::ErrorKind::kPermanent) {
      error.kind = core::ErrorKind::kTransient;
      error.message += " (the server asked for a retry: x-should-retry true)";
      error.retry_after = RetryAfter(response, now);
    } else if (*should_retry == "false" && (error.kind == core::ErrorKind::kTransient ||
                                            error.kind == core::ErrorKind::kRateLimited)) {
      error.kind = core::ErrorKind::kPermanent;
      error.message += " (the server said not to retry: x-should-retry false)";
      error.retry_after.reset();
    }
  }
  error.message = WithoutSecret(core::Redact(error.message), settings.secret);
  error.code = code;
  return error;
}

}  // namespace callbrief::openai
