// The control API of FakeBitrix24: what tests put into the portal and read back out of it.

#include <set>

#include "fakes/fake_bitrix24.h"
#include "fakes/fake_bitrix24_impl.h"
#include "fakes/rest_support.h"

namespace callbrief::fakes {

int FakeBitrix24::port() const { return impl_->port.load(); }

std::string FakeBitrix24::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::string FakeBitrix24::WebhookUrl() const {
  std::lock_guard lock(impl_->mu);
  return BaseUrl() + "/rest/" + std::to_string(impl_->portal.webhook_user_id) + "/" +
         impl_->portal.code + "/";
}

std::string FakeBitrix24::Domain() const { return "127.0.0.1:" + std::to_string(port()); }

std::string FakeBitrix24::MemberId() const {
  std::lock_guard lock(impl_->mu);
  return impl_->portal.member_id;
}

EventEnvelope FakeBitrix24::Envelope() const {
  EventEnvelope envelope;
  envelope.domain = Domain();
  envelope.client_endpoint = BaseUrl() + "/rest/";
  envelope.member_id = MemberId();
  return envelope;
}

std::string FakeBitrix24::AddCall(CallRecord call) {
  std::lock_guard lock(impl_->mu);
  return impl_->portal.AddCall(std::move(call), impl_->Now());
}

std::optional<CallRecord> FakeBitrix24::FindCall(std::string_view call_id) const {
  std::lock_guard lock(impl_->mu);
  const StoredCall* call = impl_->portal.FindCall(call_id);
  if (call == nullptr) return std::nullopt;
  return call->record;
}

std::int64_t FakeBitrix24::AttachRecording(std::string_view call_id, std::string bytes,
                                           RecordingOptions options) {
  std::lock_guard lock(impl_->mu);
  StoredCall* call = impl_->portal.FindCall(call_id);
  if (call == nullptr) return 0;
  return impl_->portal.AttachRecording(*call, std::move(bytes), options, impl_->Now());
}

std::optional<nlohmann::json> FakeBitrix24::AttachedTranscript(std::string_view call_id) const {
  std::lock_guard lock(impl_->mu);
  const StoredCall* call = impl_->portal.FindCall(call_id);
  if (call == nullptr || !call->transcript_id) return std::nullopt;
  const Transcript& transcript = impl_->portal.transcripts.at(*call->transcript_id);
  return nlohmann::json{{"TRANSCRIPT_ID", transcript.id},
                        {"MESSAGES", transcript.messages},
                        {"COST", transcript.cost},
                        {"COST_CURRENCY", transcript.cost_currency}};
}

void FakeBitrix24::AddUser(User user) {
  std::lock_guard lock(impl_->mu);
  std::int64_t id = user.id;
  impl_->portal.users[id] = std::move(user);
}

void FakeBitrix24::AddCrmEntity(CrmOwnerType type, std::int64_t id) {
  std::lock_guard lock(impl_->mu);
  impl_->portal.AddEntity(type, id);
}

std::vector<TimelineComment> FakeBitrix24::TimelineComments(std::string_view entity_type,
                                                            std::int64_t entity_id) const {
  std::string type = AsciiLower(entity_type);
  std::lock_guard lock(impl_->mu);
  std::vector<TimelineComment> found;
  for (const TimelineComment& comment : impl_->portal.comments) {
    if (comment.entity_type == type && comment.entity_id == entity_id) found.push_back(comment);
  }
  return found;
}

std::vector<PortalTask> FakeBitrix24::Tasks() const {
  std::lock_guard lock(impl_->mu);
  return impl_->portal.tasks;
}

void FakeBitrix24::InjectFault(std::string_view method, Fault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(impl_->mu);
  impl_->portal.faults[AsciiLower(method)].push_back(std::move(fault));
}

void FakeBitrix24::InjectDownloadFault(DownloadFault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(impl_->mu);
  impl_->portal.download_faults.push_back(std::move(fault));
}

void FakeBitrix24::SetGrantedScopes(std::vector<std::string> scopes) {
  std::lock_guard lock(impl_->mu);
  impl_->portal.scopes = std::set<std::string>(scopes.begin(), scopes.end());
}

void FakeBitrix24::SetAdmin(bool admin) {
  std::lock_guard lock(impl_->mu);
  impl_->portal.admin = admin;
}

void FakeBitrix24::SetCloud(bool cloud) {
  std::lock_guard lock(impl_->mu);
  impl_->portal.cloud = cloud;
}

void FakeBitrix24::SetDownloadTtl(std::chrono::seconds ttl) {
  std::lock_guard lock(impl_->mu);
  impl_->portal.download_ttl = ttl;
}

void FakeBitrix24::EnableRateLimit(RateLimit limit) {
  std::lock_guard lock(impl_->mu);
  impl_->bucket.emplace(limit.burst, limit.drain_per_second);
}

void FakeBitrix24::DisableRateLimit() {
  std::lock_guard lock(impl_->mu);
  impl_->bucket.reset();
}

std::vector<LoggedRequest> FakeBitrix24::Requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->portal.log;
}

int FakeBitrix24::CountRequests(std::string_view method) const {
  std::lock_guard lock(impl_->mu);
  int count = 0;
  for (const LoggedRequest& entry : impl_->portal.log) {
    if (EqualsIgnoreCase(entry.method, method)) ++count;
  }
  return count;
}

void FakeBitrix24::ClearRequests() {
  std::lock_guard lock(impl_->mu);
  impl_->portal.log.clear();
}

}  // namespace callbrief::fakes
