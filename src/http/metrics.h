#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/observer.h"
#include "store/call.h"
#include "store/group_commit.h"

namespace callbrief::http {

// What /metrics reads from the database and the intake at scrape time.
struct MetricsSnapshot {
  std::vector<std::pair<store::Stage, std::int64_t>> calls_by_stage{};
  store::GroupCommitter::Stats intake{};
  store::QueueStats queue{};
  std::int64_t now_ms = 0;  // For the age of the oldest due call.
};

// The service's Prometheus metrics, served as text at GET /metrics; every series is listed in
// docs/operations.md and drawn by docs/grafana-dashboard.json. Counting is thread-safe and cheap
// (prometheus-cpp counters are atomics; a new label set takes its family's lock once).
//
// It is also the service's core::Observer: the pipeline, the provider clients' HTTP and the
// deliver stage report to it through that interface (wired in main.cc), so none of them depends
// on this library. Every label value is from a fixed set or reduced to a short token (see
// LabelValue), so the number of series stays bounded whatever a provider answers.
class ServiceMetrics final : public core::Observer {
 public:
  ServiceMetrics();
  ~ServiceMetrics() override;

  // One webhook request answered with `status`; `result` is the "status" field of the answer
  // ("ok", "duplicate", "ignored", "error").
  void CountWebhook(int status, std::string_view result, double seconds);

  // One webhook event refused by the intake, by its reason code (IntakeResponse::refusal).
  void CountIntakeRefusal(std::string_view reason);

  // One request refused by the HTTP edge (see edge_limits.h), by reason ("body_too_large"…).
  void CountRefusal(std::string_view reason);

  // core::Observer.
  void StageFinished(const core::StageRun& run) override;
  void ProviderRequestDone(const core::ProviderRequest& request) override;
  void ProviderSpent(const core::ProviderUsage& usage) override;
  void DeliveryFinished(std::string_view channel, std::string_view status) override;

  // The text exposition, with the gauges set from `now`.
  std::string Render(const MetricsSnapshot& now);

  // The name of every metric family this registers, sorted (the dashboard's test).
  std::vector<std::string> FamilyNames();

 private:
  struct Families;
  std::unique_ptr<Families> f_;
};

// A label value as metrics keep it: at most 64 characters of [A-Za-z0-9._:/-], anything else
// replaced by '_'; "none" for an empty value. Model names and methods come from configuration and
// from providers' answers, so they are bounded here once more. Pure.
std::string LabelValue(std::string_view value);

}  // namespace callbrief::http
