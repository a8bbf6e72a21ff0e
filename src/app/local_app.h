#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/token_crypto.h"
#include "bitrix/app_auth.h"
#include "bitrix/rate_limiter.h"
#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "net/http_client.h"
#include "store/call_store.h"

namespace callbrief::app {

// The paths the portal posts the application's events to (under PUBLIC_URL).
inline constexpr std::string_view kCallEventPath = "/api/bitrix-webhook/call-finished";
inline constexpr std::string_view kAppEventPath = "/api/bitrix-app/events";
// The events callbrief binds to its own handlers (event.bind).
inline constexpr std::string_view kUninstallEvent = "ONAPPUNINSTALL";

// What an install or application-event request is answered, for the HTTP server.
struct AppAnswer {
  int status = 200;
  nlohmann::json body;
  std::string refusal{};  // Why it was refused, for metrics; "" when accepted.
};

// One handler bound on the portal, as event.get lists it.
struct EventHandler {
  std::string event;
  std::string handler;
};

// callbrief as a local application of one portal (docs/bitrix24-setup.md, option B): receives the
// installation (ONAPPINSTALL) with its OAuth tokens, keeps them in the store encrypted under a key
// kept outside it (setting `bitrix_app.installation`), refreshes them before they expire, hands
// them to the REST client (bitrix::AppAuth) and authenticates the portal's events by the
// installation's application_token. Thread-safe. Another instance's install, refresh or
// uninstall is seen within a few seconds (the installation is read again from the store).
class LocalApp final : public bitrix::AppAuth {
 public:
  struct Options {
    std::string portal_url;  // BITRIX24_PORTAL_URL: the only portal installs are accepted from.
    std::string public_url;  // PUBLIC_URL: where the portal posts the events.
    bitrix::OAuthSettings oauth;
    std::chrono::milliseconds rest_timeout{60000};
  };

  // `http` and `limiter` (may be null) are the portal's: the install's token check goes through
  // them. All references must outlive the object.
  LocalApp(store::CallStore& store, TokenCipher cipher, net::HttpClient& http,
           bitrix::RateLimiter* limiter, Options options, const core::Clock& clock);
  ~LocalApp() override;

  // bitrix::AppAuth.
  core::Result<Grant> Current() override;
  core::Result<Grant> Renew(std::string_view rejected) override;

  // POST /api/bitrix-app/install: the ONAPPINSTALL event of the portal (form or JSON). Accepted
  // only from BITRIX24_PORTAL_URL, only when nothing is installed or the same portal (member_id)
  // installs again, and only when the portal accepts the posted access token (app.info with it);
  // then the tokens are stored and the handlers bound (`rest` is the service's client, which then
  // uses the new tokens). Never echoes a token; any body shape gets an answer, never a crash.
  AppAnswer Install(std::string_view content_type, std::string_view body, bitrix::RestClient& rest);
  // POST /api/bitrix-app/events: ONAPPUNINSTALL with the installation's application_token removes
  // the tokens; a missing or wrong token is refused (401) and changes nothing.
  AppAnswer Event(std::string_view content_type, std::string_view body);

  // Whether an event's auth[application_token] is the installation's (constant-time compare).
  enum class TokenVerdict { kAccepted, kMissing, kMismatch, kNotInstalled };
  TokenVerdict CheckEventToken(std::string_view presented);

  // What the status page and `doctor` show: installed or not, the portal's domain, when the
  // tokens were refreshed and expire. Never a token.
  struct Description {
    bool installed = false;
    std::string domain;
    std::string member_id;
    core::TimePoint expires_at{};
    core::TimePoint refreshed_at{};
  };
  core::Result<Description> Describe();

  // Refreshes the tokens when NeedsKeepAliveRefresh says so; run every `interval` by Run().
  core::Status KeepAlive();
  void Run(std::chrono::milliseconds interval);  // Until Stop().
  void Stop();

  std::string CallHandlerUrl() const;  // PUBLIC_URL + kCallEventPath
  std::string AppEventUrl() const;     // PUBLIC_URL + kAppEventPath
  std::string RestEndpoint() const;    // BITRIX24_PORTAL_URL + "/rest/"

 private:
  struct Installation;
  // The installation as stored (read again when older than a few seconds, or when `force`);
  // nullopt when none. Called with mu_ held.
  core::Result<std::optional<Installation>> LoadLocked(bool force);
  core::Status SaveLocked(const Installation& installation);
  core::Result<Grant> RefreshLocked(Installation installation);

  store::CallStore& store_;
  TokenCipher cipher_;
  net::HttpClient& http_;
  bitrix::RateLimiter* limiter_;
  Options options_;
  const core::Clock& clock_;

  std::mutex mu_;                         // Serialises loads, refreshes and writes of this process.
  std::unique_ptr<Installation> cached_;  // Guarded by mu_; null: none installed.
  std::optional<core::TimePoint> loaded_at_;  // Guarded by mu_.

  // The times of the last installs that asked the portal (at most kMaxVerifications a minute): a
  // stranger posting installs must not spend the portal's request budget. Guarded by mu_.
  std::vector<core::TimePoint> verifications_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // Guarded by stop_mu_.
};

// event.get, event.bind and event.unbind for `callbrief bitrix events` and the install.
core::Result<std::vector<EventHandler>> ListEventHandlers(bitrix::RestClient& rest);
// Binds ONVOXIMPLANTCALLEND to `call_handler` and ONAPPUNINSTALL to `app_handler` unless already
// bound there; answers the handlers bound now.
core::Result<std::vector<EventHandler>> BindOwnHandlers(bitrix::RestClient& rest,
                                                        const std::string& call_handler,
                                                        const std::string& app_handler);
// Unbinds every handler of ONVOXIMPLANTCALLEND and ONAPPUNINSTALL that points at one of ours;
// answers how many the portal removed.
core::Result<int> UnbindOwnHandlers(bitrix::RestClient& rest, const std::string& call_handler,
                                    const std::string& app_handler);

// The parts of an ONAPPINSTALL body callbrief uses (pure; any shape is refused with a reason,
// never thrown): event name, auth[access_token|refresh_token|application_token|member_id|domain|
// client_endpoint|expires_in]. Lengths and characters are bounded.
struct InstallEvent {
  std::string event;
  std::string access_token;
  std::string refresh_token;
  std::string application_token;
  std::string member_id;
  std::string domain;
  std::string client_endpoint;  // CRest derives https://DOMAIN/rest/ when it is missing.
  std::chrono::seconds expires_in{3600};
};
core::Result<InstallEvent> ParseInstallEvent(std::string_view content_type, std::string_view body);

// Builds the LocalApp of a configuration in the local application mode (the key from
// BITRIX24_APP_KEY or DATA_DIR). kConfig when the key cannot be had.
core::Result<std::unique_ptr<LocalApp>> MakeLocalApp(const core::Config& config,
                                                     store::CallStore& store, net::HttpClient& http,
                                                     bitrix::RateLimiter* limiter,
                                                     const core::Clock& clock);

}  // namespace callbrief::app
