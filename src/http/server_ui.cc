// The web UI's side of the server: login and logout, the pages and their embedded assets, and the
// JSON endpoints only the UI needs (audio, stats, status, managers, session).

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/redact.h"
#include "http/audio_route.h"
#include "http/calls_api.h"
#include "http/checklists_api.h"
#include "http/server_impl.h"
#include "http/stats_api.h"
#include "http/ui_assets.h"

namespace callbrief::http {
namespace {

using nlohmann::json;

constexpr std::string_view kPageRoutes =
    R"(/|/dashboard|/checklists|/trackers|/status|/calls/[^/]+)";

void SendAsset(const Request& req, Response& res, const UiAsset& asset) {
  res.set_header("ETag", std::string(asset.etag));
  // Revalidated on every use (a 304 costs nothing), so a new binary's files are seen at once.
  res.set_header("Cache-Control", "no-cache");
  if (req.get_header_value("If-None-Match") == asset.etag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
}

void Redirect(Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void Server::Impl::Login(const Request& req, Response& res) {
  if (options_.admin_password.empty()) return Redirect(res, "/");
  if (!SameSite(req, res)) return;
  const std::string next = SafeNextPath(req.get_param_value("next"));
  const std::string client = ClientAddress(req);
  const std::string key = AccessGate::ThrottleKey(client);
  if (std::int64_t wait = gate_.throttle().RetryAfterSeconds(key); wait > 0) {
    spdlog::warn("❌ Web UI login from {} refused: too many wrong passwords, retry in {} s", client,
                 wait);
    res.set_header("Retry-After", std::to_string(wait));
    return Redirect(
        res, fmt::format("/login?error=throttled&retry={}&next={}", wait, PercentEncode(next)));
  }
  if (!ConstantTimeEquals(req.get_param_value("password"), options_.admin_password)) {
    gate_.throttle().RecordFailure(key);
    spdlog::warn("❌ Web UI login from {} with a wrong password", client);
    return Redirect(res, "/login?error=wrong&next=" + PercentEncode(next));
  }
  gate_.throttle().RecordSuccess(key);
  spdlog::info("🔐 Web UI login from {}", client);
  res.set_header("Set-Cookie",
                 SessionCookieHeader(sessions_->Issue(clock_.Now()), CameOverHttps(req)));
  Redirect(res, next);
}

void Server::Impl::UiPageRoutes() {
  auto page = [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kPage)) return;
    SendAsset(req, res, *FindUiAsset("index.html"));
  };
  router_.Get(std::string(kPageRoutes), page);
  router_.Get("/login", [this](const Request& req, Response& res) {
    if (options_.admin_password.empty() || HasValidSession(req)) {
      return Redirect(res, SafeNextPath(req.get_param_value("next")));
    }
    SendAsset(req, res, *FindUiAsset("login.html"));
  });
  router_.Post("/login", [this](const Request& req, Response& res) { Login(req, res); });
  router_.Post("/logout", [this](const Request& req, Response& res) {
    if (!SameSite(req, res)) return;
    // Ends the session on the server too, so a copy of the cookie stops working.
    if (HasValidSession(req)) {
      auto token = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
      if (auto revoked = revocations_.Revoke(*token); !revoked) {
        spdlog::warn("⚠️ Logout ended the session on this instance only: {}",
                     revoked.error().message);
      }
    }
    res.set_header("Set-Cookie", SessionCookieHeader("", CameOverHttps(req)));
    Redirect(res, options_.admin_password.empty() ? "/" : "/login");
  });
  // Embedded files, answered from memory: on the network thread.
  router_.Get(R"(/static/(.+))",
              [](const Request& req, Response& res) {
                const UiAsset* asset = FindUiAsset(req.matches[1].str());
                if (!asset || asset->name.ends_with(".html")) {
                  res.status = 404;
                  return;
                }
                SendAsset(req, res, *asset);
              },
              Router::Where::kInline);
}

std::string Server::Impl::WebhookUrl(const Request& req) const {
  std::string base = options_.public_url;
  if (base.empty()) {
    std::string host = req.get_header_value("X-Forwarded-Host");
    if (host.empty()) host = req.get_header_value("Host");
    host = host.substr(0, host.find(','));
    base = fmt::format("{}://{}", CameOverHttps(req) ? "https" : "http", host);
  }
  while (base.ends_with('/')) base.pop_back();
  return base + "/api/bitrix-webhook/call-finished";
}

json Server::Impl::StatusJson(const Request& req) {
  json out = {
      {"webhook_url", WebhookUrl(req)},
      {"webhook_url_from_public_url", !options_.public_url.empty()},
      {"admin_password_set", !options_.admin_password.empty()},
      {"bitrix_portal_url",
       options_.bitrix_portal_url.empty() ? json(nullptr) : json(options_.bitrix_portal_url)}};
  json report = nullptr;
  if (options_.status_report) {
    try {
      report = options_.status_report();
    } catch (const std::exception& e) {
      report = {{"error", core::Redact(e.what())}};
    }
  }
  out["report"] = std::move(report);

  auto counts = store_.CountByStage();
  json by_stage = json::object();
  std::int64_t queued = 0;
  if (counts.ok()) {
    for (const auto& [stage, n] : *counts) {
      by_stage[std::string(store::StageName(stage))] = n;
      if (!store::IsTerminal(stage)) queued += n;
    }
  }
  out["queue"] = counts.ok() ? json{{"by_stage", by_stage}, {"in_progress", queued}}
                             : json{{"error", core::Redact(counts.error().message)}};
  auto failed = store_.ListCalls({.stages = {store::Stage::kFailed}, .limit = 10});
  json errors = json::array();
  if (failed.ok()) {
    for (const auto& call : failed->calls) errors.push_back(CallToJson(call));
  }
  out["recent_failures"] = std::move(errors);
  return out;
}

void Server::Impl::UiApiRoutes() {
  router_.Get("/api/session", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    std::string how = options_.admin_password.empty() ? "loopback"
                      : HasValidSession(req)          ? "session"
                                                      : "basic";
    SendJson(res, 200, {{"auth", how}});
  });
  router_.Get("/api/managers", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto managers = store_.ListManagers();
    if (!managers) return SendStoreError(res, managers.error());
    SendJson(res, 200, {{"managers", ManagersToJson(*managers)}});
  });
  router_.Get("/api/stats", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto query = ParseStatsQuery(QueryParams(req.params.begin(), req.params.end()), NowMs());
    if (!query) return SendError(res, 400, query.error().message);
    auto days = store_.StatsByDay(*query);
    if (!days) return SendStoreError(res, days.error());
    auto managers = store_.StatsByManager(*query);
    if (!managers) return SendStoreError(res, managers.error());
    SendJson(res, 200, StatsToJson(*query, *days, *managers));
  });
  // Scorecard checklists (issue 16, item 2). Saving is a POST (the edge answers 501 to PUT):
  // the Checklists page's editor and its JSON import both post the whole checklist.
  router_.Get("/api/checklists", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto stored = store_.ListChecklists();
    if (!stored) return SendStoreError(res, stored.error());
    SendJson(res, 200, ChecklistsToJson(*stored));
  });
  router_.Post(R"(/api/checklists/([a-z0-9_]{1,40}))", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi) || !SameSite(req, res)) return;
    auto checklist = ChecklistFromRequest(req.matches[1].str(), req.body, NowMs());
    if (!checklist) return SendError(res, 400, checklist.error().message);
    if (auto saved = store_.SaveChecklist(*checklist); !saved.ok()) {
      return SendStoreError(res, saved.error());
    }
    spdlog::info("📋 Checklist {} saved ({}) by {}", checklist->id,
                 checklist->active ? "active" : "inactive", req.remote_addr);
    auto stored = store_.ListChecklists();
    if (!stored) return SendStoreError(res, stored.error());
    SendJson(res, 200, ChecklistsToJson(*stored));
  });
  router_.Get("/api/status", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    SendJson(res, 200, StatusJson(req));
  });
  router_.Get(R"(/api/calls/([^/]+)/audio)", [this](const Request& req, Response& res) {
    if (!Authorize(req, res, Asker::kApi)) return;
    auto details = store_.FindCall(req.matches[1].str());
    if (!details) return SendStoreError(res, details.error());
    if (!*details) return SendError(res, 404, "no call with this id or CALL_ID");
    std::string path = (*details)->call.recording_path;
    if (options_.recording_copy && !path.empty()) {
      // Downloaded once, by this instance or another; when the file is not here (another
      // instance's DATA_DIR, or deleted by RETAIN_AUDIO_DAYS) it is fetched again from the portal.
      auto copy = options_.recording_copy(**details);
      if (!copy.ok()) {
        spdlog::warn("❌ Could not fetch the recording of call {} for the player: {}",
                     (*details)->call.id, copy.error().message);
        if (copy.error().IsRetryable()) {
          return SendError(res, 503, "the recording could not be fetched from Bitrix24 just now");
        }
        return SendError(res, 404,
                         "the recording is not on this instance and Bitrix24 did not give it");
      }
      path = *copy;
    }
    if (path.empty()) return SendError(res, 404, "this call has no stored recording");
    if (!IsInsideDirectory(path, options_.data_dir)) {
      spdlog::warn("❌ Not serving the recording of call {}: {} is outside DATA_DIR",
                   (*details)->call.id, path);
      return SendError(res, 404, "the recording is not inside DATA_DIR");
    }
    ServeRecording(req, res, path);
    if (res.status == 404) SendError(res, 404, "the recording file is missing");
  });
}

}  // namespace callbrief::http
