#pragma once

// Server::Impl, shared by server.cc (set-up, webhook, probes, calls API) and server_ui.cc (login,
// pages, assets, the UI's JSON endpoints). Nothing outside src/http includes this.

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/access_gate.h"
#include "http/http_message.h"
#include "http/metrics.h"
#include "http/mhd_server.h"
#include "http/route.h"
#include "http/server.h"
#include "http/session.h"
#include "http/session_revocation.h"

namespace callbrief::http {

void SendJson(Response& res, int status, const nlohmann::json& body);
void SendError(Response& res, int status, std::string_view reason);
// Requests relayed by a reverse proxy: every common forwarding header counts, since a proxy on
// this machine makes every client look local.
bool IsProxied(const Request& req);
// Whether the browser reached us over HTTPS (directly or through a proxy that says so).
bool CameOverHttps(const Request& req);

class Server::Impl {
 public:
  Impl(ServerOptions options, WebhookIntake& intake, store::CallStore& store);

  HttpEdge& edge() { return *edge_; }
  const ServerOptions& options() const { return options_; }
  // Loads or creates the session secret; without a usable store, sessions last until restart.
  void PrepareSessions();

 private:
  // Who is asking: a page (unauthorised people are sent to the login form) or the API (401/403).
  enum class Asker { kApi, kPage };

  void Routes();
  void CallsApiRoutes();
  void RescoreRoute();
  void EraseRoute();
  void UiApiRoutes();    // server_ui.cc
  void UiPageRoutes();   // server_ui.cc
  void TrackerRoutes();  // server_trackers.cc
  // Every request that passed the edge's limits: routing, errors, common headers.
  void Serve(Request& req, Response& res);
  // A request the edge refused: counted, logged, answered.
  Response Refuse(Refusal refusal, const Request& req);

  bool Authorize(const Request& req, Response& res, Asker asker);
  // For state-changing requests: refuses (403) requests made by another site's page.
  bool SameSite(const Request& req, Response& res);
  // A login cookie this service signed, not expired and not revoked by a logout.
  bool HasValidSession(const Request& req);
  // The client a request is counted and logged under (see AccessGate::ClientAddress).
  std::string ClientAddress(const Request& req) const;
  // /metrics with METRICS_TOKEN set: refuses (401) requests without the bearer token.
  bool MetricsAllowed(const Request& req, Response& res);
  void SendStoreError(Response& res, const core::Error& error);
  void Login(const Request& req, Response& res);
  std::string WebhookUrl(const Request& req) const;
  nlohmann::json StatusJson(const Request& req);
  std::int64_t NowMs() const { return core::ToUnixMillis(clock_.Now()); }

  ServerOptions options_;
  const core::Clock& clock_;  // options_.clock, else the system clock.
  WebhookIntake& intake_;
  store::CallStore& store_;
  std::unique_ptr<ServiceMetrics> own_metrics_;  // Without ServerOptions::metrics.
  ServiceMetrics& metrics_;
  std::unique_ptr<SessionSigner> sessions_;  // Set before serving when a password is set.
  SessionRevocations revocations_;           // Sessions ended by logging out.
  AccessGate gate_;  // Owns the password-guess throttle of Basic and the form.
  Router router_;
  std::unique_ptr<HttpEdge> edge_;
};

}  // namespace callbrief::http
