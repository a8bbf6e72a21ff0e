#include "net/http_error.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/redact.h"

namespace callbrief::net {
namespace {

std::optional<long long> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Length of the valid UTF-8 sequence starting at text[at], or 0 if it is not one.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = lead < 0x80                    ? 1
                       : lead >= 0xC2 && lead <= 0xDF ? 2
                       : lead >= 0xE0 && lead <= 0xEF ? 3
                       : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                      : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (std::size_t i = at + 1; i < at + length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
  if (length == 3 &&
      ((lead == 0xE0 && byte(at + 1) < 0xA0) || (lead == 0xED && byte(at + 1) > 0x9F))) {
    return 0;
  }
  if (length == 4 &&
      ((lead == 0xF0 && byte(at + 1) < 0x90) || (lead == 0xF4 && byte(at + 1) > 0x8F))) {
    return 0;
  }
  return length;
}

core::ErrorKind KindForStatus(int status) {
  if (status == 429) return core::ErrorKind::kRateLimited;
  if (status == 408 || status == 425 || (status >= 500 && status <= 599)) {
    return core::ErrorKind::kTransient;
  }
  return core::ErrorKind::kPermanent;
}

std::optional<std::chrono::milliseconds> RetryAfterOf(const HttpResponse& response,
                                                      core::TimePoint now) {
  if (auto ms = response.Header("retry-after-ms")) {
    if (auto value = ParseDigits(Trim(*ms))) return std::chrono::milliseconds(*value);
  }
  if (auto value = response.Header("retry-after")) return ParseRetryAfter(*value, now);
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         core::TimePoint now) {
  value = Trim(value);
  if (auto seconds = ParseDigits(value)) return std::chrono::seconds(*seconds);
  // An HTTP-date always names a weekday and a month; requiring a letter keeps curl_getdate from
  // reading other numbers as dates.
  if (std::none_of(value.begin(), value.end(),
                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  std::string text(value);
  time_t at = curl_getdate(text.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  // Compared in seconds first: from_time_t of a year the clock cannot hold (4052, found by
  // fuzz/time_fuzz) overflows. A date more than a year ahead is no real hint; a past one is 0.
  const time_t now_seconds = std::chrono::system_clock::to_time_t(now);
  constexpr time_t kYear = 365 * 24 * 3600;
  if (at <= now_seconds) return std::chrono::milliseconds(0);
  if (at - now_seconds > kYear) return std::nullopt;
  auto wait = std::chrono::system_clock::from_time_t(at) - now;
  return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(wait),
                  std::chrono::milliseconds(0));
}

std::string BodyExcerpt(std::string_view body, std::size_t max_chars) {
  // Error pages are short; a huge body is not worth redacting whole for 200 characters of it.
  constexpr std::size_t kWindow = 64 * 1024;
  if (max_chars == 0) return {};
  const std::string redacted = core::Redact(body.substr(0, kWindow));
  const std::string_view text = redacted;
  std::string out;
  std::size_t chars = 0;
  std::size_t cut = 0;  // Where the excerpt ends if it needs an ellipsis.
  bool pending_space = false;
  // Appends one character; false once the excerpt has grown past max_chars.
  auto emit = [&](std::string_view character) {
    out.append(character);
    if (++chars == max_chars - 1) cut = out.size();
    return chars <= max_chars;
  };
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = Utf8SequenceLength(text, at);
    unsigned char lead = static_cast<unsigned char>(text[at]);
    if (length == 1 && (lead <= 0x20 || lead == 0x7F)) {
      pending_space = !out.empty();
      ++at;
      continue;
    }
    std::string_view piece = length == 0 ? std::string_view("?") : text.substr(at, length);
    if (!((!pending_space || emit(" ")) && emit(piece))) {
      out.resize(cut);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      return out + "…";
    }
    pending_space = false;
    at += length == 0 ? 1 : length;
  }
  return out;
}

core::Error ErrorForStatus(const HttpResponse& response, std::string_view context,
                           core::TimePoint now) {
  std::string message;
  if (!context.empty()) message.append(context).append(": ");
  message += "HTTP " + std::to_string(response.status);
  std::string excerpt = BodyExcerpt(response.body);
  if (!excerpt.empty()) message += " " + excerpt;
  message = core::Redact(message);

  core::ErrorKind kind = KindForStatus(response.status);
  if (kind == core::ErrorKind::kRateLimited) {
    return core::Error::RateLimited(std::move(message), RetryAfterOf(response, now));
  }
  return {kind, std::move(message), std::nullopt, {}};
}

core::Error ErrorForStatus(const HttpResponse& response, std::string_view context) {
  return ErrorForStatus(response, context, core::SystemClock::Instance().Now());
}

}  // namespace callbrief::net
