#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/redact.h"
#include "http/access.h"
#include "http/calls_api.h"
#include "http/checklists_api.h"
#include "http/server_impl.h"

namespace callbrief::http {
namespace {

using nlohmann::json;

constexpr std::string_view kWebhookTestBody =
    R"({"status":"ok","message":"Bitrix webhook endpoint is working"})";

// No inline script or style anywhere: every script and stylesheet is an embedded file.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kSessionSecretSetting = "ui_session_secret";
constexpr std::string_view kRevokedSessionsSetting = "ui_revoked_sessions";

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

void AddCommonHeaders(Response& res) {
  for (auto [name, value] :
       {std::pair<std::string_view, std::string_view>{"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Content-Security-Policy", kContentSecurityPolicy}}) {
    if (!res.has_header(name)) res.set_header(name, value);
  }
}

}  // namespace

void SendJson(Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void SendError(Response& res, int status, std::string_view reason) {
  SendJson(res, status, {{"status", "error"}, {"error", core::Redact(reason)}});
}

bool IsProxied(const Request& req) {
  for (const char* header : {"X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host",
                             "X-Forwarded-Proto", "Via"}) {
    if (req.has_header(header)) return true;
  }
  return false;
}

bool CameOverHttps(const Request& req) {
  std::string proto = req.get_header_value("X-Forwarded-Proto");
  proto = proto.substr(0, proto.find(','));
  return proto == "https" ||
         req.get_header_value("Forwarded").find("proto=https") != std::string::npos;
}

Server::Impl::Impl(ServerOptions options, WebhookIntake& intake, store::CallStore& store)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : core::SystemClock::Instance()),
      intake_(intake),
      store_(store),
      own_metrics_(options_.metrics ? nullptr : std::make_unique<ServiceMetrics>()),
      metrics_(options_.metrics ? *options_.metrics : *own_metrics_),
      revocations_([&store] { return store.GetSetting(kRevokedSessionsSetting); },
                   [&store](const std::string& value) {
                     return store.PutSetting(kRevokedSessionsSetting, value);
                   },
                   clock_),
      gate_({.admin_password = options_.admin_password,
             .public_url = options_.public_url,
             .trusted_proxies = options_.trusted_proxies},
            clock_) {
  edge_ = std::make_unique<HttpEdge>(
      EdgeOptions{.host = options_.host,
                  .port = options_.port,
                  .handler_threads = options_.threads,
                  .limits = {.max_body_bytes = options_.max_body_bytes}},
      [this](Request& req, Response& res) { Serve(req, res); },
      [this](Refusal refusal, const Request& req) { return Refuse(refusal, req); },
      [this](const Request& req) { return router_.RunsInline(req); });
  Routes();
}

void Server::Impl::Serve(Request& req, Response& res) {
  const auto started = std::chrono::steady_clock::now();
  if (req.method == "POST" &&
      req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    ParseUrlEncoded(req.body, req.params);
  }
  try {
    if (!router_.Dispatch(req, res)) res.status = 404;
  } catch (const std::exception& e) {
    spdlog::error("❌ Internal error serving {} {}: {}", req.method, req.path, e.what());
    res = Response{};
    SendError(res, 500, "internal error; see the service log");
  } catch (...) {
    spdlog::error("❌ Internal error serving {} {}: unknown exception", req.method, req.path);
    res = Response{};
    SendError(res, 500, "internal error; see the service log");
  }
  if (res.status >= 400 && res.body.empty() && !res.file) {  // No handler explained the error.
    SendError(res, res.status,
              res.status == 404 ? "no such endpoint" : fmt::format("HTTP {}", res.status));
  }
  // Server-Timing on the JSON API: the time from routing to the answer, database included, so
  // the UI's cost can be read in the browser's network panel and by bench/ui.
  if (req.path.starts_with("/api/")) {
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
    res.set_header("Server-Timing", fmt::format("app;dur={:.2f}", took.count()));
  }
  AddCommonHeaders(res);
}

Response Server::Impl::Refuse(Refusal refusal, const Request& req) {
  metrics_.CountRefusal(ReasonLabel(refusal));
  Response res;
  if (refusal == Refusal::kIncomplete) return res;  // Nobody to answer.
  if (req.method.empty()) {
    spdlog::warn("❌ Refused a request: {}", Explanation(refusal));
  } else {
    spdlog::warn("❌ Refused {} {} from {}: {}", req.method, req.path, req.remote_addr,
                 Explanation(refusal));
  }
  SendError(res, StatusOf(refusal), Explanation(refusal));
  AddCommonHeaders(res);
  return res;
}

void Server::Impl::PrepareSessions() {
  if (options_.admin_password.empty()) return;
  auto secret = store_.GetSetting(kSessionSecretSetting);
  if (secret.ok() && !secret->has_value()) {
    // Two instances starting together may both write; the re-read makes them agree on the last.
    if (store_.PutSetting(kSessionSecretSetting, RandomHex(32)).ok()) {
      secret = store_.GetSetting(kSessionSecretSetting);
    }
  }
  if (secret.ok() && secret->has_value()) {
    sessions_ = std::make_unique<SessionSigner>(**secret, options_.admin_password);
    return;
  }
  spdlog::warn(
      "⚠️ Cannot keep the login sessions' secret in the database ({}): logins last until "
      "the service restarts",
      secret.ok() ? "not stored" : secret.error().message);
  sessions_ = std::make_unique<SessionSigner>(RandomHex(32), options_.admin_password);
}

void Server::Impl::Routes() {
  router_.Get(
      "/api/bitrix-webhook/test",
      [](const Request&, Response& res) {
        res.set_content(std::string(kWebhookTestBody), "application/json");
      },
      Router::Where::kInline);
  router_.Post("/api/bitrix-webhook/call-finished", [this](const Request& req, Response& res) {
    auto started = std::chrono::steady_clock::now();
    auto answer = intake_.Handle({.content_type = req.get_header_value("Content-Type"),
                                  .body = req.body,
                                  .remote_addr = req.remote_addr});
    SendJson(res, answer.status, answer.body);
    if (!answer.refusal.empty()) metrics_.CountIntakeRefusal(answer.refusal);
    std::string result = answer.body.value("status", "");
    if (answer.body.value("duplicate", false)) result = "duplicate";
    metrics_.CountWebhook(
        answer.status, result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  });
  for (auto [path, handler] : {std::pair<const char*, PostHandler*>{"/api/bitrix-app/install",
                                                                    &options_.bitrix_app_install},
                               {"/api/bitrix-app/events", &options_.bitrix_app_events}}) {
    router_.Post(path, [this, handler](const Request& req, Response& res) {
      if (!*handler) {
        return SendError(res, 404,
                         "the Bitrix24 local application mode is off (set BITRIX24_CLIENT_ID)");
      }
      HandlerAnswer answer = (*handler)(req.get_header_value("Content-Type"), req.body);
      SendJson(res, answer.status, answer.body);
      if (!answer.refusal.empty()) metrics_.CountIntakeRefusal(answer.refusal);
    });
  }
  router_.Get(
      "/healthz",
      [](const Request&, Response& res) {
        SendJson(res, 200, {{"status", "ok"}});
      },
      Router::Where::kInline);
  router_.Get("/readyz", [this](const Request&, Response& res) {
    auto ping = store_.Ping();
    if (ping) {
      SendJson(res, 200, {{"status", "ok"}, {"database", "ok"}});
    } else {
      spdlog::warn("Readiness check failed: {}", ping.error().message);
      SendJson(res, 503,
               {{"status", "unavailable"}, {"database", core::Redact(ping.error().message)}});
    }
  });
  router_.Get("/metrics", [this](const Request& req, Response& res) {
    if (!MetricsAllowed(req, res)) return;
    auto counts = store_.CountByStage();
    if (!counts) return SendStoreError(res, counts.error());
    const std::int64_t now_ms = NowMs();
    auto queue = store_.QueueAt(now_ms);
    if (!queue) return SendStoreError(res, queue.error());
    res.set_content(metrics_.Render({.calls_by_stage = std::move(*counts),
                                     .intake = intake_.committer_stats(),
                                     .queue = *queue,
                                     .now_ms = now_ms}),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  CallsApiRoutes();
  RescoreRoute();
  EraseRoute();
  UiApiRoutes();
  TrackerRoutes();
  UiPageRoutes();
}

void Server::Impl::CallsApiRoutes() {
  router_.Get("/api/calls", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto query = ParseCallQuery(QueryParams(req.params.begin(), req.params.end()));
    if (!query) return SendError(res, 400, query.error().message);
    auto page = store_.ListCalls(*query);
    if (!page) return SendStoreError(res, page.error());
    std::vector<std::int64_t> ids;
    for (const auto& call : page->calls) ids.push_back(call.id);
    auto briefs = store_.ListSummaryBriefs(ids);
    if (!briefs) return SendStoreError(res, briefs.error());
    SendJson(res, 200, CallPageToJson(*page, *briefs, !query->q.empty()));
  });
  router_.Get(R"(/api/calls/([^/]+))", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto details = store_.FindCall(req.matches[1].str());
    if (!details) return SendStoreError(res, details.error());
    if (!*details) return SendError(res, 404, "no call with this id or CALL_ID");
    SendJson(res, 200, CallDetailsToJson(**details, options_.bitrix_portal_url));
  });
  router_.Post(R"(/api/calls/([^/]+)/retry)", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    const std::string key = req.matches[1].str();
    const std::int64_t now = NowMs();
    auto retried = store_.RetryCall(key, now);
    if (!retried) return SendStoreError(res, retried.error());
    switch (*retried) {
      case store::RetryResult::kNotFound:
        return SendError(res, 404, "no call with this id or CALL_ID");
      case store::RetryResult::kNotRetryable:
        return SendError(res, 409, "only failed or skipped calls can be processed again");
      case store::RetryResult::kRetried:
        break;
    }
    if (options_.wake_pipeline) options_.wake_pipeline();
    auto details = store_.FindCall(key);
    if (!details || !*details) return SendJson(res, 200, {{"status", "ok"}});
    const auto& call = (*details)->call;
    spdlog::info("🔁 Call {} ({}) sent back to {} by {}", call.id, call.bitrix_call_id,
                 store::StageName(call.stage), req.remote_addr);
    SendJson(res, 200, {{"status", "ok"}, {"call", CallToJson(call)}});
  });
}

void Server::Impl::EraseRoute() {
  // A data subject's request for deletion (docs/privacy.md), from the call page.
  router_.Post(R"(/api/calls/([^/]+)/erase)", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    if (!options_.erase_call)
      return SendError(res, 501, "erasing is not available in this process");
    auto erased = options_.erase_call(req.matches[1].str());
    if (!erased) return SendStoreError(res, erased.error());
    switch (erased->outcome) {
      case store::EraseOutcome::kNotFound:
        return SendError(res, 404, "no call with this id or CALL_ID");
      case store::EraseOutcome::kInProgress:
        return SendError(res, 409,
                         "the call is being processed right now; erase it again in a minute");
      case store::EraseOutcome::kErased:
        break;
    }
    spdlog::info("🗑️ Call {} erased on request by {}", erased->id, req.remote_addr);
    SendJson(res, 200, {{"status", "ok"}, {"id", erased->id}});
  });
}

void Server::Impl::RescoreRoute() {
  // Re-score (issue 16, item 6): scored now, within this request (one model request, seconds),
  // so the call page shows the new scorecard when the answer comes.
  router_.Post(R"(/api/calls/([^/]+)/rescore)", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    if (!options_.rescore_call) {
      return SendError(res, 501, "re-scoring is not available in this process");
    }
    auto details = store_.FindCall(req.matches[1].str());
    if (!details) return SendStoreError(res, details.error());
    if (!*details) return SendError(res, 404, "no call with this id or CALL_ID");
    auto scored = options_.rescore_call(**details);
    if (!scored) {
      spdlog::warn("❌ Re-scoring call {} asked by {} failed: {}", (*details)->call.id,
                   req.remote_addr, scored.error().message);
      return SendError(res, RescoreErrorStatus(scored.error()), scored.error().message);
    }
    spdlog::info("✅ Call {} ({}) re-scored by {}", (*details)->call.id,
                 (*details)->call.bitrix_call_id, req.remote_addr);
    SendJson(res, 200, {{"status", "ok"}, {"scorecard", CallScorecardToJson(*scored)}});
  });
}

bool Server::Impl::HasValidSession(const Request& req) {
  if (!sessions_) return false;
  auto token = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
  return token && sessions_->Verify(*token, clock_.Now()) && !revocations_.IsRevoked(*token);
}

std::string Server::Impl::ClientAddress(const Request& req) const {
  return gate_.ClientAddress(req.remote_addr, req.get_header_value("X-Forwarded-For"));
}

bool Server::Impl::MetricsAllowed(const Request& req, Response& res) {
  if (options_.metrics_token.empty()) return true;
  if (BearerTokenMatches(req.get_header_value("Authorization"), options_.metrics_token)) {
    return true;
  }
  spdlog::warn("❌ Refused /metrics to {}: no valid METRICS_TOKEN", ClientAddress(req));
  res.set_header("WWW-Authenticate", R"(Bearer realm="callbrief metrics")");
  SendError(res, 401, "METRICS_TOKEN required as a bearer token");
  return false;
}

bool Server::Impl::Authorize(const Request& req, Response& res, Asker asker) {
  const std::string host = req.get_header_value("Host");
  const std::string forwarded_for = req.get_header_value("X-Forwarded-For");
  const std::string authorization = req.get_header_value("Authorization");
  const GateDecision decision = gate_.Check({.remote_addr = req.remote_addr,
                                             .host = host,
                                             .forwarded_for = forwarded_for,
                                             .forwarded = IsProxied(req),
                                             .authorization = authorization,
                                             .valid_session = HasValidSession(req)});
  switch (decision.verdict) {
    case GateVerdict::kAllow:
      return true;
    case GateVerdict::kMisdirected:
      // 421 (RFC 9110 15.5.20): this server is not the one for that name. The body is the same
      // for pages and the API: a rebinding page must learn nothing.
      SendError(res, 421,
                "this service answers only for localhost, 127.0.0.1, [::1] or the PUBLIC_URL host "
                "until ADMIN_PASSWORD is set");
      return false;
    case GateVerdict::kThrottled:
      res.set_header("Retry-After", std::to_string(decision.retry_after_seconds));
      SendError(res, 429, "too many wrong passwords; retry later");
      return false;
    case GateVerdict::kNeedsPassword:
      if (asker == Asker::kPage) {
        res.status = 303;
        res.set_header("Location", "/login?next=" + PercentEncode(req.path));
        res.set_header("Cache-Control", "no-store");
        return false;
      }
      // The UI's own requests say who they are: a Basic challenge would open the browser's
      // password dialog over the page instead of the login form.
      if (req.get_header_value("X-Requested-With") != "callbrief") {
        res.set_header("WWW-Authenticate", R"(Basic realm="callbrief", charset="UTF-8")");
      }
      SendError(res, 401, "ADMIN_PASSWORD required");
      return false;
    case GateVerdict::kLoopbackOnly:
      if (asker == Asker::kPage) {
        res.status = 403;
        res.set_header("Cache-Control", "no-store");
        res.set_content(
            "The web interface answers only clients on this machine until ADMIN_PASSWORD is set.\n"
            "Веб-интерфейс доступен только с этой машины, пока не задан ADMIN_PASSWORD.\n",
            "text/plain; charset=utf-8");
        return false;
      }
      SendError(res, 403, "the API answers only local clients until ADMIN_PASSWORD is set");
      return false;
  }
  return false;
}

bool Server::Impl::SameSite(const Request& req, Response& res) {
  if (!IsCrossSiteRequest(req.get_header_value("Sec-Fetch-Site"), req.get_header_value("Origin"),
                          req.get_header_value("Host"), req.get_header_value("X-Forwarded-Host"))) {
    return true;
  }
  spdlog::warn("❌ Refused a cross-site {} {} from {}", req.method, req.path, req.remote_addr);
  SendError(res, 403, "cross-site request refused");
  return false;
}

void Server::Impl::SendStoreError(Response& res, const core::Error& error) {
  if (error.kind != core::ErrorKind::kInvalidInput) {
    spdlog::error("❌ Database error: {}", error.message);
  }
  SendError(res, StatusFor(error), error.message);
}

Server::Server(ServerOptions options, WebhookIntake& intake, store::CallStore& store)
    : impl_(std::make_unique<Impl>(std::move(options), intake, store)) {}

Server::~Server() = default;

core::Status Server::Bind() {
  if (auto bound = impl_->edge().Bind(); !bound) {
    port_ = -1;
    return bound;
  }
  port_ = impl_->edge().port();
  impl_->PrepareSessions();
  return core::Ok();
}

void Server::Run() { impl_->edge().Run(); }

void Server::Stop() { impl_->edge().Stop(); }

}  // namespace callbrief::http
