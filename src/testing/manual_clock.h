#pragma once

#include <chrono>
#include <mutex>

#include "core/clock.h"

namespace callbrief::testing {

// The one clock of the tests: it moves only when told to. Thread-safe, so a test may advance it
// while the code under test reads it from its own threads.
class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(core::TimePoint start = core::FromUnixMillis(1773239326000))  // 2026-03-11
      : now_(start) {}

  core::TimePoint Now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void Advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    now_ += by;
  }
  void Set(core::TimePoint to) {
    std::lock_guard lock(mutex_);
    now_ = to;
  }

 private:
  mutable std::mutex mutex_;
  core::TimePoint now_;
};

}  // namespace callbrief::testing
