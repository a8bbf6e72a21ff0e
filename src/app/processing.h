#pragma once

#include <memory>
#include <vector>

#include "app/bitrix_access.h"
#include "asr/transcriber.h"
#include "bitrix/user_names.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/observer.h"
#include "llm/summarizer.h"
#include "notify/telegram_client.h"
#include "notify/telegram_delivery.h"
#include "pipeline/download_stage.h"
#include "pipeline/pipeline.h"
#include "pipeline/rescore.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::app {

// The stage handlers of `callbrief serve`, built from the configuration over the shared provider
// clients. A provider that is not configured still gets its stage: the stage answers a
// configuration error, so its calls wait (parked) until the operator sets the variable.
struct Processing {
  std::unique_ptr<bitrix::UserNames> user_names;
  std::unique_ptr<net::HttpClient> provider_http;    // Speech-to-text, summary and Telegram.
  std::unique_ptr<asr::Transcriber> transcriber;     // Null when not configured.
  std::unique_ptr<llm::Summarizer> summarizer;       // Null when not configured.
  std::unique_ptr<notify::TelegramClient> telegram;  // Null when not configured.
  std::vector<std::unique_ptr<pipeline::StageHandler>> stages;
  pipeline::StageHandlers handlers;
  // Re-scoring past calls (the Re-score button, `callbrief rescore`) with the summarize stage's
  // model, language and masking.
  std::unique_ptr<pipeline::Rescorer> rescorer;
};

// A configuration the clients refuse (a price table that does not parse) is kConfig. `observer`
// (metrics) is told of every request to speech-to-text, the summary model and Telegram, of the
// money spent and of every delivery; it must outlive the result.
core::Result<Processing> BuildProcessing(const core::Config& config, BitrixAccess& bitrix,
                                         store::CallStore& store, const core::Clock& clock,
                                         core::Observer& observer = core::NullObserver());

// Where recordings are downloaded to and from which hosts (DATA_DIR, RECORDING_MAX_MB,
// BITRIX24_WEBHOOK_URL's host, RECORDING_HOSTS): the download stage's and the player's.
pipeline::DownloadSettings DownloadSettingsFrom(const core::Config& config);

// The summary model's client as configured (OPENAI_*, SUMMARY_*, CALL_LANGUAGE) over `http`,
// which must outlive it; `prices`: SUMMARY_PRICES parsed; `clock` must outlive it too.
std::unique_ptr<llm::Summarizer> MakeSummarizer(const core::Config& config, net::HttpClient& http,
                                                llm::ChatPriceTable prices,
                                                const core::Clock& clock);

// The HTTP client for speech-to-text, summaries and Telegram (one connection pool for all).
std::unique_ptr<net::HttpClient> MakeProviderHttpClient();
// TELEGRAM_TRANSCRIPT as the delivery understands it.
notify::TranscriptMode TelegramTranscriptMode(const core::Config& config);
// The Telegram client for TELEGRAM_BOT_TOKEN over `http`, which must outlive it.
std::unique_ptr<notify::TelegramClient> MakeTelegram(const core::Config& config,
                                                     net::HttpClient& http);

}  // namespace callbrief::app
