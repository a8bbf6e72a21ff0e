#include "http/edge_limits.h"

#include "http/http_message.h"

namespace callbrief::http {

int StatusOf(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return 200;
    case Refusal::kHeadersTooLarge:
    case Refusal::kTooManyHeaderLines:
      return 431;
    case Refusal::kBodyTooLarge:
      return 413;
    case Refusal::kContentEncoding:
      return 415;
    case Refusal::kMethodNotImplemented:
    case Refusal::kTransferCodingNotImplemented:
      return 501;
    case Refusal::kRequestTimeout:
      return 408;
    case Refusal::kIncomplete:
      return 400;
  }
  return 400;
}

std::string_view ReasonLabel(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return "none";
    case Refusal::kHeadersTooLarge:
      return "headers_too_large";
    case Refusal::kTooManyHeaderLines:
      return "too_many_headers";
    case Refusal::kBodyTooLarge:
      return "body_too_large";
    case Refusal::kContentEncoding:
      return "content_encoding";
    case Refusal::kMethodNotImplemented:
      return "method";
    case Refusal::kTransferCodingNotImplemented:
      return "transfer_encoding";
    case Refusal::kRequestTimeout:
      return "request_timeout";
    case Refusal::kIncomplete:
      return "incomplete";
  }
  return "unknown";
}

std::string_view Explanation(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return "";
    case Refusal::kHeadersTooLarge:
      return "request headers are too large (at most 16 KiB)";
    case Refusal::kTooManyHeaderLines:
      return "too many request header lines (at most 100)";
    case Refusal::kBodyTooLarge:
      return "request body is too large";
    case Refusal::kContentEncoding:
      return "compressed request bodies (Content-Encoding) are not accepted";
    case Refusal::kMethodNotImplemented:
      return "method not implemented";
    case Refusal::kTransferCodingNotImplemented:
      return "only the chunked transfer coding is implemented";
    case Refusal::kRequestTimeout:
      return "the request was not complete in time";
    case Refusal::kIncomplete:
      return "incomplete request";
  }
  return "";
}

Refusal CheckHead(const RequestHead& head, const EdgeLimits& limits) {
  if (head.header_lines > limits.max_header_lines) return Refusal::kTooManyHeaderLines;
  if (head.header_bytes > limits.max_header_bytes) return Refusal::kHeadersTooLarge;
  if (head.method != "GET" && head.method != "HEAD" && head.method != "POST") {
    return Refusal::kMethodNotImplemented;
  }
  if (head.transfer_encoding && !HeaderNameEquals(*head.transfer_encoding, "chunked")) {
    return Refusal::kTransferCodingNotImplemented;
  }
  // "identity" is no coding at all (RFC 9110, 8.4.1); anything else would have to be inflated,
  // which turns a small body into an unbounded one.
  if (head.content_encoding && !HeaderNameEquals(*head.content_encoding, "identity")) {
    return Refusal::kContentEncoding;
  }
  if (head.content_length && *head.content_length > limits.max_body_bytes) {
    return Refusal::kBodyTooLarge;
  }
  return Refusal::kNone;
}

}  // namespace callbrief::http
