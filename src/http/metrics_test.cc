#include "http/metrics.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

bool Has(const std::string& text, std::string_view line) {
  return text.find(line) != std::string::npos;
}

TEST(ServiceMetricsTest, CountsWebhooksByStatusAndResult) {
  ServiceMetrics metrics;
  metrics.CountWebhook(200, "ok", 0.003);
  metrics.CountWebhook(200, "ok", 0.004);
  metrics.CountWebhook(400, "error", 0.001);
  std::string text = metrics.Render({});
  EXPECT_TRUE(Has(text, R"(callbrief_webhook_requests_total{result="ok",status="200"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(callbrief_webhook_requests_total{result="error",status="400"} 1)"));
  EXPECT_TRUE(Has(text, "callbrief_webhook_ack_seconds_count 3"));
}

TEST(ServiceMetricsTest, CountsRefusalsByReason) {
  ServiceMetrics metrics;
  metrics.CountRefusal("body_too_large");
  metrics.CountRefusal("body_too_large");
  metrics.CountRefusal("content_encoding");
  metrics.CountIntakeRefusal("token_mismatch");
  std::string text = metrics.Render({});
  EXPECT_TRUE(Has(text, R"(callbrief_http_refused_total{reason="body_too_large"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(callbrief_http_refused_total{reason="content_encoding"} 1)"));
  EXPECT_TRUE(Has(text, R"(callbrief_intake_refused_total{reason="token_mismatch"} 1)"));
}

TEST(ServiceMetricsTest, ReportsEveryStageEvenWhenEmpty) {
  ServiceMetrics metrics;
  std::string text = metrics.Render({.calls_by_stage = {{store::Stage::kReceived, 5}},
                                     .intake = {.batches = 3, .calls = 9, .largest_batch = 4}});
  EXPECT_TRUE(Has(text, R"(callbrief_calls{stage="received"} 5)")) << text;
  EXPECT_TRUE(Has(text, R"(callbrief_calls{stage="failed"} 0)"));
  EXPECT_TRUE(Has(text, "callbrief_intake_commits 3"));
  EXPECT_TRUE(Has(text, "callbrief_intake_largest_batch 4"));
}

TEST(ServiceMetricsTest, TheQueueShowsDueAndParkedCallsAndHowLongTheOldestHasWaited) {
  ServiceMetrics metrics;
  std::string text = metrics.Render(
      {.queue = {.due = 7, .oldest_due_since_ms = 1'000'000, .parked = 2}, .now_ms = 1'090'500});
  EXPECT_TRUE(Has(text, "callbrief_calls_due 7")) << text;
  EXPECT_TRUE(Has(text, "callbrief_calls_parked 2"));
  EXPECT_TRUE(Has(text, "callbrief_oldest_due_call_age_seconds 90.5"));
  text = metrics.Render({.queue = {}, .now_ms = 1'090'500});
  EXPECT_TRUE(Has(text, "callbrief_calls_due 0"));
  EXPECT_TRUE(Has(text, "callbrief_oldest_due_call_age_seconds 0")) << "nothing due: no age";
}

TEST(ServiceMetricsTest, StageRunsAreTimedByStageAndOutcomeAndErrorsCountedByKind) {
  ServiceMetrics metrics;
  core::Observer& observer = metrics;
  observer.StageFinished({.stage = "transcribe", .outcome = "ok", .seconds = 95});
  observer.StageFinished({.stage = "transcribe", .outcome = "ok", .seconds = 20});
  observer.StageFinished(
      {.stage = "resolve", .outcome = "retry", .error_kind = "rate_limited", .seconds = 0.3});
  observer.StageFinished(
      {.stage = "summarize", .outcome = "parked", .error_kind = "config", .seconds = 0.01});
  std::string text = metrics.Render({});
  EXPECT_TRUE(
      Has(text, R"(callbrief_stage_duration_seconds_count{outcome="ok",stage="transcribe"} 2)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(callbrief_stage_duration_seconds_sum{outcome="ok",stage="transcribe"} 115)"));
  EXPECT_TRUE(
      Has(text,
          R"(callbrief_stage_duration_seconds_bucket{outcome="ok",stage="transcribe",le="30"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_stage_duration_seconds_bucket{outcome="ok",stage="transcribe",le="120"} 2)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_stage_errors_total{error_kind="rate_limited",outcome="retry",stage="resolve"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_stage_errors_total{error_kind="config",outcome="parked",stage="summarize"} 1)"));
  EXPECT_FALSE(Has(text, R"(callbrief_stage_errors_total{error_kind="none")"))
      << "a run without an error is not an error";
}

TEST(ServiceMetricsTest, ProviderRequestsAreCountedByProviderMethodAndStatusAndTimed) {
  ServiceMetrics metrics;
  core::Observer& observer = metrics;
  observer.ProviderRequestDone({.provider = "bitrix24",
                                .method = "voximplant.statistic.get",
                                .status = "200",
                                .seconds = 0.2});
  observer.ProviderRequestDone({.provider = "bitrix24",
                                .method = "voximplant.statistic.get",
                                .status = "503",
                                .seconds = 1.2});
  observer.ProviderRequestDone(
      {.provider = "telegram", .method = "sendMessage", .status = "error", .seconds = 30});
  std::string text = metrics.Render({});
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_requests_total{method="voximplant.statistic.get",provider="bitrix24",status="503"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_requests_total{method="sendMessage",provider="telegram",status="error"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_request_duration_seconds_count{method="voximplant.statistic.get",provider="bitrix24"} 2)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_request_duration_seconds_bucket{method="voximplant.statistic.get",provider="bitrix24",le="0.25"} 1)"));
}

TEST(ServiceMetricsTest, SpendAudioSecondsAndTokensAddUpByProviderAndModel) {
  ServiceMetrics metrics;
  core::Observer& observer = metrics;
  observer.ProviderSpent({.provider = "openai-transcribe",
                          .model = "whisper-1",
                          .audio_seconds = 600,
                          .cost_usd = 0.5});
  observer.ProviderSpent({.provider = "openai-transcribe",
                          .model = "whisper-1",
                          .audio_seconds = 300,
                          .cost_usd = 0.25});
  observer.ProviderSpent({.provider = "openai-chat",
                          .model = "gpt-4o-mini",
                          .input_tokens = 5000,
                          .output_tokens = 700,
                          .cost_usd = 0.00117});
  observer.ProviderSpent(
      {.provider = "openai-chat", .model = "my-local-model", .input_tokens = 10});
  std::string text = metrics.Render({});
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_spend_usd_total{model="whisper-1",provider="openai-transcribe"} 0.75)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_audio_seconds_total{model="whisper-1",provider="openai-transcribe"} 900)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_tokens_total{direction="input",model="gpt-4o-mini",provider="openai-chat"} 5000)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_tokens_total{direction="output",model="gpt-4o-mini",provider="openai-chat"} 700)"));
  EXPECT_TRUE(Has(
      text,
      R"(callbrief_provider_unpriced_requests_total{model="my-local-model",provider="openai-chat"} 1)"));
  EXPECT_FALSE(Has(text, R"(callbrief_provider_spend_usd_total{model="my-local-model")"))
      << "no price: no spend is made up";
}

TEST(ServiceMetricsTest, DeliveriesAreCountedByChannelAndStatus) {
  ServiceMetrics metrics;
  core::Observer& observer = metrics;
  observer.DeliveryFinished("telegram", "done");
  observer.DeliveryFinished("telegram", "done");
  observer.DeliveryFinished("bitrix_timeline", "pending");
  std::string text = metrics.Render({});
  EXPECT_TRUE(Has(text, R"(callbrief_deliveries_total{channel="telegram",status="done"} 2)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(callbrief_deliveries_total{channel="bitrix_timeline",status="pending"} 1)"));
}

TEST(ServiceMetricsTest, LabelValuesAreShortTokens) {
  EXPECT_EQ(LabelValue("voximplant.statistic.get"), "voximplant.statistic.get");
  EXPECT_EQ(LabelValue("gpt-4o-2024-08-06"), "gpt-4o-2024-08-06");
  EXPECT_EQ(LabelValue("audio/transcriptions"), "audio/transcriptions");
  EXPECT_EQ(LabelValue(""), "none");
  EXPECT_EQ(LabelValue("a model\"\n{x}"), "a_model___x_");
  EXPECT_EQ(LabelValue(std::string(200, 'm')), std::string(64, 'm'));
}

}  // namespace
}  // namespace callbrief::http
