#include "http/metrics.h"

#include <algorithm>
#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace callbrief::http {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

constexpr std::size_t kMaxLabelLength = 64;

// A stage runs from well under a second (a REST lookup, a rule-based summary) to many minutes
// (transcribing a long call chunk by chunk, a big download): 0.1 s to 30 min, roughly ×2–2.5 a
// step, so the p50 and p95 of every stage land between two bounds that tell them apart.
const Histogram::BucketBoundaries kStageBuckets{0.1, 0.25, 0.5, 1,   2.5, 5,    10,
                                                30,  60,   120, 300, 600, 1200, 1800};

// A provider answers in tens of milliseconds (Telegram, a Bitrix24 lookup) up to about two
// minutes (speech-to-text of a 10-minute chunk, a summary with reasoning, a recording download);
// request timeouts end it there. 25 ms to 2 min.
const Histogram::BucketBoundaries kProviderBuckets{0.025, 0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                   5,     10,   20,  40,   60,  90, 120};

// Webhook answers are a database commit: milliseconds.
const Histogram::BucketBoundaries kWebhookBuckets{0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                  0.1,   0.25,  0.5,   1,    2.5};

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '/' || c == '-';
}

}  // namespace

std::string LabelValue(std::string_view value) {
  if (value.empty()) return "none";
  std::string out(value.substr(0, kMaxLabelLength));
  std::replace_if(
      out.begin(), out.end(), [](char c) { return !IsLabelChar(c); }, '_');
  return out;
}

struct ServiceMetrics::Families {
  // Every family's name, in registration order (a family without series is not collected).
  std::vector<std::string> names;
  const std::string& Named(std::string name) { return names.emplace_back(std::move(name)); }

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  // ---- Intake and the HTTP edge ----
  Family<Counter>& webhooks =
      BuildCounter()
          .Name(Named("callbrief_webhook_requests_total"))
          .Help("Bitrix24 webhook requests answered, by HTTP status and result")
          .Register(*registry);
  Histogram& webhook_seconds =
      BuildHistogram()
          .Name(Named("callbrief_webhook_ack_seconds"))
          .Help("Time from a webhook request to its answer (the event is durable by then)")
          .Register(*registry)
          .Add({}, kWebhookBuckets);
  Family<Counter>& intake_refused =
      BuildCounter()
          .Name(Named("callbrief_intake_refused_total"))
          .Help("Webhook events the intake refused (answered 400, 401 or 503), by reason")
          .Register(*registry);
  Gauge& intake_batches = BuildGauge()
                              .Name(Named("callbrief_intake_commits"))
                              .Help("Transactions the group committer has run since start")
                              .Register(*registry)
                              .Add({});
  Gauge& intake_largest_batch = BuildGauge()
                                    .Name(Named("callbrief_intake_largest_batch"))
                                    .Help("Most events committed in one transaction since start")
                                    .Register(*registry)
                                    .Add({});
  Family<Counter>& refused =
      BuildCounter()
          .Name(Named("callbrief_http_refused_total"))
          .Help("Requests the HTTP edge refused or dropped before a handler saw them, by reason")
          .Register(*registry);

  // ---- The pipeline ----
  Family<Gauge>& calls = BuildGauge()
                             .Name(Named("callbrief_calls"))
                             .Help("Calls in the database by pipeline stage")
                             .Register(*registry);
  Gauge& calls_due = BuildGauge()
                         .Name(Named("callbrief_calls_due"))
                         .Help("Calls due now that no worker has claimed yet")
                         .Register(*registry)
                         .Add({});
  Gauge& oldest_due_age =
      BuildGauge()
          .Name(Named("callbrief_oldest_due_call_age_seconds"))
          .Help("How long the longest-waiting due call has been due (0 when none is)")
          .Register(*registry)
          .Add({});
  Gauge& calls_parked =
      BuildGauge()
          .Name(Named("callbrief_calls_parked"))
          .Help("Calls parked on a configuration error until the operator fixes it")
          .Register(*registry)
          .Add({});
  Family<Histogram>& stage_seconds =
      BuildHistogram()
          .Name(Named("callbrief_stage_duration_seconds"))
          .Help("Time of one stage run, from the claim to the stored outcome, by stage and outcome")
          .Register(*registry);
  Family<Counter>& stage_errors =
      BuildCounter()
          .Name(Named("callbrief_stage_errors_total"))
          .Help("Failed stage runs by stage, error kind and what followed (retry, parked, failed)")
          .Register(*registry);

  // ---- Providers ----
  Family<Counter>& provider_requests =
      BuildCounter()
          .Name(Named("callbrief_provider_requests_total"))
          .Help(
              "HTTP requests to Bitrix24, speech-to-text, the summary model and Telegram, by "
              "provider, method and status")
          .Register(*registry);
  Family<Histogram>& provider_seconds =
      BuildHistogram()
          .Name(Named("callbrief_provider_request_duration_seconds"))
          .Help("Time of one provider request until its whole answer, by provider and method")
          .Register(*registry);
  Family<Counter>& spend_usd =
      BuildCounter()
          .Name(Named("callbrief_provider_spend_usd_total"))
          .Help("Money spent on providers by the price tables, in USD, by provider and model")
          .Register(*registry);
  Family<Counter>& audio_seconds =
      BuildCounter()
          .Name(Named("callbrief_provider_audio_seconds_total"))
          .Help("Seconds of audio billed by speech-to-text, by provider and model")
          .Register(*registry);
  Family<Counter>& tokens =
      BuildCounter()
          .Name(Named("callbrief_provider_tokens_total"))
          .Help("Tokens billed, by provider, model and direction (input, output)")
          .Register(*registry);
  Family<Counter>& unpriced =
      BuildCounter()
          .Name(Named("callbrief_provider_unpriced_requests_total"))
          .Help(
              "Billed requests whose model has no price (not in the spend), by provider and model")
          .Register(*registry);

  // ---- Delivery ----
  Family<Counter>& deliveries =
      BuildCounter()
          .Name(Named("callbrief_deliveries_total"))
          .Help("Deliveries of a call's summary that ended a deliver run, by channel and status")
          .Register(*registry);

  std::mutex render_mutex;  // Gauges are set then serialized as one consistent picture.

  // The answers intake gives all day, resolved once: Family::Add builds a label map and takes the
  // family's lock, which every request thread would otherwise queue on.
  struct Common {
    int status;
    std::string_view result;
    Counter* counter;
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
  Counter* counter = nullptr;
  for (const auto& c : f_->common) {
    if (c.status == status && c.result == result) counter = c.counter;
  }
  if (!counter) {
    counter =
        &f_->webhooks.Add({{"status", std::to_string(status)}, {"result", LabelValue(result)}});
  }
  counter->Increment();
  f_->webhook_seconds.Observe(seconds);
}

void ServiceMetrics::CountIntakeRefusal(std::string_view reason) {
  f_->intake_refused.Add({{"reason", LabelValue(reason)}}).Increment();
}

void ServiceMetrics::CountRefusal(std::string_view reason) {
  // Family::Add is idempotent and locks the family; refusals are rare next to answers.
  f_->refused.Add({{"reason", LabelValue(reason)}}).Increment();
}

void ServiceMetrics::StageFinished(const core::StageRun& run) {
  const std::string stage = LabelValue(run.stage);
  const std::string outcome = LabelValue(run.outcome);
  f_->stage_seconds.Add({{"stage", stage}, {"outcome", outcome}}, kStageBuckets)
      .Observe(run.seconds);
  if (!run.error_kind.empty()) {
    f_->stage_errors
        .Add({{"stage", stage}, {"error_kind", LabelValue(run.error_kind)}, {"outcome", outcome}})
        .Increment();
  }
}

void ServiceMetrics::ProviderRequestDone(const core::ProviderRequest& request) {
  const std::string provider = LabelValue(request.provider);
  const std::string method = LabelValue(request.method);
  f_->provider_requests
      .Add({{"provider", provider}, {"method", method}, {"status", LabelValue(request.status)}})
      .Increment();
  f_->provider_seconds.Add({{"provider", provider}, {"method", method}}, kProviderBuckets)
      .Observe(request.seconds);
}

void ServiceMetrics::ProviderSpent(const core::ProviderUsage& usage) {
  const prometheus::Labels labels{{"provider", LabelValue(usage.provider)},
                                  {"model", LabelValue(usage.model)}};
  if (usage.cost_usd) {
    f_->spend_usd.Add(labels).Increment(std::max(*usage.cost_usd, 0.0));
  } else {
    f_->unpriced.Add(labels).Increment();
  }
  if (usage.audio_seconds > 0) f_->audio_seconds.Add(labels).Increment(usage.audio_seconds);
  for (auto [direction, count] : {std::pair<const char*, std::int64_t>{"input", usage.input_tokens},
                                  {"output", usage.output_tokens}}) {
    if (count <= 0) continue;
    prometheus::Labels with_direction = labels;
    with_direction["direction"] = direction;
    f_->tokens.Add(with_direction).Increment(static_cast<double>(count));
  }
}

void ServiceMetrics::DeliveryFinished(std::string_view channel, std::string_view status) {
  f_->deliveries.Add({{"channel", LabelValue(channel)}, {"status", LabelValue(status)}})
      .Increment();
}

std::string ServiceMetrics::Render(const MetricsSnapshot& now) {
  std::lock_guard lock(f_->render_mutex);
  for (int s = 0; s <= static_cast<int>(store::Stage::kFailed); ++s) {
    auto stage = static_cast<store::Stage>(s);
    std::int64_t count = 0;
    for (const auto& [st, n] : now.calls_by_stage) {
      if (st == stage) count = n;
    }
    f_->calls.Add({{"stage", std::string(store::StageName(stage))}})
        .Set(static_cast<double>(count));
  }
  f_->intake_batches.Set(static_cast<double>(now.intake.batches));
  f_->intake_largest_batch.Set(static_cast<double>(now.intake.largest_batch));
  f_->calls_due.Set(static_cast<double>(now.queue.due));
  f_->calls_parked.Set(static_cast<double>(now.queue.parked));
  const std::int64_t waited_ms =
      now.queue.oldest_due_since_ms
          ? std::max<std::int64_t>(now.now_ms - *now.queue.oldest_due_since_ms, 0)
          : 0;
  f_->oldest_due_age.Set(static_cast<double>(waited_ms) / 1000);
  return prometheus::TextSerializer().Serialize(f_->registry->Collect());
}

std::vector<std::string> ServiceMetrics::FamilyNames() {
  std::vector<std::string> names = f_->names;
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace callbrief::http
