#pragma once

// What the HTTP edge refuses before a handler sees a request, and why. The webhook URL is public
// (Bitrix24 must reach it), so anyone can send anything: every limit here is checked while the
// request is read, so a hostile client costs a bounded amount of memory and time. Independent of
// the HTTP library (mhd_server.cc applies these decisions).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace callbrief::http {

struct EdgeLimits {
  std::size_t max_header_bytes = 16 * 1024;  // The request line and all header lines.
  std::size_t max_header_lines = 100;
  std::size_t max_body_bytes = 256 * 1024;  // Whatever the framing (Content-Length or chunked).
  // From the first byte of a request until it is read completely.
  std::chrono::seconds request_deadline{10};
  // How long a connection may stay silent (between keep-alive requests, or mid-request).
  std::chrono::seconds idle_timeout{5};
};

enum class Refusal {
  kNone,
  kHeadersTooLarge,               // 431
  kTooManyHeaderLines,            // 431
  kBodyTooLarge,                  // 413
  kContentEncoding,               // 415: compressed bodies are never inflated
  kMethodNotImplemented,          // 501
  kTransferCodingNotImplemented,  // 501: anything but chunked
  kRequestTimeout,                // 408: not complete within the deadline
  kIncomplete,  // closed mid-request (idle, gone, or an unreadable head); no answer
};

int StatusOf(Refusal refusal);
// The label of callbrief_http_refused_total{reason=…}.
std::string_view ReasonLabel(Refusal refusal);
// What the client is told.
std::string_view Explanation(Refusal refusal);

// What the edge knows of a request once its head is read.
struct RequestHead {
  std::string_view method;
  std::size_t header_bytes = 0;  // Request line and header lines, with their line ends.
  std::size_t header_lines = 0;
  std::optional<std::string_view> content_encoding{};
  std::optional<std::string_view> transfer_encoding{};
  std::optional<std::uint64_t> content_length{};
};

// The first limit the head breaks, or kNone.
Refusal CheckHead(const RequestHead& head, const EdgeLimits& limits);

// True when `received` body bytes so far plus `more` would pass the body limit.
inline bool BodyTooLarge(std::size_t received, std::size_t more, const EdgeLimits& limits) {
  return more > limits.max_body_bytes || received > limits.max_body_bytes - more;
}

}  // namespace callbrief::http
