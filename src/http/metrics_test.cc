#include "http/metrics.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

TEST(ServiceMetricsTest, CountsWebhooksByStatusAndResult) {
  ServiceMetrics metrics;
  metrics.CountWebhook(200, "ok", 0.003);
  metrics.CountWebhook(200, "ok", 0.004);
  metrics.CountWebhook(400, "error", 0.001);
  std::string text = metrics.Render({}, {});
  EXPECT_NE(text.find(R"(callbrief_webhook_requests_total{result="ok",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(callbrief_webhook_requests_total{result="error",status="400"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find("callbrief_webhook_ack_seconds_count 3"), std::string::npos);
}

TEST(ServiceMetricsTest, CountsRefusalsByReason) {
  ServiceMetrics metrics;
  metrics.CountRefusal("body_too_large");
  metrics.CountRefusal("body_too_large");
  metrics.CountRefusal("content_encoding");
  std::string text = metrics.Render({}, {});
  EXPECT_NE(text.find(R"(callbrief_http_refused_total{reason="body_too_large"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(callbrief_http_refused_total{reason="content_encoding"} 1)"),
            std::string::npos);
}

TEST(ServiceMetricsTest, ReportsEveryStageEvenWhenEmpty) {
  ServiceMetrics metrics;
  std::string text = metrics.Render({{store::Stage::kReceived, 5}},
                                    {.batches = 3, .calls = 9, .largest_batch = 4});
  EXPECT_NE(text.find(R"(callbrief_calls{stage="received"} 5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(callbrief_calls{stage="failed"} 0)"), std::string::npos);
  EXPECT_NE(text.find("callbrief_intake_commits 3"), std::string::npos);
  EXPECT_NE(text.find("callbrief_intake_largest_batch 4"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::http
