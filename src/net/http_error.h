#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "net/http_client.h"

namespace callbrief::net {

// Turns an HTTP response a caller did not want into an error whose kind says what to do:
//  - 429 → kRateLimited, retry_after from `retry-after-ms` or `Retry-After` (delta-seconds or an
//    HTTP-date, measured from `now`); absent or unreadable → no hint;
//  - 408, 425 and every 5xx → kTransient;
//  - anything else (other 4xx, unexpected 1xx/2xx/3xx) → kPermanent.
// The message is "<context>: HTTP <status> <excerpt>", the excerpt being BodyExcerpt(body).
// Pure: no I/O, no clock of its own.
core::Error ErrorForStatus(const HttpResponse& response, std::string_view context,
                           core::TimePoint now);
// The same, measured from the system clock.
core::Error ErrorForStatus(const HttpResponse& response, std::string_view context);

// A Retry-After value as a wait from `now`: "7" → 7 s, an HTTP-date in the past → 0. nullopt when
// it is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         core::TimePoint now);

// A body fit for an error message: redacted first, then whitespace and control characters
// collapsed to single spaces, invalid UTF-8 replaced by '?', and cut to at most `max_chars`
// characters (code points, so Cyrillic is not halved), an ellipsis marking the cut.
std::string BodyExcerpt(std::string_view body, std::size_t max_chars = 200);

}  // namespace callbrief::net
