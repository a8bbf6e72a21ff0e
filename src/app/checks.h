#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/local_app.h"
#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "net/http_client.h"
#include "notify/telegram_client.h"
#include "store/call_store.h"

namespace callbrief::app {

enum class CheckOutcome { kOk, kWarning, kFailed };

// One line of `callbrief doctor` and one row of the status page.
struct CheckResult {
  std::string name{};  // "Database", "Bitrix24", "Telegram", "Speech-to-text", "Summary".
  CheckOutcome outcome = CheckOutcome::kOk;
  std::string message{};  // What was found and, when not ok, what to do. Redacted.
};

// The clients the checks talk through; a null one is a part that is not configured.
struct CheckTargets {
  store::CallStore* store = nullptr;
  std::string store_error{};  // Why `store` is null, when it did not open.
  bitrix::RestClient* bitrix = nullptr;
  LocalApp* local_app = nullptr;  // The local application mode's installation.
  notify::TelegramClient* telegram = nullptr;
  net::HttpClient* provider_http = nullptr;  // Speech-to-text and summary.
};

// Why links to the call page will not work in Telegram: PUBLIC_URL's host has no '.', and
// Telegram drops such links (messages print the URL as text instead). nullopt when fine or
// without Telegram.
std::optional<std::string> TelegramLinkWarning(const core::Config& config);

// Checks every part of the configuration that can be checked without spending money: the
// database answers; the Bitrix24 webhook's identity, administrator rights, scopes and call
// history; the Telegram bot (getMe) and whether it may post to the chat (and topic); the
// speech-to-text and summary servers accept the key and offer the model (their model list).
// Nothing is sent to the chat, no audio is transcribed.
std::vector<CheckResult> RunChecks(const core::Config& config, const CheckTargets& targets,
                                   const core::Clock& clock);

// {"checks":[{"name","ok","status":"ok|warning|failed","message"}…],"checked_at":…}, what the
// status page draws.
nlohmann::json ChecksToJson(const std::vector<CheckResult>& checks, core::TimePoint checked_at);

// The checks for the status page: run on first use and again when older than `max_age`, so
// reloading the page does not hammer the providers. Thread-safe; callers wait while one runs.
class CachedChecks {
 public:
  CachedChecks(std::function<std::vector<CheckResult>()> run, const core::Clock& clock,
               std::chrono::seconds max_age);
  nlohmann::json Report();

 private:
  std::function<std::vector<CheckResult>()> run_;
  const core::Clock& clock_;
  const std::chrono::seconds max_age_;
  std::mutex mutex_;
  std::optional<core::TimePoint> checked_at_;
  nlohmann::json report_;
};

// `callbrief doctor`: builds the clients from the configuration, runs the checks and prints one
// line per check (✅ / ⚠️ / ❌ with what to do). Exit code 0 when nothing failed.
int RunDoctor(const core::Config& config);

}  // namespace callbrief::app
