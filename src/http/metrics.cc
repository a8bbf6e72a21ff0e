#include "http/metrics.h"

#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace callbrief::http {

struct ServiceMetrics::Families {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& webhooks =
      prometheus::BuildCounter()
          .Name("callbrief_webhook_requests_total")
          .Help("Bitrix24 webhook requests answered, by HTTP status and result")
          .Register(*registry);
  prometheus::Histogram& webhook_seconds =
      prometheus::BuildHistogram()
          .Name("callbrief_webhook_ack_seconds")
          .Help("Time from a webhook request to its answer (the event is durable by then)")
          .Register(*registry)
          .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                           0.1, 0.25, 0.5, 1, 2.5});
  prometheus::Family<prometheus::Gauge>& calls =
      prometheus::BuildGauge()
          .Name("callbrief_calls")
          .Help("Calls in the database by pipeline stage")
          .Register(*registry);
  prometheus::Gauge& intake_batches =
      prometheus::BuildGauge()
          .Name("callbrief_intake_commits")
          .Help("Transactions the group committer has run since start")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& intake_largest_batch =
      prometheus::BuildGauge()
          .Name("callbrief_intake_largest_batch")
          .Help("Most events committed in one transaction since start")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& refused =
      prometheus::BuildCounter()
          .Name("callbrief_http_refused_total")
          .Help("Requests the HTTP edge refused or dropped before a handler saw them, by reason")
          .Register(*registry);
  std::mutex render_mutex;  // Gauges are set then serialized as one consistent picture.

  // The answers intake gives all day, resolved once: Family::Add builds a label map and takes the
  // family's lock, which every request thread would otherwise queue on.
  struct Common {
    int status;
    std::string_view result;
    prometheus::Counter* counter;
  };
  std::vector<Common> common;
};

ServiceMetrics::ServiceMetrics() : f_(std::make_unique<Families>()) {
  for (auto [status, result] : {std::pair<int, std::string_view>{200, "ok"},
                                {200, "duplicate"},
                                {200, "ignored"},
                                {400, "error"},
                                {401, "error"},
                                {503, "error"}}) {
    auto& counter =
        f_->webhooks.Add({{"status", std::to_string(status)}, {"result", std::string(result)}});
    f_->common.push_back({status, result, &counter});
  }
}
ServiceMetrics::~ServiceMetrics() = default;

void ServiceMetrics::CountWebhook(int status, std::string_view result, double seconds) {
  prometheus::Counter* counter = nullptr;
  for (const auto& c : f_->common) {
    if (c.status == status && c.result == result) counter = c.counter;
  }
  if (!counter) {
    counter =
        &f_->webhooks.Add({{"status", std::to_string(status)}, {"result", std::string(result)}});
  }
  counter->Increment();
  f_->webhook_seconds.Observe(seconds);
}

void ServiceMetrics::CountRefusal(std::string_view reason) {
  // Family::Add is idempotent and locks the family; refusals are rare next to answers.
  f_->refused.Add({{"reason", std::string(reason)}}).Increment();
}

std::string ServiceMetrics::Render(
    const std::vector<std::pair<store::Stage, std::int64_t>>& calls_by_stage,
    const store::GroupCommitter::Stats& intake) {
  std::lock_guard lock(f_->render_mutex);
  for (int s = 0; s <= static_cast<int>(store::Stage::kFailed); ++s) {
    auto stage = static_cast<store::Stage>(s);
    std::int64_t count = 0;
    for (const auto& [st, n] : calls_by_stage) {
      if (st == stage) count = n;
    }
    f_->calls.Add({{"stage", std::string(store::StageName(stage))}})
        .Set(static_cast<double>(count));
  }
  f_->intake_batches.Set(static_cast<double>(intake.batches));
  f_->intake_largest_batch.Set(static_cast<double>(intake.largest_batch));
  return prometheus::TextSerializer().Serialize(f_->registry->Collect());
}

}  // namespace callbrief::http
