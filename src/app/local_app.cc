#include "app/local_app.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/event.h"
#include "core/json_bounded.h"
#include "core/redact.h"
#include "http/webhook_intake.h"

namespace callbrief::app {
namespace {

using core::Error;
using nlohmann::json;

constexpr std::string_view kSetting = "bitrix_app.installation";
// How long the installation read from the store is trusted before it is read again: another
// instance's install, refresh or uninstall shows here within this long.
constexpr std::chrono::seconds kReloadAfter{5};
constexpr std::size_t kMaxTokenLength = 512;
constexpr std::size_t kMaxFieldLength = 255;
// Installs that may ask the portal (app.info) per minute; a real one comes once.
constexpr std::size_t kMaxVerifications = 10;

// A token or id as Bitrix24 issues them: printable ASCII without spaces, bounded.
bool IsTokenText(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

std::string Field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "https://acme.bitrix24.ru/rest/" and "https://ACME.bitrix24.ru/rest" are the same endpoint.
std::string NormalisedEndpoint(std::string endpoint) {
  endpoint = Lower(std::move(endpoint));
  while (endpoint.ends_with('/')) endpoint.pop_back();
  return endpoint;
}

AppAnswer Refuse(int status, std::string refusal, std::string_view reason) {
  spdlog::warn("❌ Refused a Bitrix24 application request with {}: {}", status,
               core::Redact(reason));
  return {status, {{"status", "error"}, {"error", core::Redact(reason)}}, std::move(refusal)};
}

// A client that calls with one fixed token: the install's check of the posted token.
class FixedGrant final : public bitrix::AppAuth {
 public:
  explicit FixedGrant(Grant grant) : grant_(std::move(grant)) {}
  core::Result<Grant> Current() override { return grant_; }
  core::Result<Grant> Renew(std::string_view) override {
    return Error::Config("the posted access token was refused");
  }

 private:
  Grant grant_;
};

}  // namespace

struct LocalApp::Installation {
  std::string member_id;
  std::string domain;
  std::string application_token;
  bitrix::AppTokens tokens;
  core::TimePoint installed_at{};

  json ToJson() const {
    return {{"member_id", member_id},
            {"domain", domain},
            {"application_token", application_token},
            {"access_token", tokens.access_token},
            {"refresh_token", tokens.refresh_token},
            {"expires_at_ms", core::ToUnixMillis(tokens.expires_at)},
            {"refreshed_at_ms", core::ToUnixMillis(tokens.refreshed_at)},
            {"installed_at_ms", core::ToUnixMillis(installed_at)}};
  }
  static std::optional<Installation> FromJson(const json& j) {
    if (!j.is_object()) return std::nullopt;
    Installation i;
    i.member_id = Field(j, "member_id");
    i.domain = Field(j, "domain");
    i.application_token = Field(j, "application_token");
    i.tokens.access_token = Field(j, "access_token");
    i.tokens.refresh_token = Field(j, "refresh_token");
    i.tokens.member_id = i.member_id;
    auto millis = [&](const char* key) {
      auto it = j.find(key);
      return core::FromUnixMillis(it != j.end() && it->is_number_integer() ? it->get<std::int64_t>()
                                                                           : 0);
    };
    i.tokens.expires_at = millis("expires_at_ms");
    i.tokens.refreshed_at = millis("refreshed_at_ms");
    i.installed_at = millis("installed_at_ms");
    if (i.tokens.access_token.empty() || i.tokens.refresh_token.empty() ||
        i.application_token.empty()) {
      return std::nullopt;
    }
    return i;
  }
  void RegisterSecrets() const {
    for (const std::string* secret :
         {&tokens.access_token, &tokens.refresh_token, &application_token}) {
      core::GlobalRedactor().AddSecret(*secret);
    }
  }
};

core::Result<InstallEvent> ParseInstallEvent(std::string_view content_type, std::string_view body) {
  auto decoded = bitrix::DecodeEventBody(content_type, body);
  if (!decoded) return decoded.error();
  const json& root = *decoded;
  InstallEvent event;
  event.event = Lower(Field(root, "event"));
  for (char& c : event.event) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto auth = root.find("auth");
  if (auth == root.end() || !auth->is_object()) {
    return Error::InvalidInput("the body has no auth[...] block");
  }
  event.access_token = Field(*auth, "access_token");
  event.refresh_token = Field(*auth, "refresh_token");
  event.application_token = Field(*auth, "application_token");
  event.member_id = Field(*auth, "member_id");
  event.domain = Lower(Field(*auth, "domain"));
  event.client_endpoint = Field(*auth, "client_endpoint");
  const std::pair<const char*, const std::string*> tokens[] = {
      {"auth[access_token]", &event.access_token},
      {"auth[refresh_token]", &event.refresh_token},
      {"auth[application_token]", &event.application_token}};
  for (const auto& [name, value] : tokens) {
    if (!IsTokenText(*value, kMaxTokenLength)) {
      return Error::InvalidInput(fmt::format("{} is missing or malformed", name));
    }
  }
  if (!IsTokenText(event.member_id, kMaxFieldLength)) {
    return Error::InvalidInput("auth[member_id] is missing or malformed");
  }
  if (!IsTokenText(event.domain, kMaxFieldLength) ||
      event.domain.find_first_of("/@?#\\") != std::string::npos) {
    return Error::InvalidInput("auth[domain] is missing or malformed");
  }
  if (event.client_endpoint.empty()) {
    // CRest (bitrix-tools/crest, installApp) builds it the same way when the event has none.
    event.client_endpoint = "https://" + event.domain + "/rest/";
  } else if (!IsTokenText(event.client_endpoint, kMaxFieldLength)) {
    return Error::InvalidInput("auth[client_endpoint] is malformed");
  }
  std::string expires = Field(*auth, "expires_in");
  if (!expires.empty()) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), seconds);
    if (ec == std::errc() && end == expires.data() + expires.size() && seconds > 0) {
      event.expires_in = std::chrono::seconds(std::min<std::int64_t>(seconds, 86400));
    }
  }
  return event;
}

LocalApp::LocalApp(store::CallStore& store, TokenCipher cipher, net::HttpClient& http,
                   bitrix::RateLimiter* limiter, Options options, const core::Clock& clock)
    : store_(store),
      cipher_(std::move(cipher)),
      http_(http),
      limiter_(limiter),
      options_(std::move(options)),
      clock_(clock) {}

LocalApp::~LocalApp() = default;

std::string LocalApp::CallHandlerUrl() const {
  return options_.public_url + std::string(kCallEventPath);
}
std::string LocalApp::AppEventUrl() const {
  return options_.public_url + std::string(kAppEventPath);
}
std::string LocalApp::RestEndpoint() const { return options_.portal_url + "/rest/"; }

core::Result<std::optional<LocalApp::Installation>> LocalApp::LoadLocked(bool force) {
  const core::TimePoint now = clock_.Now();
  if (!force && loaded_at_ && now - *loaded_at_ < kReloadAfter && now >= *loaded_at_) {
    if (!cached_) return std::optional<Installation>();
    return std::optional<Installation>(*cached_);
  }
  auto stored = store_.GetSetting(kSetting);
  if (!stored) return stored.error().WithContext("reading the Bitrix24 application's tokens");
  std::optional<Installation> installation;
  if (stored->has_value() && !(*stored)->empty()) {  // "": uninstalled.
    auto plain = cipher_.Open(**stored, kSetting);
    if (!plain) return plain.error();
    installation = Installation::FromJson(core::ParseBoundedJson(*plain));
    if (!installation) {
      return Error::Config(
          "the stored Bitrix24 application installation is incomplete: install the application "
          "again");
    }
    installation->RegisterSecrets();
  }
  cached_ = installation ? std::make_unique<Installation>(*installation) : nullptr;
  loaded_at_ = now;
  return installation;
}

core::Status LocalApp::SaveLocked(const Installation& installation) {
  auto sealed = cipher_.Seal(installation.ToJson().dump(), kSetting);
  if (!sealed) return sealed.error();
  if (auto put = store_.PutSetting(kSetting, *sealed); !put) {
    return put.error().WithContext("storing the Bitrix24 application's tokens");
  }
  installation.RegisterSecrets();
  cached_ = std::make_unique<Installation>(installation);
  loaded_at_ = clock_.Now();
  return core::Ok();
}

core::Result<LocalApp::Grant> LocalApp::RefreshLocked(Installation installation) {
  auto refreshed = bitrix::RefreshAppTokens(http_, options_.oauth,
                                            installation.tokens.refresh_token, clock_.Now());
  if (!refreshed) {
    // Another instance may have refreshed first and spent the refresh token: its pair is in the
    // store.
    auto stored = LoadLocked(/*force=*/true);
    if (stored.ok() && stored->has_value() &&
        (*stored)->tokens.refresh_token != installation.tokens.refresh_token) {
      return Grant{RestEndpoint(), (*stored)->tokens.access_token};
    }
    return refreshed.error();
  }
  if (!refreshed->tokens.member_id.empty() &&
      refreshed->tokens.member_id != installation.member_id) {
    return Error::Config(
        "the authorization server returned tokens of another portal (member_id differs): "
        "check BITRIX24_CLIENT_ID");
  }
  // Uninstalled meanwhile (by another instance): the refreshed pair must not bring it back.
  auto current = LoadLocked(/*force=*/true);
  if (!current) return current.error();
  if (!current->has_value() || (*current)->member_id != installation.member_id) {
    return Error::Config("the Bitrix24 application was uninstalled: install it again");
  }
  installation = **current;
  installation.tokens.access_token = refreshed->tokens.access_token;
  installation.tokens.refresh_token = refreshed->tokens.refresh_token;
  installation.tokens.expires_at = refreshed->tokens.expires_at;
  installation.tokens.refreshed_at = refreshed->tokens.refreshed_at;
  if (auto saved = SaveLocked(installation); !saved) return saved.error();
  spdlog::info("🔑 Refreshed the Bitrix24 application's tokens (valid until {})",
               core::FormatIso8601(installation.tokens.expires_at));
  return Grant{RestEndpoint(), installation.tokens.access_token};
}

core::Result<LocalApp::Grant> LocalApp::Current() {
  std::lock_guard lock(mu_);
  auto installation = LoadLocked(false);
  if (!installation) return installation.error();
  if (!installation->has_value()) {
    return Error::Config(fmt::format(
        "the Bitrix24 application is not installed yet: add callbrief as a local application on "
        "{} with the install URL {}/api/bitrix-app/install (docs/bitrix24-setup.md)",
        options_.portal_url, options_.public_url));
  }
  if (bitrix::NeedsRefreshForUse((*installation)->tokens, clock_.Now())) {
    return RefreshLocked(**installation);
  }
  return Grant{RestEndpoint(), (*installation)->tokens.access_token};
}

core::Result<LocalApp::Grant> LocalApp::Renew(std::string_view rejected) {
  std::lock_guard lock(mu_);
  auto installation = LoadLocked(/*force=*/true);
  if (!installation) return installation.error();
  if (!installation->has_value()) return Error::Config("the Bitrix24 application is not installed");
  if ((*installation)->tokens.access_token != rejected) {
    return Grant{RestEndpoint(), (*installation)->tokens.access_token};
  }
  return RefreshLocked(**installation);
}

core::Status LocalApp::KeepAlive() {
  std::lock_guard lock(mu_);
  auto installation = LoadLocked(/*force=*/true);
  if (!installation) return installation.error();
  if (!installation->has_value() ||
      !bitrix::NeedsKeepAliveRefresh((*installation)->tokens, clock_.Now())) {
    return core::Ok();
  }
  auto grant = RefreshLocked(**installation);
  if (!grant) return grant.error();
  return core::Ok();
}

void LocalApp::Run(std::chrono::milliseconds interval) {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    if (auto kept = KeepAlive(); !kept) {
      spdlog::warn("Bitrix24 application tokens: {}", kept.error().message);
    }
    lock.lock();
    stop_cv_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

void LocalApp::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

LocalApp::TokenVerdict LocalApp::CheckEventToken(std::string_view presented) {
  std::string expected;
  {
    std::lock_guard lock(mu_);
    auto installation = LoadLocked(false);
    if (!installation || !installation->has_value()) return TokenVerdict::kNotInstalled;
    expected = (*installation)->application_token;
  }
  if (presented.empty()) return TokenVerdict::kMissing;
  return http::ConstantTimeEquals(presented, expected) ? TokenVerdict::kAccepted
                                                       : TokenVerdict::kMismatch;
}

core::Result<LocalApp::Description> LocalApp::Describe() {
  std::lock_guard lock(mu_);
  auto installation = LoadLocked(false);
  if (!installation) return installation.error();
  Description d;
  if (installation->has_value()) {
    d.installed = true;
    d.domain = (*installation)->domain;
    d.member_id = (*installation)->member_id;
    d.expires_at = (*installation)->tokens.expires_at;
    d.refreshed_at = (*installation)->tokens.refreshed_at;
  }
  return d;
}

AppAnswer LocalApp::Install(std::string_view content_type, std::string_view body,
                            bitrix::RestClient& rest) {
  auto event = ParseInstallEvent(content_type, body);
  if (!event) return Refuse(400, "malformed", event.error().message);
  if (event->event != "ONAPPINSTALL") {
    return Refuse(
        400, "malformed",
        fmt::format("expected the ONAPPINSTALL event, got \"{}\"", event->event.substr(0, 40)));
  }
  // Only the configured portal: the endpoint in the event must be BITRIX24_PORTAL_URL's, and the
  // token check below goes to BITRIX24_PORTAL_URL whatever the event says.
  if (NormalisedEndpoint(event->client_endpoint) != NormalisedEndpoint(RestEndpoint())) {
    return Refuse(403, "wrong_portal",
                  fmt::format("the installation comes from another portal than "
                              "BITRIX24_PORTAL_URL ({})",
                              options_.portal_url));
  }
  {
    std::lock_guard lock(mu_);
    auto installed = LoadLocked(/*force=*/true);
    if (!installed && installed.error().kind != core::ErrorKind::kConfig) {
      return Refuse(503, "store_unavailable", installed.error().message);
    }
    // An installation that cannot be read (key lost) may be replaced by a verified one.
    if (installed && installed->has_value() && (*installed)->member_id != event->member_id) {
      return Refuse(409, "member_mismatch",
                    "another Bitrix24 account (member_id) has installed the application; "
                    "uninstall it there first");
    }
    const core::TimePoint now = clock_.Now();
    std::erase_if(verifications_, [&](core::TimePoint at) {
      return at > now || now - at >= std::chrono::minutes(1);
    });
    if (verifications_.size() >= kMaxVerifications) {
      return Refuse(429, "install_throttled",
                    "too many installation attempts in the last minute; try again later");
    }
    verifications_.push_back(now);
  }
  // The portal itself must accept the posted token (app.info, api-reference/common/system/
  // app-info.md): a forged body has no token the portal knows.
  FixedGrant grant({RestEndpoint(), event->access_token});
  auto checker =
      bitrix::MakeRestClient(http_, limiter_, {.app = &grant, .timeout = options_.rest_timeout});
  auto info = checker->Call("app.info", json::object());
  if (!info) {
    if (info.error().IsRetryable()) {
      return Refuse(503, "verification_unavailable",
                    "the portal could not be asked to confirm the installation; try again");
    }
    return Refuse(403, "token_rejected", "the portal did not confirm the posted access token");
  }
  Installation installation;
  installation.member_id = event->member_id;
  installation.domain = event->domain;
  installation.application_token = event->application_token;
  installation.tokens.access_token = event->access_token;
  installation.tokens.refresh_token = event->refresh_token;
  installation.tokens.member_id = event->member_id;
  installation.tokens.refreshed_at = clock_.Now();
  installation.tokens.expires_at = clock_.Now() + event->expires_in;
  installation.installed_at = clock_.Now();
  {
    std::lock_guard lock(mu_);
    if (auto saved = SaveLocked(installation); !saved) {
      return Refuse(503, "store_unavailable", saved.error().message);
    }
  }
  spdlog::info("✅ Bitrix24 application installed on {} (member_id {})", installation.domain,
               installation.member_id);
  json answer = {{"status", "ok"}, {"installed", true}};
  auto bound = BindOwnHandlers(rest, CallHandlerUrl(), AppEventUrl());
  if (bound) {
    for (const EventHandler& handler : *bound) {
      spdlog::info("Bound {} to {}", handler.event, handler.handler);
    }
    answer["bound"] = bound->size();
  } else {
    spdlog::error("❌ Binding the event handlers failed: {} (run `callbrief bitrix events bind`)",
                  bound.error().message);
    answer["bound"] = 0;
    answer["warning"] = "the event handlers could not be bound; see the service log";
  }
  return {200, answer, ""};
}

AppAnswer LocalApp::Event(std::string_view content_type, std::string_view body) {
  auto event = bitrix::DecodeWebhook(content_type, body);
  if (!event) return Refuse(400, "malformed", event.error().message);
  switch (CheckEventToken(event->application_token)) {
    case TokenVerdict::kAccepted:
      break;
    case TokenVerdict::kMissing:
      return Refuse(401, "token_missing", "auth[application_token] is missing");
    case TokenVerdict::kNotInstalled:
      return Refuse(401, "token_mismatch", "the Bitrix24 application is not installed");
    case TokenVerdict::kMismatch:
      return Refuse(401, "token_mismatch",
                    "auth[application_token] does not match the installed application's");
  }
  // The page's example spells it ONAPPSUNINSTALL, its title ONAPPUNINSTALL
  // (api-reference/common/events/on-app-uninstall.md): both are taken.
  if (event->event != kUninstallEvent && event->event != "ONAPPSUNINSTALL") {
    spdlog::info("Ignored Bitrix24 application event {}", event->event.substr(0, 40));
    return {200, {{"status", "ignored"}, {"event", event->event.substr(0, 40)}}, ""};
  }
  std::lock_guard lock(mu_);
  if (auto removed = store_.PutSetting(kSetting, ""); !removed) {
    return Refuse(503, "store_unavailable", removed.error().message);
  }
  cached_.reset();
  loaded_at_.reset();
  spdlog::info("🗑️ Bitrix24 application uninstalled: its tokens were deleted");
  return {200, {{"status", "ok"}, {"uninstalled", true}}, ""};
}

core::Result<std::vector<EventHandler>> ListEventHandlers(bitrix::RestClient& rest) {
  auto reply = rest.Call("event.get", json::object());
  if (!reply) return reply.error();
  std::vector<EventHandler> handlers;
  if (!reply->result.is_array()) return handlers;
  for (const json& row : reply->result) {
    if (!row.is_object()) continue;
    handlers.push_back({Field(row, "event"), Field(row, "handler")});
  }
  return handlers;
}

core::Result<std::vector<EventHandler>> BindOwnHandlers(bitrix::RestClient& rest,
                                                        const std::string& call_handler,
                                                        const std::string& app_handler) {
  auto existing = ListEventHandlers(rest);
  if (!existing) return existing.error();
  std::vector<EventHandler> bound;
  const EventHandler wanted[] = {{std::string(bitrix::kCallEndEvent), call_handler},
                                 {std::string(kUninstallEvent), app_handler}};
  for (const EventHandler& handler : wanted) {
    bool present = std::any_of(existing->begin(), existing->end(), [&](const EventHandler& e) {
      return Lower(e.event) == Lower(handler.event) && e.handler == handler.handler;
    });
    if (present) continue;
    // api-reference/events/event-bind.md.
    auto reply = rest.Call("event.bind", {{"event", handler.event}, {"handler", handler.handler}});
    if (!reply) return reply.error();
    bound.push_back(handler);
  }
  return bound;
}

core::Result<int> UnbindOwnHandlers(bitrix::RestClient& rest, const std::string& call_handler,
                                    const std::string& app_handler) {
  int removed = 0;
  const EventHandler ours[] = {{std::string(bitrix::kCallEndEvent), call_handler},
                               {std::string(kUninstallEvent), app_handler}};
  for (const EventHandler& handler : ours) {
    // api-reference/events/event-unbind.md: answers {"count": n}.
    auto reply =
        rest.Call("event.unbind", {{"event", handler.event}, {"handler", handler.handler}});
    if (!reply) return reply.error();
    if (reply->result.is_object()) {
      auto count = reply->result.find("count");
      if (count != reply->result.end() && count->is_number_integer()) {
        removed += count->get<int>();
      }
    }
  }
  return removed;
}

core::Result<std::unique_ptr<LocalApp>> MakeLocalApp(const core::Config& config,
                                                     store::CallStore& store, net::HttpClient& http,
                                                     bitrix::RateLimiter* limiter,
                                                     const core::Clock& clock) {
  auto key = LoadTokenKey(config.bitrix24_app_key, config.data_dir);
  if (!key) return key.error();
  return std::make_unique<LocalApp>(
      store, TokenCipher(*key), http, limiter,
      LocalApp::Options{.portal_url = config.bitrix24_portal_url,
                        .public_url = config.public_url,
                        .oauth = {.token_url = config.bitrix24_oauth_url,
                                  .client_id = config.bitrix24_client_id,
                                  .client_secret = config.bitrix24_client_secret},
                        .rest_timeout = config.bitrix24_timeout},
      clock);
}

}  // namespace callbrief::app
