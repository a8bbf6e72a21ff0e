#include "app/processing.h"

#include <chrono>
#include <thread>

#include "app/request_names.h"
#include "app/shared_pacing.h"
#include "audio/child_process.h"
#include "bitrix/crm_links.h"
#include "net/http_client.h"
#include "net/observed_http_client.h"
#include "notify/telegram_pacer.h"
#include "pipeline/alerts_channel.h"
#include "pipeline/card_transcript_channel.h"
#include "pipeline/deliver_stage.h"
#include "pipeline/download_stage.h"
#include "pipeline/prepare_stage.h"
#include "pipeline/resolve_stage.h"
#include "pipeline/summarize_stage.h"
#include "pipeline/tasks_channel.h"
#include "pipeline/telegram_channel.h"
#include "pipeline/timeline_channel.h"
#include "pipeline/transcribe_stage.h"
#include "store/postgres_store.h"

namespace callbrief::app {

using store::Stage;

notify::TranscriptMode TelegramTranscriptMode(const core::Config& config) {
  const std::string& name = config.telegram_transcript;
  if (name == "off") return notify::TranscriptMode::kOff;
  if (name == "inline") return notify::TranscriptMode::kInline;
  if (name == "document") return notify::TranscriptMode::kDocument;
  return notify::TranscriptMode::kAuto;  // The configuration admits nothing else.
}

std::unique_ptr<net::HttpClient> MakeProviderHttpClient() {
  net::ClientOptions options;
  options.user_agent = std::string("callbrief/") + CALLBRIEF_VERSION;
  return net::MakeCurlHttpClient(options);
}

std::unique_ptr<notify::TelegramClient> MakeTelegram(const core::Config& config,
                                                     net::HttpClient& http) {
  return notify::MakeTelegramClient(
      http, {.api_base_url = config.telegram_api_base_url, .bot_token = config.telegram_bot_token});
}

pipeline::DownloadSettings DownloadSettingsFrom(const core::Config& config) {
  return {.data_dir = config.data_dir,
          .max_bytes = static_cast<std::uint64_t>(config.recording_max_bytes),
          .portal_host = net::UrlHost(config.BitrixPortalUrl()),
          .extra_hosts = config.recording_hosts};
}

std::unique_ptr<llm::Summarizer> MakeSummarizer(const core::Config& config, net::HttpClient& http,
                                                llm::ChatPriceTable prices,
                                                const core::Clock& clock) {
  return llm::MakeOpenAiSummarizer(http, {.base_url = config.openai_base_url,
                                          .api_key = config.openai_api_key,
                                          .model = config.summary_model,
                                          .language = config.call_language,
                                          .max_output_tokens = config.summary_max_tokens,
                                          .reasoning_effort = config.summary_reasoning_effort,
                                          .prices = std::move(prices),
                                          .clock = &clock});
}

core::Result<Processing> BuildProcessing(const core::Config& config, BitrixAccess& bitrix,
                                         store::CallStore& store, const core::Clock& clock,
                                         core::Observer& observer) {
  auto transcription_prices = asr::ParseTranscriptionPrices(config.transcribe_prices);
  if (!transcription_prices) return transcription_prices.error().WithContext("TRANSCRIBE_PRICES");
  auto summary_prices = llm::ParseChatPrices(config.summary_prices);
  if (!summary_prices) return summary_prices.error().WithContext("SUMMARY_PRICES");

  Processing p;
  const bool has_bitrix = config.HasBitrix();
  bitrix::RestClient* rest = has_bitrix ? bitrix.rest.get() : nullptr;
  if (has_bitrix) p.user_names = std::make_unique<bitrix::UserNames>(*rest, clock);

  p.provider_http = net::MakeObservedHttpClient(
      MakeProviderHttpClient(), observer,
      [bases = ProviderBases{.transcribe = config.transcribe_base_url,
                             .chat = config.openai_base_url,
                             .telegram = config.telegram_api_base_url}](
          const net::HttpRequest& request, net::Exchange exchange) {
        return NameProviderRequest(bases, request, exchange);
      },
      core::SystemClock::Instance());
  if (config.HasTranscription()) {
    p.transcriber =
        asr::MakeOpenAiTranscriber(*p.provider_http, {.base_url = config.transcribe_base_url,
                                                      .api_key = config.transcribe_api_key,
                                                      .model = config.transcribe_model,
                                                      .language = config.call_language,
                                                      .vocabulary = config.transcribe_vocabulary,
                                                      .prices = std::move(*transcription_prices),
                                                      .clock = &clock});
  }
  if (config.HasSummary()) {
    p.summarizer = MakeSummarizer(config, *p.provider_http, std::move(*summary_prices), clock);
  }
  if (config.HasTelegram() || config.HasTelegramAlerts()) {
    // One pacer for every worker (summaries and alerts alike): Telegram's per-chat and per-group
    // limits (telegram_pacer.h), in real time whatever clock the pipeline runs on. On PostgreSQL,
    // where several instances may share the bot, the slots are kept in the database for all of
    // them; SQLite serves one host, where this process's memory is the whole budget and costs no
    // write per message.
    std::shared_ptr<notify::PacingLedger> ledger;
    if (store::IsPostgresUrl(config.database_url)) {
      ledger = std::make_shared<SharedPacingLedger>(store, core::SystemClock::Instance());
    } else {
      ledger = std::make_shared<notify::InProcessPacingLedger>(core::SystemClock::Instance());
    }
    p.telegram = notify::MakePacedTelegramClient(
        MakeTelegram(config, *p.provider_http),
        std::make_shared<notify::TelegramPacer>(std::move(ledger)),
        [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); });
  }

  auto add = [&p](Stage stage, std::unique_ptr<pipeline::StageHandler> handler) {
    p.handlers[stage] = handler.get();
    p.stages.push_back(std::move(handler));
  };
  add(Stage::kResolve,
      std::make_unique<pipeline::ResolveStage>(
          rest, p.user_names.get(), clock,
          pipeline::ResolveSettings{.min_call_duration_seconds = config.min_call_duration_seconds,
                                    .recording_wait = config.recording_wait}));
  add(Stage::kDownload,
      std::make_unique<pipeline::DownloadStage>(rest, has_bitrix ? bitrix.http.get() : nullptr,
                                                DownloadSettingsFrom(config)));
  audio::PrepareOptions audio_options;
  audio_options.max_transcribed_seconds = std::int64_t{config.max_call_minutes} * 60;
  audio_options.format =
      audio::ChunkFormatFromName(config.audio_chunk_format).value_or(audio::ChunkFormat::kMp3);
  // FFmpeg runs in the callbrief-audio helper, one process per recording (docs/architecture.md,
  // "The audio helper").
  const audio::HelperOptions helper{.program = audio::HelperNextToThisProgram(),
                                    .log_format = config.log_format,
                                    .log_level = config.log_level};
  add(Stage::kPrepare, std::make_unique<pipeline::PrepareStage>(pipeline::PrepareSettings{
                           .data_dir = config.data_dir,
                           .audio = audio_options,
                           .prepare = [helper](const std::filesystem::path& recording,
                                               const audio::PrepareOptions& options) {
                             return audio::PrepareRecordingInChildProcess(recording, options,
                                                                          helper);
                           }}));
  add(Stage::kTranscribe, std::make_unique<pipeline::TranscribeStage>(
                              p.transcriber.get(), store, clock, config.transcribe_parallelism,
                              observer, config.pii_masking_store));
  add(Stage::kSummarize,
      std::make_unique<pipeline::SummarizeStage>(
          p.summarizer.get(), store, clock, config.call_language, observer, config.pii_masking));
  p.rescorer = std::make_unique<pipeline::Rescorer>(
      p.summarizer.get(), store, clock, config.call_language, observer, config.pii_masking);
  // The deliver stage's channels, in the order they run. A new channel is one line here
  // (docs/architecture.md, "Adding a channel").
  std::vector<std::unique_ptr<pipeline::DeliveryChannel>> channels;
  channels.push_back(
      std::make_unique<pipeline::TimelineChannel>(rest, clock, config.bitrix24_timeout));
  channels.push_back(std::make_unique<pipeline::TelegramChannel>(
      config.HasTelegram() ? p.telegram.get() : nullptr, store,
      notify::ChatTarget{.chat_id = config.telegram_target_chat_id,
                         .thread_id = config.telegram_thread_id},
      notify::DeliveryOptions{.transcript = TelegramTranscriptMode(config)}));
  if (config.bitrix24_attach_transcript) {
    channels.push_back(std::make_unique<pipeline::CardTranscriptChannel>(rest));
  }
  if (config.bitrix24_create_tasks) {
    channels.push_back(
        std::make_unique<pipeline::TasksChannel>(rest, clock, config.bitrix24_timeout));
  }
  if (config.HasTelegramAlerts()) {
    channels.push_back(std::make_unique<pipeline::AlertsChannel>(
        p.telegram.get(),
        notify::ChatTarget{.chat_id = config.telegram_alert_chat_id,
                           .thread_id = config.telegram_alert_thread_id},
        pipeline::AlertRulesFrom(config.alert_rules)));
  }
  add(Stage::kDeliver,
      std::make_unique<pipeline::DeliverStage>(
          store, clock,
          pipeline::MessageContext{.public_url = config.public_url,
                                   .portal_url = config.BitrixPortalUrl(),
                                   .utc_offset_minutes = config.display_utc_offset_minutes,
                                   .analytics_line = config.message_analytics_line},
          std::move(channels), observer));
  return p;
}

}  // namespace callbrief::app
