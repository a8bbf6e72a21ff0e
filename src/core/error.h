#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace callbrief::core {

// What the caller should do about a failure. Retry policies switch on this and nothing else.
enum class ErrorKind {
  kTransient,     // Try the same thing again after a backoff (timeouts, 5xx, lost connections).
  kRateLimited,   // Try again, but not before `retry_after` (429, QUERY_LIMIT_EXCEEDED).
  kPermanent,     // Trying again cannot help (400, 404, damaged audio, quota exhausted).
  kConfig,        // A setting is missing or wrong; wait until the operator fixes it.
  kInvalidInput,  // The request we were handed is malformed; tell the sender.
};

std::string_view ErrorKindName(ErrorKind kind);

// A failure as a value: a kind that tells what to do, and a message a person can act on, written
// with context ("fetching recording for call X: HTTP 404 from disk.file.get").
struct Error {
  ErrorKind kind = ErrorKind::kPermanent;
  std::string message;
  std::optional<std::chrono::milliseconds> retry_after;  // Only for kRateLimited; a server hint.
  // The service's own error code when it gave one ("QUERY_LIMIT_EXCEEDED", "insufficient_quota"),
  // for callers that react to one code in particular; never parse `message` for it.
  std::string code;

  static Error Transient(std::string message) {
    return {ErrorKind::kTransient, std::move(message), {}, {}};
  }
  static Error Permanent(std::string message) {
    return {ErrorKind::kPermanent, std::move(message), {}, {}};
  }
  static Error Config(std::string message) {
    return {ErrorKind::kConfig, std::move(message), {}, {}};
  }
  static Error InvalidInput(std::string message) {
    return {ErrorKind::kInvalidInput, std::move(message), {}, {}};
  }
  static Error RateLimited(std::string message, std::optional<std::chrono::milliseconds> after) {
    return {ErrorKind::kRateLimited, std::move(message), after, {}};
  }

  // The same error with `context` put in front: "context: message".
  [[nodiscard]] Error WithContext(std::string_view context) const;
  bool IsRetryable() const {
    return kind == ErrorKind::kTransient || kind == ErrorKind::kRateLimited;
  }
};

}  // namespace callbrief::core
