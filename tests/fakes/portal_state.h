#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "fakes/portal_types.h"

// The data model of the emulated portal: call history, Disk files, users, CRM, what REST methods
// wrote, signed links, pending faults and the request log. Internal to the fake.
namespace callbrief::fakes {

struct StoredRecording {
  std::int64_t disk_id = 0;  // RECORD_FILE_ID: the Disk object id for disk.file.get.
  std::int64_t file_id = 0;  // The b_file id disk.file.get reports as FILE_ID.
  std::string bytes;
  std::string file_name;
  std::string storage_name;  // Random name of the (unreachable) Voximplant copy.
  int duration = 0;
  int hidden_for_polls = 0;
  std::optional<core::TimePoint> visible_at;
  int polls = 0;         // Statistic queries that matched the call so far.
  bool visible = false;  // Once visible, always visible.
  core::TimePoint created;
};

struct StoredCall {
  CallRecord record;  // Every generated field filled in.
  std::string log_name;
  std::optional<StoredRecording> recording;
  std::optional<std::int64_t> transcript_id;
};

struct CrmActivity {
  std::int64_t id = 0;
  CrmOwnerType owner_type = CrmOwnerType::kContact;
  std::int64_t owner_id = 0;
  std::vector<std::pair<CrmOwnerType, std::int64_t>> bindings;  // The owner first.
  std::string call_id;
  int direction = 1;  // 1 incoming, 2 outgoing.
  bool completed = true;
  std::int64_t responsible_id = 0;
  std::string subject;
  core::TimePoint start;
  core::TimePoint end;
};

struct Transcript {
  std::int64_t id = 0;
  std::string call_id;
  nlohmann::json messages;
  double cost = 0;
  std::string cost_currency;
};

struct DownloadGrant {
  std::string webhook;  // "<user>/<code>" of the webhook that asked: the link's path.
  std::int64_t disk_id = 0;
  core::TimePoint expires;
};

// One handler registered with event.bind (api-reference/events/event-bind.md).
struct BoundHandler {
  std::string event;  // Upper case, as event.get lists it.
  std::string handler;
};

// A local server-side application "that uses only API" (local-integrations/
// serverside-local-app-with-no-ui.md): its OAuth client, and once installed its tokens
// (settings/oauth/index.md: the access token lives an hour, the refresh token 180 days and is
// replaced by every refresh) and the handlers it bound.
struct LocalApplication {
  std::string client_id;      // "local.<hex>.<digits>" as the portal shows it.
  std::string client_secret;  // The "Application key".
  bool installed = false;
  std::string application_token;
  std::string access_token;
  std::string refresh_token;
  core::TimePoint access_expires{};
  std::chrono::seconds access_ttl{3600};
  std::vector<BoundHandler> handlers;
};

// Not thread-safe: FakeBitrix24 guards it with one mutex.
class Portal {
 public:
  explicit Portal(std::uint64_t seed);

  // Configuration.
  std::int64_t webhook_user_id = 1;
  std::string code;
  std::string base_url;  // "http://127.0.0.1:<port>" once started.
  std::string member_id;
  bool admin = true;
  bool cloud =
      false;  // A cloud portal: plain-HTTP REST calls are refused (FakeBitrix24::SetCloud).
  // `task` is not granted by default: a webhook made for callbrief before tasks existed lacks it.
  std::set<std::string> scopes{"crm", "disk", "telephony", "user"};
  std::chrono::seconds download_ttl{3600};

  // Call history. CALL_IDs compare without regard to case, as MySQL's collation does.
  std::string AddCall(CallRecord call, core::TimePoint now);
  StoredCall* FindCall(std::string_view call_id);
  StoredCall* FindCallByDiskId(std::int64_t disk_id);
  std::vector<StoredCall>& calls() { return calls_; }
  std::int64_t AttachRecording(StoredCall& call, std::string bytes, const RecordingOptions& options,
                               core::TimePoint now);
  // Whether the call has a recording that can be seen at `now`. A statistic query that matched
  // the call passes `count_poll`: the poll is counted after it is judged.
  bool RecordingVisible(StoredCall& call, core::TimePoint now, bool count_poll);

  // Users and CRM.
  std::map<std::int64_t, User> users;
  bool EntityExists(CrmOwnerType type, std::int64_t id) const;
  void AddEntity(CrmOwnerType type, std::int64_t id) { entities_.insert({type, id}); }
  std::map<std::int64_t, CrmActivity> activities;

  // What REST methods wrote.
  std::vector<TimelineComment> comments;
  std::int64_t AddComment(TimelineComment comment);
  std::map<std::int64_t, Transcript> transcripts;
  std::int64_t AddTranscript(Transcript transcript);
  std::vector<PortalTask> tasks;
  std::int64_t AddTask(PortalTask task);

  // Signed Disk download links: a new one per disk.file.get, valid for download_ttl. The form is
  // the one an inbound webhook gets, https://PORTAL/rest/<user>/<code>/download/?token=<scope>|
  // <base64 query>|<signature> (URL-encoded): rest module, classes/general/rest_util.php,
  // CRestUtil::getSpecialUrl, the `password_id` (webhook) branch via getWebhookEndpoint. The
  // webhook's secret code is in the path and no `auth=` parameter is added.
  std::string IssueDownloadUrl(std::int64_t disk_id, core::TimePoint now);
  // The grant for `token` reached under /rest/<webhook>/download/, or nullptr when unknown,
  // under another webhook path or expired.
  const DownloadGrant* FindGrant(const std::string& token, const std::string& webhook,
                                 core::TimePoint now) const;

  // Faults, consumed one call at a time. Methods are keyed in lowercase.
  std::map<std::string, std::deque<Fault>> faults;
  std::optional<Fault> TakeFault(std::string_view method);
  std::deque<DownloadFault> download_faults;
  std::optional<DownloadFault> TakeDownloadFault();

  std::vector<LoggedRequest> log;

  // The local application, once created (FakeBitrix24::CreateLocalApp).
  std::optional<LocalApplication> app;
  // A new access and refresh token for the application; the old ones stop working.
  void IssueAppTokens(core::TimePoint now);

  std::string RandomHex(std::size_t length, bool upper);
  std::string RandomAlnum(std::size_t length);

 private:
  void CreateActivity(const CallRecord& call);
  std::string GenerateCallId(const CallRecord& call);

  std::mt19937_64 rng_;
  std::vector<StoredCall> calls_;
  std::set<std::pair<CrmOwnerType, std::int64_t>> entities_;
  std::map<std::string, DownloadGrant> grants_;
  std::int64_t next_statistic_id_ = 2041;
  std::int64_t next_voximplant_n_ = 8740011;
  std::int64_t next_entity_id_ = 501;
  std::int64_t next_activity_id_ = 7953;
  std::int64_t next_disk_id_ = 9043;
  std::int64_t next_file_id_ = 32969;
  std::int64_t next_comment_id_ = 999;
  std::int64_t next_transcript_id_ = 1;
  std::int64_t next_task_id_ = 3711;  // As in tasks-task-add.md's example answer.
};

}  // namespace callbrief::fakes
