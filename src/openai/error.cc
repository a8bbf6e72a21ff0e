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
  if (!any) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(total_ms)));
}

}  // namespace

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
    core::Error by_status = net::ErrorForStatus(response, context, now);
    auto after = by_status.retry_after;
    if (!after) after = RetryHintFromMessage(body.message);
    error = core::Error::RateLimited(what + " — the provider's rate limit", after);
  } else if (status == 413) {
    error = core::Error::Permanent(
        what + " — the upload is larger than the provider accepts (OpenAI: 25 MB per file)");
  } else {
    core::Error by_status = net::ErrorForStatus(response, context, now);
    error = core::Error{by_status.kind, what, by_status.retry_after, {}};
  }
  error.message = WithoutSecret(core::Redact(error.message), settings.secret);
  error.code = code;
  return error;
}

}  // namespace callbrief::openai
