#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/call.h"
#include "store/group_commit.h"

namespace callbrief::http {

// The service's Prometheus metrics, served as text at GET /metrics. Counting is thread-safe and
// lock-free on the hot path (prometheus-cpp counters are atomics).
class ServiceMetrics {
 public:
  ServiceMetrics();
  ~ServiceMetrics();

  // One webhook request answered with `status`; `result` is the "status" field of the answer
  // ("ok", "duplicate", "ignored", "error").
  void CountWebhook(int status, std::string_view result, double seconds);

  // One request refused by the HTTP edge (see edge_limits.h), by reason ("body_too_large"…).
  void CountRefusal(std::string_view reason);

  // The text exposition, with the gauges refreshed from the current stage counts and intake
  // batching statistics.
  std::string Render(const std::vector<std::pair<store::Stage, std::int64_t>>& calls_by_stage,
                     const store::GroupCommitter::Stats& intake);

 private:
  struct Families;
  std::unique_ptr<Families> f_;
};

}  // namespace callbrief::http
