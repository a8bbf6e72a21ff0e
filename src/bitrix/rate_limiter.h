#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "core/clock.h"

namespace callbrief::bitrix {

// A client-side budget for requests to one Bitrix24 portal, shared by every worker. The portal
// meters each webhook with a leaky bucket (cloud: 2 requests/s drained, 50 of burst; a request
// over it gets 503 QUERY_LIMIT_EXCEEDED), so we stay inside it instead of learning it from errors.
// Implemented as GCRA: `rate` requests per second on average, up to `burst` back to back.
// Thread-safe; Acquire() sleeps outside the lock.
class RateLimiter {
 public:
  using Sleeper = std::function<void(std::chrono::nanoseconds)>;

  RateLimiter(double rate_per_second, int burst, const core::Clock& clock, Sleeper sleep = {});

  // Blocks until a request may be sent and reserves its slot; returns how long it waited.
  std::chrono::nanoseconds Acquire();

 private:
  const std::chrono::nanoseconds interval_;
  const std::chrono::nanoseconds burst_tolerance_;
  const core::Clock& clock_;
  Sleeper sleep_;
  std::mutex mutex_;
  core::TimePoint theoretical_arrival_{};
};

}  // namespace callbrief::bitrix
