#include "bitrix/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace callbrief::bitrix {

RateLimiter::RateLimiter(double rate_per_second, int burst, const core::Clock& clock, Sleeper sleep)
    : interval_(std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate_per_second))),
      burst_tolerance_(interval_ * std::max(0, burst - 1)),
      clock_(clock),
      sleep_(sleep ? std::move(sleep)
                   : [](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }) {}

std::chrono::nanoseconds RateLimiter::Acquire() {
  std::chrono::nanoseconds wait{0};
  {
    std::lock_guard lock(mutex_);
    core::TimePoint now = clock_.Now();
    core::TimePoint tat = std::max(theoretical_arrival_, now);
    core::TimePoint allowed_at = tat - burst_tolerance_;
    if (allowed_at > now) wait = allowed_at - now;
    theoretical_arrival_ = tat + interval_;  // The slot is ours even while we sleep.
  }
  if (wait.count() > 0) sleep_(wait);
  return wait;
}

}  // namespace callbrief::bitrix
