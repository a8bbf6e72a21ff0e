#pragma once

#include <memory>
#include <vector>

#include "app/bitrix_access.h"
#include "asr/transcriber.h"
#include "llm/summarizer.h"
#include "notify/telegram_client.h"
#include "bitrix/user_names.h"
#include "core/clock.h"
#include "core/config.h"
#include "pipeline/pipeline.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::app {

// The stage handlers of `callbrief serve`, built from the configuration over the shared provider
// clients. A provider that is not configured still gets its stage: the stage answers a
// configuration error, so its calls wait (parked) until the operator sets the variable.
struct Processing {
  std::unique_ptr<bitrix::UserNames> user_names;
  std::unique_ptr<net::HttpClient> provider_http;  // Speech-to-text, summary and Telegram.
  std::unique_ptr<asr::Transcriber> transcriber;    // Null when not configured.
  std::unique_ptr<llm::Summarizer> summarizer;      // Null when not configured.
  std::unique_ptr<notify::TelegramClient> telegram;  // Null when not configured.
  std::vector<std::unique_ptr<pipeline::StageHandler>> stages;
  pipeline::StageHandlers handlers;
};

Processing BuildProcessing(const core::Config& config, BitrixAccess& bitrix,
                           store::CallStore& store, const core::Clock& clock);

}  // namespace callbrief::app
