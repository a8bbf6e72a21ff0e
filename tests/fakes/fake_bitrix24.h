#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "fakes/call_end_event.h"
#include "fakes/portal_types.h"

namespace callbrief::fakes {

// The method name LoggedRequest uses for downloads of signed DOWNLOAD_URLs.
inline constexpr char kDownloadMethod[] = "download";

struct FakeBitrix24Options {
  std::string code;                    // Webhook code; "" → 16 random [a-z0-9].
  std::int64_t webhook_user_id = 1;    // The user in /rest/<user>/<code>/ (an admin by default).
  int port = 0;                        // 0: any free port.
  const core::Clock* clock = nullptr;  // Time for dates, link expiry and the rate limit;
                                       // nullptr: the system clock (steady clock for the limit).
  std::uint64_t seed = 0;              // Randomness (ids, codes, tokens); 0: from random_device.
};

// An emulated Bitrix24 portal reached through an inbound webhook, faithful to the reference
// (shared/reference/bitrix24.md §1–5) for the methods callbrief uses:
//   voximplant.statistic.get, telephony.call.attachTranscription, disk.file.get (+ the signed
//   DOWNLOAD_URL), user.get, profile, scope, crm.activity.get, crm.activity.binding.list,
//   crm.timeline.comment.add, crm.timeline.comment.list, tasks.task.add, tasks.task.list.
// REST: GET or POST /rest/<user>/<code>/<method>[.json]; parameters from the query string
// (PHP-style keys), an x-www-form-urlencoded, multipart or JSON body, merged (body wins). Wrong
// user or code: 401 NO_AUTH_FOUND; unknown method: 404 ERROR_METHOD_NOT_FOUND; a method outside
// the granted scopes: 403 insufficient_scope; over the rate limit (when on): 503
// QUERY_LIMIT_EXCEEDED. Successful answers carry the `time` block; list methods `total` and
// `next` in pages of 50. Every scalar is a string as PHP prints it unless the reference says
// otherwise. See the tests (fake_bitrix24*_test.cc) for the behaviour method by method.
//
// Thread-safe: all methods may be called from any thread while the server runs. The server
// listens on 127.0.0.1 in its own threads between Start() and Stop().
class FakeBitrix24 {
 public:
  using Options = FakeBitrix24Options;

  explicit FakeBitrix24(Options options = {});
  ~FakeBitrix24();  // Stops the server.
  FakeBitrix24(const FakeBitrix24&) = delete;
  FakeBitrix24& operator=(const FakeBitrix24&) = delete;

  // Binds 127.0.0.1 and starts serving; returns once connections are accepted. Call once.
  core::Status Start();
  // Stops serving, cutting short injected hangs and slow downloads. Idempotent.
  void Stop();

  int port() const;
  std::string BaseUrl() const;     // "http://127.0.0.1:<port>".
  std::string WebhookUrl() const;  // "http://127.0.0.1:<port>/rest/1/<code>/".
  std::string Domain() const;      // "127.0.0.1:<port>": the host part of WebhookUrl.
  std::string MemberId() const;    // 32 hex, fixed for this portal.
  // The envelope an event of this portal carries (domain, client_endpoint, member_id).
  EventEnvelope Envelope() const;

  // Call history. AddCall fills in generated fields (see CallRecord), creates the call's user and
  // CRM entities and activity when missing, and returns the CALL_ID. A CALL_ID already present is
  // left as it is (one history row per call).
  std::string AddCall(CallRecord call);
  // The stored call with every generated field; nullopt when unknown.
  std::optional<CallRecord> FindCall(std::string_view call_id) const;
  // Stores `bytes` as the call's recording on Disk and returns its RECORD_FILE_ID (Disk object
  // id), or 0 when the call is unknown. A second recording replaces the first.
  std::int64_t AttachRecording(std::string_view call_id, std::string bytes,
                               RecordingOptions options = {});
  // What telephony.call.attachTranscription stored for the call, or nullopt:
  // {"TRANSCRIPT_ID": n, "MESSAGES": [...as sent...], "COST": x, "COST_CURRENCY": "..."}.
  std::optional<nlohmann::json> AttachedTranscript(std::string_view call_id) const;

  // Directory and CRM. Entities exist for crm.timeline.comment.add once added here or referenced
  // by a call (its CRM entity and deal).
  void AddUser(User user);
  void AddCrmEntity(CrmOwnerType type, std::int64_t id);
  // Comments on one entity ("deal", "contact", ...; any case) in the order they were added.
  std::vector<TimelineComment> TimelineComments(std::string_view entity_type,
                                                std::int64_t entity_id) const;

  // Tasks written with tasks.task.add, in the order they were added.
  std::vector<PortalTask> Tasks() const;

  // Behaviour. Faults queue per method (any case) and each applies to `count` calls after the
  // webhook check, before the scope check.
  void InjectFault(std::string_view method, Fault fault);
  void InjectDownloadFault(DownloadFault fault);
  // Default crm, disk, telephony, user (not task).
  void SetGrantedScopes(std::vector<std::string> scopes);
  void SetAdmin(bool admin);  // false: the webhook user is a plain employee.
  // true: a cloud portal (*.bitrix24.*), which answers every REST call over plain HTTP — and this
  // emulator only speaks plain HTTP — with 401 INVALID_REQUEST "Https required".
  void SetCloud(bool cloud);
  void SetDownloadTtl(std::chrono::seconds ttl);  // Lifetime of new DOWNLOAD_URLs; default 1 h.
  void EnableRateLimit(RateLimit limit = {});     // Off by default; starts with an empty bucket.
  void DisableRateLimit();

  // The local server-side application (local-integrations/serverside-local-app-with-no-ui.md).
  // The portal answers OAuth REST calls (POST /rest/<method>[.json] with `auth` = the access
  // token) and, on the same port, the authorization server's POST /oauth/token/
  // (settings/oauth/auto-renewal.md; OAuthTokenUrl()).
  struct AppCredentials {
    std::string client_id;
    std::string client_secret;
  };
  // Adds the application to the portal, not yet installed; answers its id and key.
  AppCredentials CreateLocalApp();
  std::string OAuthTokenUrl() const;  // BaseUrl() + "/oauth/token/"
  // Installs it: issues the tokens and posts ONAPPINSTALL to `install_url`, as the portal does
  // when the form is saved ("Path for initial installation"); answers the HTTP status (0 when the
  // request failed). `client_endpoint` overrides the portal's own in the event (a forged one).
  int InstallLocalApp(const std::string& install_url, const std::string& client_endpoint = {});
  // Removes it: posts ONAPPUNINSTALL (with the application_token, no OAuth tokens:
  // on-app-uninstall.md) to every handler bound to it and makes the tokens invalid. Answers the
  // statuses of the posts.
  std::vector<int> UninstallLocalApp();
  // Posts ONVOXIMPLANTCALLEND of the call to every handler bound to it, with the application's
  // application_token; answers the statuses.
  std::vector<int> AnnounceCallEndToApp(std::string_view call_id);
  struct AppState {
    bool installed = false;
    std::string access_token;
    std::string refresh_token;
    std::string application_token;
    core::TimePoint access_expires{};
    std::vector<std::pair<std::string, std::string>> handlers;  // event, handler
  };
  AppState LocalAppState() const;
  void SetAccessTokenTtl(std::chrono::seconds ttl);  // For tokens issued from now on; 1 h.
  // The current access token expires now (its hour is over early): the next call with it gets
  // 401 expired_token.
  void ExpireAccessToken();

  // Observation.
  std::vector<LoggedRequest> Requests() const;
  int CountRequests(std::string_view method) const;  // Any case; kDownloadMethod for downloads.
  void ClearRequests();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace callbrief::fakes
