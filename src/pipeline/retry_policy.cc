#include "pipeline/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace callbrief::pipeline {
namespace {

std::chrono::milliseconds Backoff(int attempt, const RetryPolicy& policy, double jitter) {
  const double exponent = std::min(attempt - 1, 30);
  const double ceiling =
      std::min<double>(static_cast<double>(policy.first_delay.count()) * std::pow(2.0, exponent),
                       static_cast<double>(policy.max_delay.count()));
  const double chosen = ceiling / 2 + ceiling / 2 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(chosen));
}

}  // namespace

RetryDecision DecideRetry(const core::Error& error, int attempt, const RetryPolicy& policy,
                          double jitter) {
  switch (error.kind) {
    case core::ErrorKind::kConfig:
      return {RetryAction::kPark, policy.park_delay};
    case core::ErrorKind::kTransient:
      if (attempt >= policy.max_attempts) return {RetryAction::kFail, {}};
      return {RetryAction::kRetry, Backoff(attempt, policy, jitter)};
    case core::ErrorKind::kRateLimited: {
      if (attempt >= 3 * policy.max_attempts) return {RetryAction::kFail, {}};
      auto delay = Backoff(attempt, policy, jitter);
      if (error.retry_after) delay = std::max(delay, *error.retry_after);
      return {RetryAction::kRetry, delay};
    }
    case core::ErrorKind::kPermanent:
    case core::ErrorKind::kInvalidInput:
      return {RetryAction::kFail, {}};
  }
  return {RetryAction::kFail, {}};
}

}  // namespace callbrief::pipeline
