// The local application side of the fake portal: REST calls authorized by an OAuth access token,
// the authorization server's token endpoint, and the control API that installs and removes the
// application and sends its events.

#include "core/php_form.h"
#include "fakes/call_end_event.h"
#include "fakes/fake_bitrix24.h"
#include "fakes/fake_bitrix24_impl.h"
#include "fakes/rest_support.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

std::string Text(const json& params, std::string_view key) {
  const json* value = Param(params, key);
  return value != nullptr ? PhpString(*value).value_or("") : "";
}

}  // namespace

// POST /rest/<method>[.json] with `auth` (event-bind.md, app-info.md: "cURL (OAuth)").
void FakeBitrix24::Impl::AnswerOAuth(const httplib::Request& request, httplib::Response& response) {
  auto [name, entry, params] = BeginRest(request, request.matches[1]);
  const core::TimePoint start = entry.time;
  const MethodSpec* method = FindMethod(name);
  if (method == nullptr) method = FindAppMethod(name);
  if (method != nullptr) entry.method = std::string(method->name);
  std::string auth = params.ok() ? Text(*params, "auth") : "";
  if (params.ok()) params->erase("auth");

  MethodReply reply;
  {
    std::lock_guard lock(mu);
    const LocalApplication* app = portal.app ? &*portal.app : nullptr;
    if (portal.cloud) {
      reply = Failure(401, "INVALID_REQUEST", "Https required");
    } else if (auth.empty()) {
      // _includes/system-errors.md: "neither an access token nor a webhook code was passed".
      reply = Failure(401, "NO_AUTH_FOUND", "Wrong authorization data");
    } else if (app == nullptr || !app->installed || auth != app->access_token) {
      // The pages are silent about an access token the portal never issued (or one replaced by
      // a refresh); this answer is unverified until the first real portal.
      reply = Failure(401, "invalid_token", "The access token provided is invalid.");
    } else if (Now() >= app->access_expires) {
      // _includes/system-errors.md: 401 expired_token.
      reply = Failure(401, "expired_token", "The access token provided has expired.");
    } else if (bucket && !bucket->TryAdd(MonotonicNow())) {
      reply = Failure(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    } else if (method == nullptr) {
      reply = Failure(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    } else if (!params.ok()) {
      reply = Failure(400, "INVALID_REQUEST", params.error().message);
    } else if (!Granted(portal, *method)) {
      // _includes/system-errors.md: for an application the message ends "by the access token".
      reply = Failure(401, "insufficient_scope",
                      "The request requires higher privileges than provided by the access token");
    } else if (auto fault = portal.TakeFault(method->name); fault && !fault->error.empty()) {
      reply = Failure(fault->http_status, fault->error, fault->error_description);
    } else {
      reply = method->handler(portal, MethodCall{*params, Now()});
    }
  }
  if (reply.status == 200) reply.body["time"] = TimeBlock(start, Now());
  Answer(response, reply);
  entry.status = reply.status;
  Log(std::move(entry));
}

// The authorization server: grant_type=refresh_token (settings/oauth/auto-renewal.md), errors
// from settings/oauth/error-codes.md. The pages give no HTTP status for the errors: 400 here
// (unverified).
void FakeBitrix24::Impl::HandleOAuthToken(const httplib::Request& request,
                                          httplib::Response& response) {
  LoggedRequest entry{"oauth.token",
                      request.method,
                      json::object(),
                      request.get_header_value("User-Agent"),
                      request.get_header_value("Content-Type"),
                      0,
                      Now()};
  core::Result<json> params = ReadParams(request);
  MethodReply reply;
  {
    std::lock_guard lock(mu);
    json p = params.ok() ? *params : json::object();
    entry.params = p;
    LocalApplication* app = portal.app ? &*portal.app : nullptr;
    if (app == nullptr || Text(p, "client_id") != app->client_id ||
        Text(p, "client_secret") != app->client_secret) {
      reply = Failure(400, "invalid_client", "Invalid client data");
    } else if (Text(p, "grant_type") != "refresh_token") {
      reply = Failure(400, "invalid_request", "Unsupported grant_type");
    } else if (!app->installed || Text(p, "refresh_token") != app->refresh_token) {
      reply = Failure(400, "invalid_grant", "Invalid refresh token");
    } else {
      portal.IssueAppTokens(Now());
      // auto-renewal.md, the reply's fields in its order; STATUS "L" for a local application
      // (app-info.md).
      OrderedJson body;
      body["access_token"] = app->access_token;
      body["client_endpoint"] = portal.base_url + "/rest/";
      body["domain"] = "oauth.bitrix.info";
      body["expires_in"] = app->access_ttl.count();
      body["member_id"] = portal.member_id;
      body["refresh_token"] = app->refresh_token;
      body["scope"] = "app";
      body["server_endpoint"] = "https://oauth.bitrix.info/rest/";
      body["status"] = "L";
      reply.body = std::move(body);
    }
  }
  Answer(response, reply);
  entry.status = reply.status;
  Log(std::move(entry));
}

FakeBitrix24::AppCredentials FakeBitrix24::CreateLocalApp() {
  std::lock_guard lock(impl_->mu);
  Portal& portal = impl_->portal;
  LocalApplication app;
  app.client_id = "local." + portal.RandomHex(14, false) + "." + std::to_string(10000000 + 4711);
  app.client_secret = portal.RandomAlnum(50);
  portal.app = app;
  return {app.client_id, app.client_secret};
}

std::string FakeBitrix24::OAuthTokenUrl() const { return BaseUrl() + "/oauth/token/"; }

void FakeBitrix24::SetAccessTokenTtl(std::chrono::seconds ttl) {
  std::lock_guard lock(impl_->mu);
  if (impl_->portal.app) impl_->portal.app->access_ttl = ttl;
}

void FakeBitrix24::ExpireAccessToken() {
  std::lock_guard lock(impl_->mu);
  if (impl_->portal.app) impl_->portal.app->access_expires = impl_->Now();
}

int FakeBitrix24::InstallLocalApp(const std::string& install_url,
                                  const std::string& client_endpoint) {
  FormFields data;
  FormFields auth;
  {
    std::lock_guard lock(impl_->mu);
    Portal& portal = impl_->portal;
    if (!portal.app) return 0;
    portal.app->installed = true;
    portal.app->application_token = portal.RandomHex(32, false);
    portal.IssueAppTokens(impl_->Now());
    // api-reference/events/safe-event-handlers.md, the ONAPPINSTALL excerpt, and
    // on-app-install.md for `data`.
    data = {{"VERSION", "1"}, {"ACTIVE", "Y"}, {"INSTALLED", "Y"}, {"LANGUAGE_ID", "ru"}};
    auth = {
        {"domain", Domain()},
        {"scope", "crm,disk,telephony,user"},
        {"access_token", portal.app->access_token},
        {"refresh_token", portal.app->refresh_token},
        {"expires_in", std::to_string(portal.app->access_ttl.count())},
        {"server_endpoint", "https://oauth.bitrix.info/rest/"},
        {"status", "L"},
        {"client_endpoint", client_endpoint.empty() ? portal.base_url + "/rest/" : client_endpoint},
        {"member_id", portal.member_id},
        {"application_token", portal.app->application_token}};
  }
  auto posted = PostEventForm(install_url, EventFormBody("ONAPPINSTALL", data, auth));
  return posted ? posted->status : 0;
}

std::vector<int> FakeBitrix24::UninstallLocalApp() {
  std::vector<std::string> urls;
  FormFields auth;
  {
    std::lock_guard lock(impl_->mu);
    Portal& portal = impl_->portal;
    if (!portal.app || !portal.app->installed) return {};
    for (const BoundHandler& bound : portal.app->handlers) {
      if (bound.event == "ONAPPUNINSTALL") urls.push_back(bound.handler);
    }
    // on-app-uninstall.md: no OAuth tokens, the application_token only. The bindings go with
    // the application (event-bind.md: "When deleting ... the application, its actions will be
    // removed").
    auth = {{"domain", Domain()},
            {"server_endpoint", "https://oauth.bitrix.info/rest/"},
            {"client_endpoint", portal.base_url + "/rest/"},
            {"member_id", portal.member_id},
            {"application_token", portal.app->application_token}};
    portal.app->installed = false;
    portal.app->access_token.clear();
    portal.app->refresh_token.clear();
    portal.app->handlers.clear();
  }
  std::vector<int> statuses;
  const std::string body =
      EventFormBody("ONAPPUNINSTALL", {{"LANGUAGE_ID", "ru"}, {"CLEAN", "0"}}, auth);
  for (const std::string& url : urls) {
    auto posted = PostEventForm(url, body);
    statuses.push_back(posted ? posted->status : 0);
  }
  return statuses;
}

std::vector<int> FakeBitrix24::AnnounceCallEndToApp(std::string_view call_id) {
  std::vector<std::string> urls;
  std::string application_token;
  std::optional<CallRecord> call = FindCall(call_id);
  if (!call) return {};
  {
    std::lock_guard lock(impl_->mu);
    Portal& portal = impl_->portal;
    if (!portal.app || !portal.app->installed) return {};
    for (const BoundHandler& bound : portal.app->handlers) {
      if (bound.event == "ONVOXIMPLANTCALLEND") urls.push_back(bound.handler);
    }
    application_token = portal.app->application_token;
  }
  std::vector<int> statuses;
  for (const std::string& url : urls) {
    auto posted = PostCallEnd(url, *call, application_token, Envelope());
    statuses.push_back(posted ? posted->status : 0);
  }
  return statuses;
}

FakeBitrix24::AppState FakeBitrix24::LocalAppState() const {
  std::lock_guard lock(impl_->mu);
  AppState state;
  const auto& app = impl_->portal.app;
  if (!app) return state;
  state.installed = app->installed;
  state.access_token = app->access_token;
  state.refresh_token = app->refresh_token;
  state.application_token = app->application_token;
  state.access_expires = app->access_expires;
  for (const BoundHandler& bound : app->handlers)
    state.handlers.emplace_back(bound.event, bound.handler);
  return state;
}

}  // namespace callbrief::fakes
