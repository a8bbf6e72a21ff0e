#pragma once

#include <chrono>
#include <optional>

namespace callbrief::fakes {

// Bitrix24's per-portal request limiter (reference §2.4): every request adds 1 to a level that
// drains continuously at `drain_per_second`; a request that would lift the level above `capacity`
// is refused and adds nothing. So `capacity` requests pass at once, then one per 1/drain seconds.
// Time is passed in (any monotonic timeline), so tests need no clock. Not thread-safe.
class LeakyBucket {
 public:
  LeakyBucket(int capacity, double drain_per_second)
      : capacity_(capacity), drain_per_second_(drain_per_second) {}

  // Counts a request arriving at `now` and says whether it may pass.
  bool TryAdd(std::chrono::nanoseconds now);
  double level() const { return level_; }

 private:
  int capacity_;
  double drain_per_second_;
  double level_ = 0;
  std::optional<std::chrono::nanoseconds> last_;
};

}  // namespace callbrief::fakes
