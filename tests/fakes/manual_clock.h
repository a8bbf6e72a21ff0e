#pragma once

#include <chrono>
#include <mutex>

#include "core/clock.h"

namespace callbrief::fakes {

// A clock that moves only when told to, for the fake's link expiry, dates and rate limit.
// Thread-safe.
class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(core::TimePoint start = core::FromUnixMillis(1773239326000))  // 2026-03-11
      : now_(start) {}

  core::TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mu_);
    now_ += by;
  }
  void Set(core::TimePoint to) {
    std::lock_guard lock(mu_);
    now_ = to;
  }

 private:
  mutable std::mutex mu_;
  core::TimePoint now_;
};

}  // namespace callbrief::fakes
