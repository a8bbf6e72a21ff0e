#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dotenv.h"
#include "core/ip_address.h"
#include "core/result.h"

namespace callbrief::core {

enum class LogFormat { kText, kJson };

// The parsed, validated configuration. Built once at start-up and never changed afterwards; every
// component gets the part it needs by value or const reference. See docs/configuration.md for the
// meaning of every field (one environment variable each).
struct Config {
  // Bitrix24.
  std::string bitrix24_webhook_url;  // Normalised to end with '/'; empty when not configured.
  std::string bitrix24_application_token;
  std::chrono::seconds bitrix24_timeout{60};  // One REST request; Bitrix24 cuts at 60 s anyway.
  bool bitrix24_attach_transcript = false;    // Also put the transcript on the call's card.
  bool bitrix24_create_tasks = false;  // A Bitrix24 task per action item (needs scope `task`).
  // Our share of the portal's REST budget: cloud portals drain 2 requests/s, Enterprise plans 5.
  int bitrix24_requests_per_second = 2;
  // The local application mode (docs/bitrix24-setup.md, option B): set BITRIX24_CLIENT_ID and
  // callbrief talks to the portal with the tokens of its own local application instead of an
  // inbound webhook.
  std::string bitrix24_client_id;
  std::string bitrix24_client_secret;
  // The portal the application may be installed from, "https://acme.bitrix24.ru" (no trailing
  // slash); required in the local application mode.
  std::string bitrix24_portal_url;
  static constexpr const char* kBitrixOAuthUrl = "https://oauth.bitrix.info/oauth/token/";
  std::string bitrix24_oauth_url = kBitrixOAuthUrl;
  // BITRIX24_APP_KEY: the key the application's tokens are encrypted with in the database (64 hex
  // digits); empty: a key file in DATA_DIR, created on first use.
  std::string bitrix24_app_key;

  // Telegram.
  std::string telegram_bot_token;
  std::string telegram_target_chat_id;  // A numeric id ("-100…") or "@channelname".
  std::optional<std::int64_t> telegram_thread_id;
  std::string telegram_api_base_url = "https://api.telegram.org";
  std::string telegram_transcript = "auto";  // off, inline, document or auto.
  // Alerts (issue 17, item 3): a short message per rule that fires on a call, in a chat (and
  // forum topic) of their own; empty chat: no alerts.
  std::string telegram_alert_chat_id;
  std::optional<std::int64_t> telegram_alert_thread_id;
  // ALERT_RULES: which rules send alerts — "tracker" (a hit of a tracker marked for alerts),
  // "negative" (the summary's tone is negative), "score_below:N" (a scorecard below N of 100),
  // "critical" (a critical criterion answered "no"); checked here, read by
  // pipeline::AlertRulesFrom.
  std::vector<std::string> alert_rules = {"tracker", "negative"};
  // MESSAGE_ANALYTICS_LINE: one more line in the Telegram message and the timeline comment with
  // the manager's talk share, the score and failed critical criteria (issue 16, item 5). Off by
  // default: the seed's exact format.
  bool message_analytics_line = false;

  // Speech-to-text and summary providers (OpenAI-compatible).
  std::string openai_api_key;
  static constexpr const char* kOpenAiBaseUrl = "https://api.openai.com/v1";
  std::string openai_base_url = kOpenAiBaseUrl;
  std::string transcribe_base_url;  // Defaults to openai_base_url.
  std::string transcribe_api_key;   // Defaults to openai_api_key.
  std::string transcribe_model = "whisper-1";
  std::string summary_model = "gpt-4o";
  int summary_max_tokens = 2000;  // Longest summary answer the model may write.
  // reasoning_effort for reasoning models (o1/o3/o4-mini, gpt-5…); "" sends none.
  std::string summary_reasoning_effort = "low";
  std::string call_language = "ru";
  // DISPLAY_UTC_OFFSET: the time zone of dates in Telegram and timeline messages, in minutes east
  // of UTC (Moscow by default; the web UI shows the browser's time zone).
  int display_utc_offset_minutes = 180;
  // Names and terms speech-to-text should spell right (company, products, people).
  std::vector<std::string> transcribe_vocabulary;
  int transcribe_parallelism = 4;          // Chunks of one call sent at once.
  std::string audio_chunk_format = "mp3";  // mp3, opus, flac or wav.
  // Price overrides, "MODEL=USD/min, MODEL=IN:OUT/1M" and "MODEL=IN:CACHED:OUT/1M"; checked
  // when the clients are built (their formats belong to asr/ and llm/).
  std::string transcribe_prices;
  std::string summary_prices;
  // PII_MASKING: personal data (phones, cards, passports, SNILS, INN, e-mail, street addresses)
  // replaced by typed placeholders in the text sent for the summary (docs/privacy.md).
  bool pii_masking = false;
  // PII_MASKING_STORE: also in the transcript as stored (and shown, and delivered).
  bool pii_masking_store = false;

  // Which calls are worth processing.
  int min_call_duration_seconds = 10;
  std::chrono::seconds recording_wait{600};
  std::int64_t recording_max_bytes = 200ll * 1024 * 1024;  // RECORDING_MAX_MB
  // MAX_CALL_MINUTES: only this much of a recording is transcribed; the rest is reported.
  int max_call_minutes = 120;

  // Storage and files.
  std::string database_url = "sqlite://data/callbrief.db";
  std::string data_dir = "data";
  // RETAIN_AUDIO_DAYS: recordings and chunks older than this are deleted (transcripts and summaries
  // stay); 0 keeps them for ever.
  int retain_audio_days = 0;

  // HTTP server and UI.
  std::string host = "0.0.0.0";
  int port = 8080;
  std::string public_url;  // No trailing slash; empty when unknown.
  std::string admin_password;
  // Reverse proxies whose X-Forwarded-For is believed for the client's address (TRUSTED_PROXIES).
  std::vector<IpNetwork> trusted_proxies;
  std::string metrics_token;  // METRICS_TOKEN: /metrics wants it as a bearer token; empty: open.
  int http_threads = 128;  // Requests handled at once (a webhook waiting for its commit holds one).

  // Pipeline.
  int workers = 4;
  // How long a worker's claim on a call lasts without a heartbeat (renewed every quarter of it):
  // a process paused or dead this long loses its calls to another worker.
  int lease_seconds = 120;
  // How often the reconciler looks for calls no webhook announced; 0 turns it off.
  std::chrono::seconds reconcile_interval{900};
  std::vector<std::string> recording_hosts;

  // Logging.
  LogFormat log_format = LogFormat::kText;
  std::string log_level = "info";

  // Every secret value in this configuration (tokens, keys, passwords, the webhook code), for the
  // log and error redactor.
  std::vector<std::string> Secrets() const;
  // Whether the portal is reached through the local application (BITRIX24_CLIENT_ID) rather than
  // an inbound webhook.
  bool BitrixLocalApp() const { return !bitrix24_client_id.empty(); }
  bool HasBitrix() const { return !bitrix24_webhook_url.empty() || BitrixLocalApp(); }
  // "https://acme.bitrix24.ru": the portal of either mode; "" when unknown.
  std::string BitrixPortalUrl() const;
  bool HasTelegramAlerts() const {
    return !telegram_bot_token.empty() && !telegram_alert_chat_id.empty();
  }
  bool HasTelegram() const {
    return !telegram_bot_token.empty() && !telegram_target_chat_id.empty();
  }
  // A self-hosted server (any base URL other than OpenAI's) may need no key.
  bool HasTranscription() const {
    return !transcribe_api_key.empty() || transcribe_base_url != kOpenAiBaseUrl;
  }
  bool HasSummary() const { return !openai_api_key.empty() || openai_base_url != kOpenAiBaseUrl; }
};

// Reads and validates every variable. An invalid value is a kConfig error whose message is one
// line that names the variable and says what is expected, without echoing secrets. Missing
// credentials are not errors: the service starts and reports them (doctor, UI).
Result<Config> LoadConfig(const Environment& env);

// DATABASE_URL as it may be shown (logs, doctor, UI): the password replaced by "***".
std::string DatabaseUrlForDisplay(std::string_view database_url);

// The secret part of a Bitrix24 inbound webhook URL (`CODE` in …/rest/USER/CODE/), or "" if the
// URL has no such part.
std::string WebhookCode(std::string_view webhook_url);

}  // namespace callbrief::core
