// callbrief: Bitrix24 call recordings → transcript → summary → Telegram, CRM timeline, database.
// This file is the composition root: it reads the configuration, builds every component in
// order and hands control to the chosen subcommand.

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/backfill.h"
#include "app/backup.h"
#include "app/bitrix_access.h"
#include "app/bitrix_events_command.h"
#include "app/calls_command.h"
#include "app/checks.h"
#include "app/erasure.h"
#include "app/instance_id.h"
#include "app/local_app.h"
#include "app/process_command.h"
#include "app/processing.h"
#include "app/recording_copy.h"
#include "app/rescore_command.h"
#include "app/retention.h"
#include "bitrix/crm_links.h"
#include "core/config.h"
#include "core/log.h"
#include "core/redact.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/webhook_intake.h"
#include "pipeline/pipeline.h"
#include "pipeline/reconciler.h"
#include "store/call_store.h"
#include "store/group_commit.h"

namespace callbrief {
namespace {

constexpr int kExitConfig = 2;
constexpr int kExitFailure = 1;
// Shorter admin passwords draw a warning at start-up: the login is on the internet.
constexpr std::size_t kMinAdminPasswordLength = 12;

// Characters (UTF-8 code points), so six Cyrillic letters count six, not twelve.
std::size_t CharacterCount(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Render (and most platforms) allow 30 s between SIGTERM and SIGKILL; stages still running after
// this much are abandoned with their leases released, so nothing is lost.
constexpr std::chrono::seconds kShutdownGrace{20};

// Prints a start-up failure as the one clear line the operator needs, and returns its exit code.
int Fail(const core::Error& error) {
  std::fprintf(stderr, "callbrief: %s\n", core::Redact(error.message).c_str());
  return error.kind == core::ErrorKind::kConfig ? kExitConfig : kExitFailure;
}

core::Result<core::Config> LoadConfiguration() {
  auto env = core::Environment::FromProcessAndDotEnv(".env");
  if (!env) return env.error();
  auto config = core::LoadConfig(*env);
  if (!config) return config.error();
  for (const std::string& secret : config->Secrets()) core::GlobalRedactor().AddSecret(secret);
  core::InitLogging(config->log_format, config->log_level);
  return config;
}

void LogConfigurationGaps(const core::Config& config) {
  if (!config.HasBitrix())
    spdlog::warn("BITRIX24_WEBHOOK_URL is not set: calls cannot be resolved");
  if (config.BitrixLocalApp()) {
    spdlog::info("Bitrix24: local application mode (install URL {}/api/bitrix-app/install)",
                 config.public_url);
    if (!config.bitrix24_application_token.empty()) {
      spdlog::warn(
          "BITRIX24_APPLICATION_TOKEN is ignored in the local application mode: events "
          "must carry the installed application's token");
    }
  }
  if (!config.HasTelegram()) {
    spdlog::warn("TELEGRAM_BOT_TOKEN or TELEGRAM_TARGET_CHAT_ID is not set: no Telegram messages");
  }
  if (!config.HasTranscription()) {
    spdlog::warn("OPENAI_API_KEY (or TRANSCRIBE_API_KEY) is not set: no transcription");
  }
  if (!config.HasSummary()) spdlog::warn("OPENAI_API_KEY is not set: no summaries");
  if (config.bitrix24_application_token.empty() && !config.BitrixLocalApp()) {
    spdlog::warn("BITRIX24_APPLICATION_TOKEN is not set: webhook events are not authenticated");
  }
  if (auto links = callbrief::app::TelegramLinkWarning(config)) spdlog::warn("{}", *links);
  if (config.admin_password.empty()) {
    spdlog::info("ADMIN_PASSWORD is not set: the API answers only clients on this machine");
  } else if (CharacterCount(config.admin_password) < kMinAdminPasswordLength) {
    spdlog::warn(
        "ADMIN_PASSWORD is shorter than {} characters: anyone who reaches the web UI can guess it "
        "(wrong guesses are throttled, not stopped); use a long random password",
        kMinAdminPasswordLength);
  }
}

// Blocks SIGTERM/SIGINT in every thread and waits for them on one, so shutdown runs as ordinary
// code rather than inside a signal handler. Must run before any other thread starts.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Serve() {
  sigset_t signals = BlockShutdownSignals();
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (ec) {
    return Fail(
        core::Error::Config("DATA_DIR: cannot create " + config->data_dir + ": " + ec.message()));
  }

  auto store = store::OpenStore(config->database_url, /*migrate=*/true);
  if (!store) return Fail(store.error());
  auto owner = app::InstanceName(config->data_dir);
  if (!owner) return Fail(owner.error());
  const core::Clock& clock = core::SystemClock::Instance();
  // Downloads cut short by a crash or a kill left their temporary files; no worker runs yet.
  if (auto partial = app::RemovePartialDownloads(config->data_dir, clock.Now());
      partial.partial_downloads > 0) {
    spdlog::info("Deleted {} partial download(s) left by the previous run ({})",
                 partial.partial_downloads, app::FormatBytes(partial.bytes));
  }

  // The pipeline: leases held by this instance before a crash are taken back at once, and calls
  // parked on a configuration error are looked at again (the configuration may have changed).
  // The metrics /metrics serves; the pipeline, the provider clients and the server report to them.
  http::ServiceMetrics metrics;
  app::BitrixAccess bitrix = app::MakeBitrixAccess(*config, metrics);
  // The local application mode: the portal is called with the installed application's tokens.
  std::unique_ptr<app::LocalApp> local_app;
  if (config->BitrixLocalApp()) {
    auto made = app::MakeLocalApp(*config, **store, *bitrix.http, bitrix.limiter.get(), clock);
    if (!made) return Fail(made.error());
    local_app = std::move(*made);
    app::UseLocalApp(*config, bitrix, *local_app);
  }
  auto built = app::BuildProcessing(*config, bitrix, **store, clock, metrics);
  if (!built) return Fail(built.error());
  app::Processing& processing = *built;
  if (auto released = (*store)->ReleaseLeases(*owner); !released) return Fail(released.error());
  if (auto woken = (*store)->WakeParkedCalls(core::ToUnixMillis(clock.Now())); !woken) {
    return Fail(woken.error());
  }
  const std::chrono::milliseconds lease = std::chrono::seconds(config->lease_seconds);
  pipeline::Pipeline pipeline(**store, processing.handlers, clock,
                              {.workers = config->workers,
                               .owner = *owner,
                               .lease = lease,
                               .heartbeat = lease / 4,
                               .observer = &metrics});

  store::GroupCommitter committer(**store);
  http::EventTokenCheck token_check;
  if (local_app) {
    token_check = {[&local_app](std::string_view presented) {
                     switch (local_app->CheckEventToken(presented)) {
                       case app::LocalApp::TokenVerdict::kAccepted:
                         return http::EventToken::kAccepted;
                       case app::LocalApp::TokenVerdict::kMissing:
                         return http::EventToken::kMissing;
                       default:
                         return http::EventToken::kMismatch;
                     }
                   },
                   "the installed Bitrix24 application's token"};
  } else if (!config->bitrix24_application_token.empty()) {
    const std::string expected = config->bitrix24_application_token;
    token_check = {[expected](std::string_view presented) {
                     if (http::ConstantTimeEquals(presented, expected)) {
                       return http::EventToken::kAccepted;
                     }
                     return presented.empty() ? http::EventToken::kMissing
                                              : http::EventToken::kMismatch;
                   },
                   "BITRIX24_APPLICATION_TOKEN"};
  }
  http::WebhookIntake intake(std::move(token_check), committer, clock,
                             [&pipeline] { pipeline.Wake(); });
  // The status page runs the doctor's checks through the service's own clients, at most once a
  // minute however often it is reloaded.
  app::CachedChecks checks(
      [&] {
        return app::RunChecks(*config,
                              {.store = store->get(),
                               .bitrix = config->HasBitrix() ? bitrix.rest.get() : nullptr,
                               .local_app = local_app.get(),
                               .telegram = processing.telegram.get(),
                               .provider_http = processing.provider_http.get()},
                              clock);
      },
      clock, std::chrono::seconds(60));
  // The call page plays recordings another instance downloaded by fetching them again.
  app::RecordingCopies recordings(config->HasBitrix() ? bitrix.rest.get() : nullptr,
                                  config->HasBitrix() ? bitrix.http.get() : nullptr,
                                  app::DownloadSettingsFrom(*config));
  http::Server server(
      {.host = config->host,
       .port = config->port,
       .threads = config->http_threads,
       .admin_password = config->admin_password,
       .trusted_proxies = config->trusted_proxies,
       .metrics_token = config->metrics_token,
       .metrics = &metrics,
       .data_dir = config->data_dir,
       .public_url = config->public_url,
       .bitrix_portal_url = config->BitrixPortalUrl(),
       .recording_copy =
           [&recordings](const store::CallDetails& call) { return recordings.LocalCopy(call); },
       .wake_pipeline = [&pipeline] { pipeline.Wake(); },
       .rescore_call =
           [&processing](const store::CallDetails& call) {
             return processing.rescorer->Rescore(call);
           },
       .erase_call = [&store, &config,
                      &clock](std::string_view key) -> core::Result<store::ErasedCall> {
         auto erased = app::EraseCallAndFiles(**store, config->data_dir, key,
                                              core::ToUnixMillis(clock.Now()));
         if (!erased) return erased.error();
         if (!erased->files_error.empty()) {
           spdlog::warn("Call {} erased from the database; its files were not: {}", erased->call.id,
                        erased->files_error);
         }
         return erased->call;
       },
       .status_report = [&checks] { return checks.Report(); },
       .bitrix_app_install =
           local_app ? http::PostHandler([&](std::string_view type, std::string_view body) {
             app::AppAnswer answer = local_app->Install(type, body, *bitrix.rest);
             return http::HandlerAnswer{answer.status, std::move(answer.body), answer.refusal};
           })
                     : http::PostHandler(),
       .bitrix_app_events =
           local_app ? http::PostHandler([&](std::string_view type, std::string_view body) {
             app::AppAnswer answer = local_app->Event(type, body);
             return http::HandlerAnswer{answer.status, std::move(answer.body), answer.refusal};
           })
                     : http::PostHandler(),
       .clock = &clock},
      intake, **store);
  if (auto bound = server.Bind(); !bound) return Fail(bound.error());

  LogConfigurationGaps(*config);
  spdlog::info(
      "callbrief {} listening on http://{}:{}: Bitrix24 events at "
      "/api/bitrix-webhook/call-finished, "
      "the web UI and the API at / (database {}, {} workers)",
      CALLBRIEF_VERSION, config->host, server.port(),
      core::DatabaseUrlForDisplay(config->database_url), config->workers);
  pipeline.Start();

  // The reconciler catches calls whose webhook never arrived (Bitrix24 does not retry events).
  pipeline::Reconciler reconciler(*bitrix.rest, **store, clock);
  std::thread reconciler_thread;
  if (config->HasBitrix() && config->reconcile_interval.count() > 0) {
    reconciler_thread = std::thread([&] { reconciler.Run(config->reconcile_interval); });
  } else if (config->HasBitrix()) {
    spdlog::info("RECONCILE_INTERVAL is 0: calls whose webhook is lost will not be found");
  }

  // RETAIN_AUDIO_DAYS: old recordings and chunks are deleted at start and then every hour.
  app::RetentionSweeper retention(config->data_dir, config->retain_audio_days, clock);
  std::thread retention_thread;
  if (config->retain_audio_days > 0) {
    retention_thread = std::thread([&] { retention.Run(std::chrono::hours(1)); });
  }

  // The local application's tokens are refreshed when used; this keeps an idle installation's
  // refresh token from running out (180 days).
  std::thread keep_alive_thread;
  if (local_app) {
    keep_alive_thread = std::thread([&] { local_app->Run(std::chrono::hours(6)); });
  }

  std::thread signal_waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("Received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    server.Stop();
  });
  server.Run();
  // Run() also returns if listening fails; make sure the waiter can finish either way.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  reconciler.Stop();
  retention.Stop();
  if (retention_thread.joinable()) retention_thread.join();
  if (local_app) local_app->Stop();
  if (keep_alive_thread.joinable()) keep_alive_thread.join();
  const int abandoned = pipeline.Stop(kShutdownGrace);
  if (abandoned > 0) {
    // Worker threads are still inside provider requests; their leases are released and their
    // results would be refused. End now rather than wait past the platform's grace period.
    spdlog::info("Stopped ({} stage(s) left to the next start)", abandoned);
    spdlog::shutdown();
    std::_Exit(0);
  }
  if (reconciler_thread.joinable()) reconciler_thread.join();
  spdlog::info("Stopped");
  return 0;
}

int Migrate() {
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  auto version = store::MigrateStore(config->database_url);
  if (!version) return Fail(version.error());
  spdlog::info("Database schema is at version {}", *version);
  return 0;
}

int Doctor() {
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  return app::RunDoctor(*config);
}

template <typename Command>
int WithConfig(Command command) {
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  return command(*config);
}

int Process(const app::ProcessOptions& options) {
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  // stdout carries the message; the stages' log lines go beside it.
  core::InitLogging(config->log_format, config->log_level,
                    core::MakeLineSink(config->log_format, stderr));
  return app::RunProcess(*config, options);
}

int Backfill(const app::BackfillOptions& options) {
  auto config = LoadConfiguration();
  if (!config) return Fail(config.error());
  return app::RunBackfill(*config, options);
}

}  // namespace
}  // namespace callbrief

int main(int argc, char** argv) {
  CLI::App app{"callbrief: summaries of Bitrix24 calls in Telegram, the CRM timeline and a web UI",
               "callbrief"};
  app.set_version_flag("--version", std::string(CALLBRIEF_VERSION));
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "Run the HTTP server and the processing workers");
  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* doctor =
      app.add_subcommand("doctor", "Check the database and every credential, and say what to fix");
  callbrief::app::BackfillOptions backfill_options;
  auto* backfill = app.add_subcommand(
      "backfill", "Record calls from Bitrix24's call history (e.g. from before installation)");
  backfill->add_option("--since", backfill_options.since, "First day, e.g. 2026-11-01")->required();
  backfill->add_option("--until", backfill_options.until, "Stop before this day (optional)");
  backfill->add_flag("--dry-run", backfill_options.dry_run, "Count what would be recorded");
  callbrief::app::RescoreOptions rescore_options;
  auto* rescore = app.add_subcommand(
      "rescore",
      "Score finished calls again against the active checklist (nothing is transcribed again)");
  rescore->add_option("--since", rescore_options.since, "First day, e.g. 2026-11-01")->required();
  rescore->add_option("--until", rescore_options.until, "Stop before this day (optional)");
  auto* calls = app.add_subcommand("calls", "List, show, retry and erase calls");
  calls->require_subcommand(1);
  callbrief::app::CallsListOptions list_options;
  auto* calls_list = calls->add_subcommand("list", "The newest calls, one line each");
  calls_list->add_option("--limit", list_options.limit, "How many calls")
      ->check(CLI::Range(1, 1000));
  calls_list->add_option("--stage", list_options.stage, "Only these stages, e.g. failed,skipped");
  std::string call_id;
  auto* calls_show = calls->add_subcommand("show", "Everything stored about one call");
  calls_show->add_option("ID", call_id, "Our id or Bitrix24's CALL_ID")->required();
  auto* calls_retry = calls->add_subcommand(
      "retry", "Process a failed or skipped call again from where it stopped");
  calls_retry->add_option("ID", call_id, "Our id or Bitrix24's CALL_ID")->required();
  callbrief::app::CallsEraseOptions erase_options;
  auto* calls_erase = calls->add_subcommand(
      "erase",
      "Erase calls on a data subject's request: everything stored about them and their "
      "recordings (lists them first; erases with --yes)");
  calls_erase->add_option("ID", erase_options.ids, "Our ids or Bitrix24's CALL_IDs");
  calls_erase->add_option("--number", erase_options.number,
                          "Every call of this client number (+7 916 123-45-67, 8916…)");
  calls_erase->add_flag("--yes", erase_options.yes, "Erase; without it the calls are only listed");
  std::string backup_file;
  auto* backup = app.add_subcommand(
      "backup", "Copy the SQLite database to FILE, consistent while the service runs");
  backup->add_option("FILE", backup_file, "The backup file (replaced if it exists)")->required();
  std::string purge_age;
  auto* purge = app.add_subcommand(
      "purge", "Delete recordings and audio chunks (transcripts and summaries are kept)");
  purge->add_option("--audio-older-than", purge_age, "Age of the files, e.g. 90d, 12h")->required();
  callbrief::app::ProcessOptions process_options;
  auto* process = app.add_subcommand(
      "process",
      "Transcribe and summarize a local recording with the configured providers and print the "
      "Telegram message (nothing is stored)");
  process->add_option("FILE", process_options.file, "The recording (mp3, wav, ogg, m4a, …)")
      ->required();
  process->add_option("--from", process_options.from, "Who called, e.g. +79161234567");
  process->add_option("--to", process_options.to, "Who was called");
  process->add_option("--direction", process_options.direction, "incoming or outgoing")
      ->check(CLI::IsMember({"incoming", "outgoing"}));
  process->add_flag("--deliver", process_options.deliver,
                    "Also send the message to TELEGRAM_TARGET_CHAT_ID");
  process->add_flag("--html", process_options.html, "Print the HTML as Telegram gets it");
  auto* bitrix = app.add_subcommand("bitrix", "Bitrix24 local application tools");
  bitrix->require_subcommand(1);
  auto* bitrix_events = bitrix->add_subcommand(
      "events", "List, bind or unbind the portal's event handlers (local application mode)");
  std::string events_action = "list";
  bitrix_events->add_option("ACTION", events_action, "list (default), bind or unbind")
      ->check(CLI::IsMember({"list", "bind", "unbind"}));
  CLI11_PARSE(app, argc, argv);

  using callbrief::core::Config;
  if (rescore->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunRescore(c, rescore_options); });
  }
  if (calls_list->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunCallsList(c, list_options); });
  }
  if (calls_show->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunCallsShow(c, call_id); });
  }
  if (calls_retry->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunCallsRetry(c, call_id); });
  }
  if (calls_erase->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunCallsErase(c, erase_options); });
  }

  if (bitrix_events->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunBitrixEvents(c, events_action); });
  }
  if (backup->parsed()) {
    return callbrief::WithConfig(
        [&](const Config& c) { return callbrief::app::RunBackup(c, backup_file); });
  }
  if (purge->parsed()) {
    return callbrief::WithConfig([&](const Config& c) {
      return callbrief::app::RunPurge(c.data_dir, purge_age,
                                      callbrief::core::SystemClock::Instance());
    });
  }
  if (serve->parsed()) return callbrief::Serve();
  if (migrate->parsed()) return callbrief::Migrate();
  if (backfill->parsed()) return callbrief::Backfill(backfill_options);
  if (process->parsed()) return callbrief::Process(process_options);
  if (doctor->parsed()) return callbrief::Doctor();
  return 1;
}
