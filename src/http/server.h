#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/ip_address.h"
#include "core/result.h"
#include "http/metrics.h"
#include "http/webhook_intake.h"
#include "store/call_store.h"

namespace callbrief::http {

// What a handler supplied by the composition root answered: status, JSON body, and why it was
// refused (for the intake-refusal metric; "" when accepted).
struct HandlerAnswer {
  int status = 200;
  nlohmann::json body;
  std::string refusal{};
};
// A POST handler supplied by the composition root: the request's Content-Type and body.
using PostHandler =
    std::function<HandlerAnswer(std::string_view content_type, std::string_view body)>;

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0 picks a free port (tests).
  int threads = 128;
  // Protects the web UI and the JSON API; empty: they answer loopback clients only.
  std::string admin_password;
  // Peers whose X-Forwarded-For names the client (TRUSTED_PROXIES), for throttling and logs.
  std::vector<core::IpNetwork> trusted_proxies{};
  // METRICS_TOKEN: /metrics answers only "Authorization: Bearer <token>"; empty: open.
  std::string metrics_token{};
  // The metrics /metrics serves, shared with the pipeline and the provider clients (which report
  // to them as their core::Observer); must outlive the server. Null: the server keeps its own,
  // with only what it sees itself.
  ServiceMetrics* metrics = nullptr;
  std::size_t max_body_bytes = 256 * 1024;
  // Recordings are served only from inside this directory (DATA_DIR).
  std::string data_dir = "data";
  // The service's public base URL (PUBLIC_URL), for the Bitrix24 handler URL on the status page;
  // empty: derived from the request's Host.
  std::string public_url{};
  // The Bitrix24 portal's origin ("https://portal.bitrix24.ru", never the webhook URL with its
  // code), for links to CRM entities; empty: no links.
  std::string bitrix_portal_url{};
  // A readable copy of a call's recording on this instance, downloading it from the portal when
  // another instance has it (app::RecordingCopies); empty: only the stored path is served.
  std::function<core::Result<std::string>(const store::CallDetails&)> recording_copy{};
  // Called after a call was sent back to the pipeline from the UI, so a worker picks it up now.
  std::function<void()> wake_pipeline{};
  // Scores a stored call again against the active checklist and stores the new scorecard
  // (pipeline::Rescorer; POST /api/calls/{id}/rescore). Its errors: kInvalidInput when the call
  // cannot be scored, kConfig without a model or an active checklist, the model's otherwise.
  // Runs on a server thread for as long as the model answers. Empty: that endpoint answers 501.
  std::function<core::Result<store::ScorecardRecord>(const store::CallDetails&)> rescore_call{};
  // Erases a call on a data subject's request, from the database and DATA_DIR
  // (app::EraseCallAndFiles; POST /api/calls/{id}/erase). Empty: that endpoint answers 501.
  std::function<core::Result<store::ErasedCall>(std::string_view id_or_call_id)> erase_call{};
  // The configuration checks shown on the status page (the same as `callbrief doctor`), as JSON
  // the page renders: {"checks":[{"name","ok","status","message"}…]} or any object. Called per
  // request from a server thread; may be empty.
  std::function<nlohmann::json()> status_report{};
  // The Bitrix24 local application's endpoints, reachable without a password (the portal posts
  // to them): POST /api/bitrix-app/install and POST /api/bitrix-app/events. Empty: the service is
  // not in the local application mode and they answer 404 saying so.
  PostHandler bitrix_app_install{};
  PostHandler bitrix_app_events{};
  // Session expiry, login throttling, the queue's age in /metrics, a retry's due time and the
  // dashboard's default period read it; must outlive the server. Null: the system clock.
  const core::Clock* clock = nullptr;
};

// The HTTP surface of `callbrief serve`: the Bitrix24 webhook endpoints, the JSON API, the web UI
// (embedded pages, login) and the health probes. Handlers only parse, delegate and answer; they
// never call a provider.
class Server {
 public:
  Server(ServerOptions options, WebhookIntake& intake, store::CallStore& store);
  ~Server();

  // Binds the listening socket; after success port() is the real port. With ADMIN_PASSWORD set,
  // also loads (or creates) the login sessions' secret in the store.
  core::Status Bind();
  // Serves until Stop(); returns when the listener is closed and in-flight requests are done.
  void Run();
  // Thread-safe; may be called from a signal-handling thread.
  void Stop();
  int port() const { return port_; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace callbrief::http
