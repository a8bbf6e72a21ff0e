#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::testing {

// A CallStore over a real one that fails the Nth write on purpose, with a chosen error kind, the
// way a busy or lost database does: the failing write changes nothing. Reads always pass. Writes
// are the methods that change the database (claims and lease renewals included). Thread-safe.
class FaultyCallStore final : public store::CallStore {
 public:
  explicit FaultyCallStore(store::CallStore& real) : real_(real) {}

  // The `nth` write from now on (1: the next one) fails with `kind`; later writes pass again.
  void FailWrite(int nth, core::ErrorKind kind) {
    std::lock_guard lock(mutex_);
    fail_at_ = writes_.size() + static_cast<std::size_t>(nth);
    kind_ = kind;
  }
  // Every write so far by method name ("SaveDelivery", "PutSetting", …), the failed one included.
  std::vector<std::string> Writes() const {
    std::lock_guard lock(mutex_);
    return writes_;
  }

  core::Result<std::vector<store::RecordedCall>> RecordIncomingCalls(
      std::span<const store::IncomingCall> calls) override {
    if (auto fault = Write("RecordIncomingCalls")) return *fault;
    return real_.RecordIncomingCalls(calls);
  }
  core::Result<store::CallPage> ListCalls(const store::CallQuery& query) override {
    return real_.ListCalls(query);
  }
  core::Result<std::optional<store::CallDetails>> FindCall(std::string_view id) override {
    return real_.FindCall(id);
  }
  core::Result<std::vector<std::pair<store::Stage, std::int64_t>>> CountByStage() override {
    return real_.CountByStage();
  }
  core::Result<std::optional<std::string>> GetSetting(std::string_view name) override {
    return real_.GetSetting(name);
  }
  core::Status PutSetting(std::string_view name, std::string_view value) override {
    if (auto fault = Write("PutSetting")) return *fault;
    return real_.PutSetting(name, value);
  }
  core::Status Ping() override { return real_.Ping(); }
  core::Result<std::optional<store::CallRecord>> ClaimDueCall(
      std::string_view owner, std::int64_t now_ms, std::int64_t lease_ms,
      std::span<const std::int64_t> running) override {
    if (auto fault = Write("ClaimDueCall")) return *fault;
    return real_.ClaimDueCall(owner, now_ms, lease_ms, running);
  }
  core::Result<std::vector<std::int64_t>> RenewLeases(std::span<const store::LeaseToken> claims,
                                                      std::int64_t now_ms,
                                                      std::int64_t lease_ms) override {
    if (auto fault = Write("RenewLeases")) return *fault;
    return real_.RenewLeases(claims, now_ms, lease_ms);
  }
  core::Status ReleaseLeases(std::string_view owner) override {
    if (auto fault = Write("ReleaseLeases")) return *fault;
    return real_.ReleaseLeases(owner);
  }
  core::Result<std::optional<std::int64_t>> NextDueAtMs() override { return real_.NextDueAtMs(); }
  core::Result<store::QueueStats> QueueAt(std::int64_t now_ms) override {
    return real_.QueueAt(now_ms);
  }
  core::Result<int> WakeParkedCalls(std::int64_t now_ms) override {
    if (auto fault = Write("WakeParkedCalls")) return *fault;
    return real_.WakeParkedCalls(now_ms);
  }
  core::Status FinishStage(const store::StageOutcome& outcome) override {
    if (auto fault = Write("FinishStage")) return *fault;
    return real_.FinishStage(outcome);
  }
  core::Result<std::vector<store::AudioChunk>> LoadChunks(std::int64_t call_id) override {
    return real_.LoadChunks(call_id);
  }
  core::Status SaveChunkTranscript(std::int64_t call_id, int chunk_index,
                                   std::string_view transcript_json, std::int64_t now_ms) override {
    if (auto fault = Write("SaveChunkTranscript")) return *fault;
    return real_.SaveChunkTranscript(call_id, chunk_index, transcript_json, now_ms);
  }
  core::Status SaveDelivery(const store::LeaseToken& claim,
                            const store::Delivery& delivery) override {
    if (auto fault = Write("SaveDelivery")) return *fault;
    return real_.SaveDelivery(claim, delivery);
  }
  core::Status RecordUsage(std::int64_t call_id, const store::UsageRow& usage) override {
    if (auto fault = Write("RecordUsage")) return *fault;
    return real_.RecordUsage(call_id, usage);
  }
  core::Result<store::RetryResult> RetryCall(std::string_view id, std::int64_t now_ms) override {
    if (auto fault = Write("RetryCall")) return *fault;
    return real_.RetryCall(id, now_ms);
  }
  core::Result<std::vector<store::CallRecord>> FindCallsByClientNumber(
      std::string_view number) override {
    return real_.FindCallsByClientNumber(number);
  }
  core::Result<store::ErasedCall> EraseCall(std::string_view id, std::int64_t now_ms) override {
    if (auto fault = Write("EraseCall")) return *fault;
    return real_.EraseCall(id, now_ms);
  }
  core::Result<std::vector<store::SummaryBrief>> ListSummaryBriefs(
      std::span<const std::int64_t> call_ids) override {
    return real_.ListSummaryBriefs(call_ids);
  }
  core::Result<std::vector<store::DayStats>> StatsByDay(const store::StatsQuery& query) override {
    return real_.StatsByDay(query);
  }
  core::Result<std::vector<store::StoredChecklist>> ListChecklists() override {
    return real_.ListChecklists();
  }
  core::Status SaveChecklist(const store::StoredChecklist& checklist) override {
    return real_.SaveChecklist(checklist);
  }
  core::Result<std::optional<store::StoredChecklist>> ActiveChecklist() override {
    return real_.ActiveChecklist();
  }
  core::Result<std::optional<store::ScorecardRecord>> FindScorecard(std::int64_t call_id) override {
    return real_.FindScorecard(call_id);
  }
  core::Status SaveScorecard(std::int64_t call_id,
                             const store::ScorecardRecord& scorecard) override {
    return real_.SaveScorecard(call_id, scorecard);
  }
  core::Result<std::vector<store::ManagerStats>> StatsByManager(
      const store::StatsQuery& query) override {
    return real_.StatsByManager(query);
  }
  core::Result<std::vector<store::ManagerRef>> ListManagers() override {
    return real_.ListManagers();
  }
  core::Result<std::vector<store::Tracker>> ListTrackers() override { return real_.ListTrackers(); }
  core::Result<std::optional<store::Tracker>> SaveTracker(const store::Tracker& tracker,
                                                          std::int64_t now_ms) override {
    if (auto fault = Write("SaveTracker")) return *fault;
    return real_.SaveTracker(tracker, now_ms);
  }
  core::Result<bool> DeleteTracker(std::int64_t id) override {
    if (auto fault = Write("DeleteTracker")) return *fault;
    return real_.DeleteTracker(id);
  }
  core::Result<std::vector<store::TrackerCount>> CountTrackerHits(
      const store::StatsQuery& query) override {
    return real_.CountTrackerHits(query);
  }
  core::Result<std::int64_t> UpdatePacing(std::string_view key, std::int64_t now_ms,
                                          const store::PacingUpdate& update) override {
    if (auto fault = Write("UpdatePacing")) return *fault;
    return real_.UpdatePacing(key, now_ms, update);
  }

 private:
  // The planned fault when this write is the one to fail.
  std::optional<core::Error> Write(std::string_view method) {
    std::lock_guard lock(mutex_);
    writes_.emplace_back(method);
    if (writes_.size() != fail_at_) return std::nullopt;
    return core::Error{.kind = kind_,
                       .message = fmt::format("{}: the database failed on purpose (write {})",
                                              method, writes_.size()),
                       .retry_after = {},
                       .code = {}};
  }

  store::CallStore& real_;
  mutable std::mutex mutex_;
  std::vector<std::string> writes_;
  std::size_t fail_at_ = 0;  // 1-based index into writes_; 0: none.
  core::ErrorKind kind_ = core::ErrorKind::kTransient;
};

}  // namespace callbrief::testing
