#pragma once

#include <string_view>

#include "core/provider_usage.h"

namespace callbrief::core {

// One stage run as the pipeline ended it (stored with the call's move to its next stage).
struct StageRun {
  std::string_view stage{};       // The handler's stage: "resolve", "download", … "deliver".
  std::string_view outcome{};     // "ok", "waiting", "skipped", "retry", "parked", "failed".
  std::string_view error_kind{};  // For retry, parked and failed: ErrorKindName; else empty.
  double seconds = 0;             // From the claim to the outcome.
};

// One HTTP exchange with an outside service. Every field comes from a fixed set the caller
// chooses (never a URL, a call or chat id), so metrics keep a bounded number of series.
struct ProviderRequest {
  std::string_view provider{};  // "bitrix24", "openai-transcribe", "openai-chat", "telegram".
  std::string_view method{};    // The REST method or API path: "voximplant.statistic.get", …
  std::string_view status{};    // The HTTP status code ("200", "429"), or "error" without one.
  double seconds = 0;           // From sending the request to the whole answer.
};

// What the service tells its operator's metrics about work done outside the HTTP server: stage
// runs, provider requests, money spent and deliveries made. The components that do the work call
// it; the composition root (app) hands them the implementation (http::ServiceMetrics), so none of
// them depends on the metrics library. Every method does nothing by default.
//
// Implementations are thread-safe (workers and request threads call at once), cheap (a counter or
// two), never block on I/O and never throw: they are called in the middle of the work they count.
class Observer {
 public:
  virtual ~Observer() = default;

  virtual void StageFinished(const StageRun& /*run*/) {}
  virtual void ProviderRequestDone(const ProviderRequest& /*request*/) {}
  // One billed provider request, as the call's cost records it (store table provider_usage).
  virtual void ProviderSpent(const ProviderUsage& /*usage*/) {}
  // One channel's delivery of one call ended a run of the deliver stage: `channel` as the store
  // names it ("telegram", "bitrix_timeline", "bitrix_transcript"), `status` "done", "skipped",
  // "failed" or "pending" (to be tried again).
  virtual void DeliveryFinished(std::string_view /*channel*/, std::string_view /*status*/) {}
};

// The observer that ignores everything: the default wherever none is given.
inline Observer& NullObserver() {
  static Observer none;
  return none;
}

}  // namespace callbrief::core
