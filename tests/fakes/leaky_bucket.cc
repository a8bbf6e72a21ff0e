#include "fakes/leaky_bucket.h"

#include <algorithm>

namespace callbrief::fakes {

bool LeakyBucket::TryAdd(std::chrono::nanoseconds now) {
  if (last_ && now > *last_) {
    double elapsed = std::chrono::duration<double>(now - *last_).count();
    level_ = std::max(0.0, level_ - elapsed * drain_per_second_);
  }
  if (!last_ || now > *last_) last_ = now;
  // A little slack so that exactly 1/drain seconds frees exactly one slot despite rounding.
  if (level_ + 1 > capacity_ + 1e-9) return false;
  level_ += 1;
  return true;
}

}  // namespace callbrief::fakes
