#include "app/checks.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "app/bitrix_access.h"
#include "app/processing.h"
#include "app/retention.h"
#include "audio/child_process.h"
#include "bitrix/portal_check.h"
#include "core/redact.h"
#include "notify/telegram_format.h"
#include "openai/model_check.h"

namespace callbrief::app {
namespace {

class Checks {
 public:
  void Ok(std::string_view name, std::string message) {
    Add(name, CheckOutcome::kOk, std::move(message));
  }
  void Warn(std::string_view name, std::string message) {
    Add(name, CheckOutcome::kWarning, std::move(message));
  }
  void Fail(std::string_view name, std::string message) {
    Add(name, CheckOutcome::kFailed, std::move(message));
  }
  std::vector<CheckResult> Take() { return std::move(results_); }

 private:
  void Add(std::string_view name, CheckOutcome outcome, std::string message) {
    results_.push_back({std::string(name), outcome, core::Redact(message)});
  }
  std::vector<CheckResult> results_;
};

void CheckDatabase(const core::Config& config, const CheckTargets& targets, Checks& checks) {
  constexpr std::string_view kName = "Database";
  const std::string url = core::DatabaseUrlForDisplay(config.database_url);
  store::CallStore* store = targets.store;
  if (store == nullptr) {
    return checks.Fail(kName, url + " could not be opened: " + targets.store_error);
  }
  if (auto ping = store->Ping(); !ping) return checks.Fail(kName, ping.error().message);
  checks.Ok(kName, url + " opens and answers");
}

// The disk of DATA_DIR: recordings fill it unless RETAIN_AUDIO_DAYS deletes them, and a full disk
// stops downloads and, with SQLite, every write.
void CheckDataDir(const core::Config& config, Checks& checks) {
  constexpr std::string_view kName = "Data directory";
  constexpr double kWarnBelowPercent = 10;
  auto space = DataDirSpace(config.data_dir);
  if (!space) return checks.Fail(kName, space.error().message);
  const AudioUsage audio = MeasureAudio(config.data_dir);
  const std::string retention =
      config.retain_audio_days > 0
          ? fmt::format("deleted after {} days (RETAIN_AUDIO_DAYS)", config.retain_audio_days)
          : std::string("kept for ever (set RETAIN_AUDIO_DAYS to delete old ones)");
  const std::string message = fmt::format(
      "{}: {} free of {} ({:.0f} %); recordings and chunks of {} call(s) use {}, {}",
      config.data_dir, FormatBytes(space->available_bytes), FormatBytes(space->total_bytes),
      space->FreePercent(), audio.calls, FormatBytes(audio.bytes), retention);
  if (space->FreePercent() < kWarnBelowPercent) {
    return checks.Warn(kName, message +
                                  ". Less than 10 % free: make room (callbrief purge "
                                  "--audio-older-than 30d, RETAIN_AUDIO_DAYS) or a larger disk");
  }
  checks.Ok(kName, message);
}

// callbrief-audio, which prepares every recording: installed beside this program and able to run.
void CheckAudioHelper(Checks& checks) {
  constexpr std::string_view kName = "Audio helper";
  const std::filesystem::path helper = audio::HelperNextToThisProgram();
  if (auto started = audio::CheckHelperStarts(helper); !started.ok()) {
    return checks.Fail(kName, started.error().message);
  }
  checks.Ok(kName, fmt::format("{} runs", helper.string()));
}

// The local application mode: installed or not (never a token), then the portal as the
// application sees it.
void CheckLocalApp(const core::Config& config, bitrix::RestClient* rest, LocalApp* app,
                   Checks& checks) {
  constexpr std::string_view kName = "Bitrix24";
  if (app == nullptr || rest == nullptr) {
    return checks.Fail(kName, "mode: local application, but its tokens cannot be read");
  }
  auto described = app->Describe();
  if (!described) {
    return checks.Fail(kName, "mode: local application; " + described.error().message);
  }
  if (!described->installed) {
    return checks.Fail(
        kName, fmt::format("mode: local application, not installed yet: add callbrief as a local "
                           "application on {} with the install URL {}/api/bitrix-app/install "
                           "(docs/bitrix24-setup.md)",
                           config.bitrix24_portal_url, config.public_url));
  }
  checks.Ok(kName, fmt::format("mode: local application, installed on {}; tokens refreshed {}, "
                               "access token valid until {}",
                               described->domain, core::FormatIso8601(described->refreshed_at),
                               core::FormatIso8601(described->expires_at)));
  std::vector<std::string> scopes = bitrix::kRequiredScopes;
  if (config.bitrix24_create_tasks) scopes.push_back(bitrix::kTaskScope);
  auto check = bitrix::CheckPortal(*rest, scopes);
  if (!check) return checks.Fail(kName, check.error().message);
  checks.Ok(kName, "the application answers as " +
                       (check->user_name.empty() ? std::string("its user") : check->user_name));
  auto problems = check->Problems();
  for (const auto& problem : problems) checks.Fail(kName, problem);
  if (problems.empty()) checks.Ok(kName, "administrator, scopes and call history are in order");
  auto handlers = ListEventHandlers(*rest);
  if (!handlers) return checks.Fail(kName, "event.get: " + handlers.error().message);
  const std::string call_handler = app->CallHandlerUrl();
  bool bound = std::any_of(handlers->begin(), handlers->end(),
                           [&](const EventHandler& h) { return h.handler == call_handler; });
  if (bound) {
    checks.Ok(kName, "ONVOXIMPLANTCALLEND is bound to " + call_handler);
  } else {
    checks.Fail(kName, "ONVOXIMPLANTCALLEND is not bound to " + call_handler +
                           ": run `callbrief bitrix events bind`");
  }
}

void CheckBitrix(const core::Config& config, bitrix::RestClient* rest, LocalApp* app,
                 Checks& checks) {
  constexpr std::string_view kName = "Bitrix24";
  if (config.BitrixLocalApp()) return CheckLocalApp(config, rest, app, checks);
  if (rest == nullptr) {
    return checks.Fail(kName,
                       "BITRIX24_WEBHOOK_URL is not set: create an inbound webhook in Bitrix24 "
                       "(scopes telephony, crm, user, disk) and put its URL here");
  }
  checks.Ok(kName, "mode: inbound webhook (BITRIX24_WEBHOOK_URL)");
  std::vector<std::string> scopes = bitrix::kRequiredScopes;
  if (config.bitrix24_create_tasks) scopes.push_back(bitrix::kTaskScope);
  auto check = bitrix::CheckPortal(*rest, scopes);
  if (!check) return checks.Fail(kName, check.error().message);
  checks.Ok(kName, "the webhook answers as " +
                       (check->user_name.empty() ? std::string("its user") : check->user_name));
  auto problems = check->Problems();
  for (const auto& problem : problems) checks.Fail(kName, problem);
  if (problems.empty()) checks.Ok(kName, "administrator, scopes and call history are in order");
  if (config.bitrix24_application_token.empty()) {
    checks.Warn(kName,
                "BITRIX24_APPLICATION_TOKEN is not set: anyone who knows the handler URL can post "
                "events; copy the outbound webhook's application token into it");
  }
}

}  // namespace

std::optional<std::string> TelegramLinkWarning(const core::Config& config) {
  if (!config.HasTelegram() || config.public_url.empty() ||
      notify::TelegramKeepsLink(config.public_url)) {
    return std::nullopt;
  }
  return "PUBLIC_URL (" + config.public_url +
         ") has a host without a dot: Telegram drops such links, so messages show the call "
         "page's address as text; use a name with a dot (callbrief.example.com) or an IP address";
}

namespace {

void CheckTelegram(const core::Config& config, notify::TelegramClient* telegram, Checks& checks) {
  constexpr std::string_view kName = "Telegram";
  if (telegram == nullptr) {
    return checks.Fail(kName,
                       "TELEGRAM_BOT_TOKEN and TELEGRAM_TARGET_CHAT_ID must both be set (a bot "
                       "from @BotFather, and the chat it posts to)");
  }
  auto bot = telegram->GetMe();
  if (!bot) return checks.Fail(kName, bot.error().message);
  checks.Ok(kName, "the bot is @" + bot->username);
  notify::ChatTarget target{.chat_id = config.telegram_target_chat_id,
                            .thread_id = config.telegram_thread_id};
  auto access = telegram->CheckChat(target);
  if (!access) return checks.Fail(kName, access.error().message);
  std::string chat = fmt::format("{} \"{}\"", access->type, access->title);
  if (!access->can_post) return checks.Fail(kName, chat + ": " + access->problem);
  checks.Ok(kName, "the bot may post to the " + chat);
  if (!access->warning.empty()) checks.Warn(kName, chat + ": " + access->warning);
  if (auto links = TelegramLinkWarning(config)) checks.Warn(kName, *links);
  if ((config.telegram_transcript == "document" || config.telegram_transcript == "auto") &&
      !access->can_send_documents) {
    checks.Fail(kName, chat + ": the bot may not send documents there, and TELEGRAM_TRANSCRIPT=" +
                           config.telegram_transcript +
                           " sends long transcripts as .txt documents; allow members (or the "
                           "bot) to send files, or set TELEGRAM_TRANSCRIPT=inline");
  }
}

// The alerts' chat (TELEGRAM_ALERT_CHAT_ID, TELEGRAM_ALERT_THREAD_ID), when alerts are on.
void CheckTelegramAlerts(const core::Config& config, notify::TelegramClient* telegram,
                         Checks& checks) {
  constexpr std::string_view kName = "Telegram alerts";
  if (!config.HasTelegramAlerts()) return;
  if (telegram == nullptr) return checks.Fail(kName, "TELEGRAM_BOT_TOKEN must be set");
  auto access = telegram->CheckChat(
      {.chat_id = config.telegram_alert_chat_id, .thread_id = config.telegram_alert_thread_id});
  if (!access) {
    return checks.Fail(kName, "TELEGRAM_ALERT_CHAT_ID: " + access.error().message);
  }
  std::string chat = fmt::format("{} \"{}\"", access->type, access->title);
  if (!access->can_post) {
    return checks.Fail(kName, "TELEGRAM_ALERT_CHAT_ID, " + chat + ": " + access->problem);
  }
  checks.Ok(kName, "the bot may post alerts to the " + chat);
  if (!access->warning.empty()) {
    checks.Warn(kName, "TELEGRAM_ALERT_THREAD_ID, " + chat + ": " + access->warning);
  }
}

// One OpenAI-compatible server as the operator configured it.
struct ProviderSettings {
  std::string_view name;
  bool configured = false;
  std::string_view missing;  // What to set when not configured.
  const std::string& base_url;
  const std::string& api_key;
  openai::ErrorSettings errors;
};

void CheckProvider(net::HttpClient& http, const ProviderSettings& provider,
                   const core::Clock& clock, Checks& checks) {
  auto check =
      openai::CheckModel(http, provider.base_url, provider.api_key, provider.errors, clock.Now());
  if (!check) return checks.Fail(provider.name, check.error().message);
  if (check->list_forbidden) {
    return checks.Warn(
        provider.name,
        fmt::format("{} accepted the key but it may not list models ({}): a restricted key; give "
                    "it \"Models: Read\" for this check, otherwise {} and {} are checked by the "
                    "first call",
                    provider.base_url, check->detail, provider.errors.api_key_setting,
                    provider.errors.model_setting));
  }
  if (!check->has_model_list) {
    return checks.Warn(
        provider.name,
        provider.base_url + " answers but has no model list: " + provider.errors.api_key_setting +
            " and " + provider.errors.model_setting + " are checked by the first call");
  }
  if (!check->model_listed) {
    return checks.Warn(
        provider.name,
        fmt::format("{} accepts the key, but \"{}\" is not among its {} models: check {}",
                    provider.base_url, provider.errors.model, check->models,
                    provider.errors.model_setting));
  }
  checks.Ok(provider.name, fmt::format("{} accepts the key and offers {}", provider.base_url,
                                       provider.errors.model));
}

void CheckProviders(const core::Config& config, net::HttpClient* http, const core::Clock& clock,
                    Checks& checks) {
  const ProviderSettings providers[] = {
      {.name = "Speech-to-text",
       .configured = config.HasTranscription(),
       .missing = "OPENAI_API_KEY (or TRANSCRIBE_API_KEY with TRANSCRIBE_BASE_URL) is not set",
       .base_url = config.transcribe_base_url,
       .api_key = config.transcribe_api_key,
       .errors = {.api_key_setting = "TRANSCRIBE_API_KEY (or OPENAI_API_KEY)",
                  .base_url_setting = "TRANSCRIBE_BASE_URL (or OPENAI_BASE_URL)",
                  .model_setting = "TRANSCRIBE_MODEL",
                  .model = config.transcribe_model,
                  .secret = config.transcribe_api_key}},
      {.name = "Summary",
       .configured = config.HasSummary(),
       .missing = "OPENAI_API_KEY is not set",
       .base_url = config.openai_base_url,
       .api_key = config.openai_api_key,
       .errors = {.api_key_setting = "OPENAI_API_KEY",
                  .base_url_setting = "OPENAI_BASE_URL",
                  .model_setting = "SUMMARY_MODEL",
                  .model = config.summary_model,
                  .secret = config.openai_api_key}},
  };
  for (const ProviderSettings& provider : providers) {
    if (!provider.configured) {
      checks.Fail(provider.name, std::string(provider.missing));
    } else if (http != nullptr) {
      CheckProvider(*http, provider, clock, checks);
    }
  }
}

std::string_view OutcomeName(CheckOutcome outcome) {
  switch (outcome) {
    case CheckOutcome::kOk:
      return "ok";
    case CheckOutcome::kWarning:
      return "warning";
    case CheckOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace

std::vector<CheckResult> RunChecks(const core::Config& config, const CheckTargets& targets,
                                   const core::Clock& clock) {
  Checks checks;
  CheckDatabase(config, targets, checks);
  CheckDataDir(config, checks);
  CheckAudioHelper(checks);
  CheckBitrix(config, targets.bitrix, targets.local_app, checks);
  CheckTelegram(config, config.HasTelegram() ? targets.telegram : nullptr, checks);
  CheckTelegramAlerts(config, targets.telegram, checks);
  CheckProviders(config, targets.provider_http, clock, checks);
  return checks.Take();
}

nlohmann::json ChecksToJson(const std::vector<CheckResult>& checks, core::TimePoint checked_at) {
  nlohmann::json rows = nlohmann::json::array();
  for (const CheckResult& check : checks) {
    rows.push_back({{"name", check.name},
                    {"ok", check.outcome == CheckOutcome::kOk},
                    {"status", OutcomeName(check.outcome)},
                    {"message", check.message}});
  }
  return {{"checks", std::move(rows)}, {"checked_at", core::ToUnixMillis(checked_at)}};
}

CachedChecks::CachedChecks(std::function<std::vector<CheckResult>()> run, const core::Clock& clock,
                           std::chrono::seconds max_age)
    : run_(std::move(run)), clock_(clock), max_age_(max_age) {}

nlohmann::json CachedChecks::Report() {
  std::lock_guard lock(mutex_);
  core::TimePoint now = clock_.Now();
  if (!checked_at_ || now - *checked_at_ >= max_age_) {
    report_ = ChecksToJson(run_(), now);
    checked_at_ = now;
  }
  return report_;
}

int RunDoctor(const core::Config& config) {
  auto store = store::OpenStore(config.database_url, /*migrate=*/false);
  BitrixAccess bitrix;
  if (config.HasBitrix()) bitrix = MakeBitrixAccess(config);
  std::unique_ptr<LocalApp> local_app;
  if (config.BitrixLocalApp() && store.ok()) {
    auto made = MakeLocalApp(config, **store, *bitrix.http, bitrix.limiter.get(),
                             core::SystemClock::Instance());
    if (made) {
      local_app = std::move(*made);
      UseLocalApp(config, bitrix, *local_app);
    } else {
      std::printf("❌ Bitrix24: %s\n", core::Redact(made.error().message).c_str());
    }
  }
  std::unique_ptr<net::HttpClient> provider_http = MakeProviderHttpClient();
  std::unique_ptr<notify::TelegramClient> telegram =
      config.HasTelegram() || config.HasTelegramAlerts() ? MakeTelegram(config, *provider_http)
                                                         : nullptr;

  std::vector<CheckResult> checks =
      RunChecks(config,
                {.store = store.ok() ? store->get() : nullptr,
                 .store_error = store.ok() ? std::string() : store.error().message,
                 .bitrix = config.BitrixLocalApp() && !local_app ? nullptr : bitrix.rest.get(),
                 .local_app = local_app.get(),
                 .telegram = telegram.get(),
                 .provider_http = provider_http.get()},
                core::SystemClock::Instance());
  bool failed = false;
  for (const CheckResult& check : checks) {
    const char* mark = check.outcome == CheckOutcome::kOk        ? "✅"
                       : check.outcome == CheckOutcome::kWarning ? "⚠️ "
                                                                 : "❌";
    std::printf("%s %s: %s\n", mark, check.name.c_str(), check.message.c_str());
    failed = failed || check.outcome == CheckOutcome::kFailed;
  }
  return failed ? 1 : 0;
}

}  // namespace callbrief::app
