#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/redact.h"
#include "http/access.h"
#include "http/calls_api.h"
#include "http/metrics.h"

namespace callbrief::http {
namespace {

using nlohmann::json;

constexpr std::string_view kWebhookTestBody =
    R"({"status":"ok","message":"Bitrix webhook endpoint is working"})";

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void SendError(httplib::Response& res, int status, std::string_view reason) {
  SendJson(res, status, {{"status", "error"}, {"error", core::Redact(reason)}});
}

// Requests relayed by a reverse proxy: every common forwarding header counts, since a proxy on this
// machine makes every client look local.
bool IsProxied(const httplib::Request& req) {
  for (const char* header : {"X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host",
                             "X-Forwarded-Proto", "Via"}) {
    if (req.has_header(header)) return true;
  }
  return false;
}

int StatusFor(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::kInvalidInput:
      return 400;
    case core::ErrorKind::kTransient:
    case core::ErrorKind::kRateLimited:
      return 503;
    default:
      return 500;
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, WebhookIntake& intake, store::CallStore& store)
      : options_(std::move(options)), intake_(intake), store_(store) {
    const int threads = options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // Without TCP_NODELAY, Nagle's algorithm meets delayed ACKs and every answer waits ~40 ms.
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(10000);
    // An idle keep-alive connection holds its worker until this timeout, also at shutdown.
    server_.set_keep_alive_timeout(5);
    server_.set_read_timeout(10, 0);
    server_.set_write_timeout(10, 0);
    server_.set_payload_max_length(options_.max_body_bytes);
    server_.set_socket_options([this](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listen_socket_ = sock;
    });
    server_.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                 {"X-Frame-Options", "DENY"},
                                 {"Referrer-Policy", "no-referrer"}});
    Routes();
  }

  httplib::Server& server() { return server_; }

  // cpp-httplib 0.11 listens with a backlog of 5: when dozens of clients connect at once, the
  // rest of their SYNs are dropped and retried a second later. Listening again on the same socket
  // raises the backlog (Linux allows it).
  void WidenListenBacklog() {
    if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  }
  const ServerOptions& options() const { return options_; }

 private:
  void Routes() {
    server_.Get("/api/bitrix-webhook/test", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kWebhookTestBody), "application/json");
    });
    server_.Post("/api/bitrix-webhook/call-finished", [this](const httplib::Request& req,
                                                             httplib::Response& res) {
      auto started = std::chrono::steady_clock::now();
      auto answer = intake_.Handle({.content_type = req.get_header_value("Content-Type"),
                                    .body = req.body,
                                    .remote_addr = req.remote_addr});
      SendJson(res, answer.status, answer.body);
      std::string result = answer.body.value("status", "");
      if (answer.body.value("duplicate", false)) result = "duplicate";
      metrics_.CountWebhook(
          answer.status, result,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    });
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      SendJson(res, 200, {{"status", "ok"}});
    });
    server_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      auto ping = store_.Ping();
      if (ping) {
        SendJson(res, 200, {{"status", "ok"}, {"database", "ok"}});
      } else {
        spdlog::warn("Readiness check failed: {}", ping.error().message);
        SendJson(res, 503,
                 {{"status", "unavailable"}, {"database", core::Redact(ping.error().message)}});
      }
    });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      auto counts = store_.CountByStage();
      if (!counts) return SendStoreError(res, counts.error());
      res.set_content(metrics_.Render(*counts, intake_.committer_stats()),
                      "text/plain; version=0.0.4; charset=utf-8");
    });
    server_.Get("/api/calls", [this](const httplib::Request& req, httplib::Response& res) {
      if (!Authorize(req, res)) return;
      auto query = ParseCallQuery(QueryParams(req.params.begin(), req.params.end()));
      if (!query) return SendError(res, 400, query.error().message);
      auto page = store_.ListCalls(*query);
      if (!page) return SendStoreError(res, page.error());
      SendJson(res, 200, CallPageToJson(*page));
    });
    server_.Get(R"(/api/calls/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (!Authorize(req, res)) return;
                  auto details = store_.FindCall(req.matches[1].str());
                  if (!details) return SendStoreError(res, details.error());
                  if (!*details) return SendError(res, 404, "no call with this id or CALL_ID");
                  SendJson(res, 200, CallDetailsToJson(**details));
                });
    server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;  // A handler already explained the error.
      if (res.status == 413) {
        spdlog::warn("❌ Rejected {} {} from {}: body larger than the limit", req.method, req.path,
                     req.remote_addr);
        return SendError(res, 413, "request body is too large");
      }
      if (res.status == 404) return SendError(res, 404, "no such endpoint");
      SendError(res, res.status, fmt::format("HTTP {}", res.status));
    });
    server_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown exception";
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          spdlog::error("❌ Internal error serving {} {}: {}", req.method, req.path, what);
          SendError(res, 500, "internal error; see the service log");
        });
  }

  bool Authorize(const httplib::Request& req, httplib::Response& res) {
    Access access = CheckApiAccess(req.remote_addr, IsProxied(req),
                                   req.get_header_value("Authorization"), options_.admin_password);
    switch (access) {
      case Access::kAllow:
        return true;
      case Access::kNeedsPassword:
        res.set_header("WWW-Authenticate", R"(Basic realm="callbrief", charset="UTF-8")");
        SendError(res, 401, "ADMIN_PASSWORD required");
        return false;
      case Access::kLoopbackOnly:
        SendError(res, 403, "the API answers only local clients until ADMIN_PASSWORD is set");
        return false;
    }
    return false;
  }

  void SendStoreError(httplib::Response& res, const core::Error& error) {
    if (error.kind != core::ErrorKind::kInvalidInput) {
      spdlog::error("❌ Database error: {}", error.message);
    }
    SendError(res, StatusFor(error), error.message);
  }

  ServerOptions options_;
  WebhookIntake& intake_;
  store::CallStore& store_;
  ServiceMetrics metrics_;
  httplib::Server server_;
  socket_t listen_socket_ = -1;
};

Server::Server(ServerOptions options, WebhookIntake& intake, store::CallStore& store)
    : impl_(std::make_unique<Impl>(std::move(options), intake, store)) {}

Server::~Server() = default;

core::Status Server::Bind() {
  const ServerOptions& o = impl_->options();
  if (o.port == 0) {
    port_ = impl_->server().bind_to_any_port(o.host);
  } else if (impl_->server().bind_to_port(o.host, o.port)) {
    port_ = o.port;
  } else {
    port_ = -1;
  }
  if (port_ > 0) impl_->WidenListenBacklog();
  if (port_ <= 0) {
    return core::Error::Config(fmt::format(
        "cannot listen on {}:{} (in use, or not an address of this machine): check HOST and PORT",
        o.host, o.port));
  }
  return core::Ok();
}

void Server::Run() { impl_->server().listen_after_bind(); }

void Server::Stop() { impl_->server().stop(); }

}  // namespace callbrief::http
