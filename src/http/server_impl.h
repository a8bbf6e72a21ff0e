#pragma once

// Server::Impl, shared by server.cc (set-up, webhook, probes, calls API) and server_ui.cc (login,
// pages, assets, the UI's JSON endpoints). Nothing outside src/http includes this.

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/session.h"

namespace callbrief::http {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
void SendError(httplib::Response& res, int status, std::string_view reason);
// Requests relayed by a reverse proxy: every common forwarding header counts, since a proxy on
// this machine makes every client look local.
bool IsProxied(const httplib::Request& req);
// Whether the browser reached us over HTTPS (directly or through a proxy that says so).
bool CameOverHttps(const httplib::Request& req);

class Server::Impl {
 public:
  Impl(ServerOptions options, WebhookIntake& intake, store::CallStore& store);

  httplib::Server& server() { return server_; }
  void WidenListenBacklog();
  const ServerOptions& options() const { return options_; }
  // Loads or creates the session secret; without a usable store, sessions last until restart.
  void PrepareSessions();

 private:
  // Who is asking: a page (unauthorised people are sent to the login form) or the API (401/403).
  enum class Asker { kApi, kPage };

  void Routes();
  void CallsApiRoutes();
  void UiApiRoutes();   // server_ui.cc
  void UiPageRoutes();  // server_ui.cc
  void ErrorHandlers();

  bool Authorize(const httplib::Request& req, httplib::Response& res, Asker asker);
  // For state-changing requests: refuses (403) requests made by another site's page.
  bool SameSite(const httplib::Request& req, httplib::Response& res);
  bool HasValidSession(const httplib::Request& req) const;
  // The key login attempts are counted under.
  static std::string ThrottleKey(const httplib::Request& req);
  void SendStoreError(httplib::Response& res, const core::Error& error);
  void Login(const httplib::Request& req, httplib::Response& res);
  std::string WebhookUrl(const httplib::Request& req) const;
  nlohmann::json StatusJson(const httplib::Request& req);

  ServerOptions options_;
  WebhookIntake& intake_;
  store::CallStore& store_;
  ServiceMetrics metrics_;
  std::unique_ptr<SessionSigner> sessions_;  // Set before serving when a password is set.
  LoginThrottle login_throttle_;
  httplib::Server server_;
  socket_t listen_socket_ = -1;
};

}  // namespace callbrief::http
