#include "fakes/portal_state.h"

#include <ctime>

#include <fmt/format.h>

#include "fakes/rest_support.h"

namespace callbrief::fakes {
namespace {

std::int64_t UnixSeconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// "2026-03-11 17-28-46 +79161234567.mp3": how the portal names records on Disk.
std::string DefaultRecordName(const CallRecord& call) {
  std::string stamp = FormatPortalTime(*call.call_start).substr(0, 19);
  stamp[10] = ' ';
  stamp[13] = '-';
  stamp[16] = '-';
  return stamp + " " + call.phone_number + ".mp3";
}

User GeneratedUser(std::int64_t id) {
  std::string number = std::to_string(id);
  return User{id,
              "Оператор",
              number,
              "",
              "user" + number + "@example.ru",
              "Менеджер по продажам",
              std::to_string(100 + id),
              true};
}

}  // namespace

Portal::Portal(std::uint64_t seed) : rng_(seed) {
  code = RandomAlnum(16);
  member_id = RandomHex(32, false);
  users[1] =
      User{1,     "Иван", "Петров", "Сергеевич", "admin@example.ru", "Руководитель отдела продаж",
           "100", true};
  users[7] = User{7,     "Анна", "Смирнова", "", "anna.smirnova@example.ru", "Менеджер по продажам",
                  "107", true};
}

std::string Portal::RandomHex(std::size_t length, bool upper) {
  // Not `(upper ? kUpper : kLower)[i]` over two char arrays: GCC 12 with -fsanitize=undefined
  // compiles that to always the first digit, and every lower-case id of the ASan build was zeros.
  const std::string_view digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += digits[rng_() % digits.size()];
  return out;
}

std::string Portal::RandomAlnum(std::size_t length) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += kChars[rng_() % 36];
  return out;
}

std::string Portal::GenerateCallId(const CallRecord& call) {
  std::int64_t unix = UnixSeconds(*call.call_start);
  if (call.rest_app_id) return fmt::format("externalCall.{}.{}", RandomHex(32, false), unix);
  return fmt::format("{}.{}.{}", RandomHex(16, true), unix, next_voximplant_n_++);
}

std::string Portal::AddCall(CallRecord call, core::TimePoint now) {
  if (!call.call_start) {
    call.call_start = now - std::chrono::seconds(call.call_duration + 5);
  }
  if (call.call_id.empty()) call.call_id = GenerateCallId(call);
  if (FindCall(call.call_id) != nullptr) return call.call_id;  // One history row per call.
  if (call.external_call_id && call.external_call_id->empty()) {
    call.external_call_id = RandomHex(16, false);
  }
  if (call.session_id.empty()) call.session_id = std::to_string(3000000000LL + rng_() % 999999999);
  if (call.portal_user_id > 0 && !users.count(call.portal_user_id)) {
    users[call.portal_user_id] = GeneratedUser(call.portal_user_id);
  }
  if (call.crm_entity_type) {
    if (call.crm_entity_id == 0) call.crm_entity_id = next_entity_id_++;
    if (call.crm_activity_id == 0) call.crm_activity_id = next_activity_id_++;
    AddEntity(*call.crm_entity_type, call.crm_entity_id);
    if (call.deal_id > 0) AddEntity(CrmOwnerType::kDeal, call.deal_id);
    CreateActivity(call);
  }
  call.statistic_id = next_statistic_id_++;
  StoredCall stored;
  stored.log_name = RandomHex(24, false);
  stored.record = std::move(call);
  calls_.push_back(std::move(stored));
  return calls_.back().record.call_id;
}

void Portal::CreateActivity(const CallRecord& call) {
  CrmActivity activity;
  activity.id = call.crm_activity_id;
  activity.owner_type = *call.crm_entity_type;
  activity.owner_id = call.crm_entity_id;
  activity.bindings.push_back({activity.owner_type, activity.owner_id});
  if (call.deal_id > 0) activity.bindings.push_back({CrmOwnerType::kDeal, call.deal_id});
  activity.call_id = call.call_id;
  bool incoming = call.call_type == 2 || call.call_type == 3;
  activity.direction = incoming ? 1 : 2;
  // A missed incoming call leaves an open activity: "call the client back".
  activity.completed = !(incoming && call.call_failed_code != "200");
  activity.responsible_id = call.portal_user_id > 0 ? call.portal_user_id : webhook_user_id;
  activity.subject = (incoming ? "Incoming call " : "Outgoing call ") + call.phone_number;
  activity.start = *call.call_start;
  activity.end = *call.call_start + std::chrono::seconds(call.call_duration);
  activities[activity.id] = std::move(activity);
}

StoredCall* Portal::FindCall(std::string_view call_id) {
  for (StoredCall& call : calls_) {
    if (EqualsIgnoreCase(call.record.call_id, call_id)) return &call;
  }
  return nullptr;
}

StoredCall* Portal::FindCallByDiskId(std::int64_t disk_id) {
  for (StoredCall& call : calls_) {
    if (call.recording && call.recording->disk_id == disk_id) return &call;
  }
  return nullptr;
}

std::int64_t Portal::AttachRecording(StoredCall& call, std::string bytes,
                                     const RecordingOptions& options, core::TimePoint now) {
  StoredRecording recording;
  recording.disk_id = next_disk_id_++;
  recording.file_id = next_file_id_++;
  recording.bytes = std::move(bytes);
  recording.file_name =
      options.file_name.empty() ? DefaultRecordName(call.record) : options.file_name;
  recording.storage_name = RandomHex(32, false);
  recording.duration = options.duration.value_or(call.record.call_duration);
  recording.hidden_for_polls = options.hidden_for_polls;
  recording.visible_at = options.visible_at;
  recording.created = now;
  call.recording = std::move(recording);
  return call.recording->disk_id;
}

bool Portal::RecordingVisible(StoredCall& call, core::TimePoint now, bool count_poll) {
  if (!call.recording) return false;
  StoredRecording& recording = *call.recording;
  if (!recording.visible) {
    bool arrived = recording.polls >= recording.hidden_for_polls;
    bool due = !recording.visible_at || now >= *recording.visible_at;
    recording.visible = arrived && due;
  }
  if (count_poll) ++recording.polls;
  return recording.visible;
}

bool Portal::EntityExists(CrmOwnerType type, std::int64_t id) const {
  return entities_.count({type, id}) > 0;
}

std::int64_t Portal::AddComment(TimelineComment comment) {
  comment.id = next_comment_id_++;
  comments.push_back(std::move(comment));
  return comments.back().id;
}

std::int64_t Portal::AddTask(PortalTask task) {
  task.id = next_task_id_++;
  tasks.push_back(std::move(task));
  return tasks.back().id;
}

std::int64_t Portal::AddTranscript(Transcript transcript) {
  transcript.id = next_transcript_id_++;
  std::int64_t id = transcript.id;
  transcripts[id] = std::move(transcript);
  return id;
}

std::string Portal::IssueDownloadUrl(std::int64_t disk_id, core::TimePoint now) {
  std::string webhook = std::to_string(webhook_user_id) + "/" + code;
  std::string query = RandomAlnum(48);  // base64 of the download query, in the real portal.
  std::string signature = RandomHex(64, false);
  grants_["disk|" + query + "|" + signature] = DownloadGrant{webhook, disk_id, now + download_ttl};
  return base_url + "/rest/" + webhook + "/download/?token=disk%7C" + query + "%7C" + signature;
}

const DownloadGrant* Portal::FindGrant(const std::string& token, const std::string& webhook,
                                       core::TimePoint now) const {
  auto it = grants_.find(token);
  if (it == grants_.end() || it->second.webhook != webhook || now >= it->second.expires) {
    return nullptr;
  }
  return &it->second;
}

std::optional<Fault> Portal::TakeFault(std::string_view method) {
  auto it = faults.find(AsciiLower(method));
  if (it == faults.end() || it->second.empty()) return std::nullopt;
  Fault fault = it->second.front();
  if (--it->second.front().count <= 0) it->second.pop_front();
  return fault;
}

std::optional<DownloadFault> Portal::TakeDownloadFault() {
  if (download_faults.empty()) return std::nullopt;
  DownloadFault fault = download_faults.front();
  if (--download_faults.front().count <= 0) download_faults.pop_front();
  return fault;
}

void Portal::IssueAppTokens(core::TimePoint now) {
  // Tokens look like the documentation's: 32 lower-case letters and digits
  // (settings/oauth/auto-renewal.md).
  app->access_token = RandomAlnum(32);
  app->refresh_token = RandomAlnum(32);
  app->access_expires = now + app->access_ttl;
}

}  // namespace callbrief::fakes
