#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "net/http_client.h"

// How OpenAI-compatible servers report failures, shared by the speech-to-text (asr) and summary
// (llm) clients and `callbrief doctor`. Both providers speak the same protocol; nothing here
// knows about either.
namespace callbrief::openai {

// Names of the operator's settings, so an error can say what to fix, and the one secret that must
// never appear in a message.
struct ErrorSettings {
  std::string api_key_setting{};   // "TRANSCRIBE_API_KEY (or OPENAI_API_KEY)"
  std::string base_url_setting{};  // "TRANSCRIBE_BASE_URL"
  std::string model_setting{};     // "TRANSCRIBE_MODEL"
  std::string model{};             // The model that was asked for.
  std::string secret{};            // The API key.
};

// The parts of an error body: OpenAI's {"error":{"message","type","param","code"}} or the flat
// {"error":"…"} of whisper.cpp's server. Empty strings when absent.
struct ErrorBody {
  std::string message{};
  std::string type{};
  std::string param{};
  std::string code{};
};
ErrorBody ParseErrorBody(std::string_view body);

// The wait a reply asks for, as the openai-python SDK reads it: retry-after-ms (fractional
// milliseconds), else retry-after in (fractional) seconds or as an HTTP date.
std::optional<std::chrono::milliseconds> RetryAfter(const net::HttpResponse& response,
                                                    core::TimePoint now);

// Turns a non-2xx response into an error whose kind says what to do:
//  - 401 → kConfig (the key was refused: names api_key_setting);
//  - 403 → kConfig (region block unsupported_country_region_territory: use a proxy or another
//    provider via base_url_setting; otherwise the key lacks access);
//  - 404 → kConfig (model or URL: names model_setting and base_url_setting);
//  - 429 insufficient_quota → kPermanent, code "insufficient_quota" (add credit; retrying does not
//    help); other 429 → kRateLimited with retry-after(-ms), else the "try again in 1.5s" hint in
//    the message;
//  - 408, 409, 425, 5xx → kTransient; 413 and other 4xx → kPermanent;
//  - an x-should-retry header turns a kPermanent into kTransient ("true") or a kTransient /
//    kRateLimited into kPermanent ("false"), as the openai-python SDK obeys it.
// Error::code is the body's code (or its type when the code is null). The message is
// "<context>: HTTP <status> (<code>) <provider message> — <what to do>", redacted and free of
// settings.secret.
core::Error ErrorFromResponse(const net::HttpResponse& response, std::string_view context,
                              const ErrorSettings& settings, core::TimePoint now);

// "Please try again in 1.2s." / "in 20ms" / "in 6m0s" inside a provider message, as a wait.
std::optional<std::chrono::milliseconds> RetryHintFromMessage(std::string_view message);

// `text` with every occurrence of `secret` replaced by "***" (nothing when secret is empty).
std::string WithoutSecret(std::string text, std::string_view secret);

}  // namespace callbrief::openai
