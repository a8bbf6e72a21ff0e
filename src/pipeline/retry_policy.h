#pragma once

#include <chrono>

#include "core/error.h"

namespace callbrief::pipeline {

// How a failed stage is tried again. The defaults ride out a provider outage of 20–35 minutes:
// waits of 2 s, 4 s, … 512 s, then 10 min (each jittered into its upper half) between 12 tries
// before the call is marked failed — and a failed call can always be retried from the UI or CLI.
struct RetryPolicy {
  int max_attempts = 12;  // Failed tries of one stage before it gives up (rate limits get 3×).
  std::chrono::milliseconds first_delay = std::chrono::seconds(2);
  std::chrono::milliseconds max_delay = std::chrono::minutes(10);
  // A call waiting for its configuration is looked at again this often (and at every start-up).
  std::chrono::milliseconds park_delay = std::chrono::minutes(15);
};

enum class RetryAction {
  kRetry,  // Same stage again after `delay`.
  kPark,   // A setting is missing or wrong: same stage after `delay`, not counted as a failure.
  kFail,   // Give up: the call becomes `failed` and keeps the error.
};

struct RetryDecision {
  RetryAction action = RetryAction::kFail;
  std::chrono::milliseconds delay{0};
};

// What to do after `error` ended the `attempt`-th try (1-based) of a stage. Switches on the error
// kind only: transient → exponential backoff with jitter; rate limited → the same, but never sooner
// than the server's hint; config → park; permanent and invalid input → fail at once. `jitter` in
// [0, 1) picks the delay inside [delay/2, delay] (full jitter would allow near-zero delays that
// hammer a recovering server). Pure.
RetryDecision DecideRetry(const core::Error& error, int attempt, const RetryPolicy& policy,
                          double jitter);

}  // namespace callbrief::pipeline
