#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace callbrief::core {

using TimePoint = std::chrono::system_clock::time_point;

// Wall-clock time, injected so tests can control it (backoffs, leases, "received at").
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real clock. Stateless; one shared instance is enough.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& Instance();
};

// Time as stored in the database: milliseconds since the Unix epoch, UTC.
std::int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(std::int64_t ms);

// RFC 3339 in UTC with milliseconds, e.g. "2026-11-24T15:19:34.123Z".
std::string FormatIso8601(TimePoint t);
std::string FormatIso8601Millis(std::int64_t unix_ms);

// Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm:ss" with an optional fraction and "Z" or "±hh:mm" (a time
// without an offset is UTC). Returns false for anything else, including impossible dates.
bool ParseIso8601(std::string_view text, TimePoint* out);

}  // namespace callbrief::core
