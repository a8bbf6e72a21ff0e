#pragma once

#include "core/provider_usage.h"
#include "store/call.h"

namespace callbrief::pipeline {

// A provider's usage report as the store keeps it. Pure.
inline store::UsageRow UsageRowFrom(store::Stage stage, const core::ProviderUsage& usage,
                                    std::int64_t at_ms) {
  return {.stage = stage,
          .provider = usage.provider,
          .model = usage.model,
          .operation = usage.operation,
          .audio_seconds = usage.audio_seconds,
          .input_tokens = usage.input_tokens,
          .output_tokens = usage.output_tokens,
          .latency_ms = usage.latency_ms,
          .cost_usd = usage.cost_usd,
          .at_ms = at_ms};
}

}  // namespace callbrief::pipeline
