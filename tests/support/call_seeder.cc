#include "support/call_seeder.h"

#include <algorithm>

#include <fmt/format.h>

namespace callbrief::testing {
namespace {

constexpr std::string_view kOwner = "seed-calls";

store::IncomingCall Incoming(const SeedCall& c) {
  store::IncomingCall in;
  in.bitrix_call_id = c.bitrix_call_id;
  in.call_type = c.direction == store::Direction::kOutgoing ? 1 : 2;
  in.direction = c.direction;
  in.client_number = c.client_number;
  in.portal_number = c.portal_number;
  in.portal_user_id = c.portal_user_id;
  in.duration_seconds = c.duration_seconds;
  in.started_at_ms = c.started_at_ms;
  in.failed_code = "200";
  in.failed_reason = "Success";
  in.received_at_ms = c.received_at_ms;
  in.event_name = "ONVOXIMPLANTCALLEND";
  in.event_json =
      fmt::format(R"({{"event":"ONVOXIMPLANTCALLEND","data":{{"CALL_ID":"{}","PHONE_NUMBER":"{}",)"
                  R"("CALL_DURATION":"{}","CALL_FAILED_CODE":"200"}}}})",
                  c.bitrix_call_id, c.client_number, c.duration_seconds);
  in.remote_addr = "127.0.0.1";
  return in;
}

}  // namespace

core::Result<std::vector<std::int64_t>> CallSeeder::Write(std::vector<SeedCall> calls) {
  // A claim takes the call due first: process in the order of arrival.
  std::stable_sort(calls.begin(), calls.end(), [](const SeedCall& a, const SeedCall& b) {
    return a.received_at_ms < b.received_at_ms;
  });
  for (const SeedCall& c : calls) {
    if (c.received_at_ms > now_ms_) {
      return core::Error::InvalidInput(
          fmt::format("call {} would arrive in the future", c.bitrix_call_id));
    }
  }
  std::vector<store::IncomingCall> incoming;
  incoming.reserve(calls.size());
  for (const SeedCall& c : calls) incoming.push_back(Incoming(c));
  auto recorded = store_.RecordIncomingCalls(incoming);
  if (!recorded) return recorded.error();
  std::vector<std::int64_t> ids;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto& r = (*recorded)[i];
    if (r.outcome == store::IntakeOutcome::kDuplicate) {
      return core::Error::InvalidInput(
          fmt::format("call {} is already in the database", calls[i].bitrix_call_id));
    }
    ids.push_back(r.id);
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    if (auto done = Process(calls[i], ids[i]); !done) return done.error();
  }
  return ids;
}

core::Status CallSeeder::Process(const SeedCall& c, std::int64_t id) {
  std::int64_t t = c.received_at_ms;
  for (size_t i = 0; i < c.runs.size(); ++i) {
    const SeedRun& run = c.runs[i];
    auto claimed = store_.ClaimDueCall(kOwner, now_ms_, 60'000, {});
    if (!claimed) return claimed.error();
    if (!*claimed || (*claimed)->id != id) {
      return core::Error::Permanent(
          fmt::format("seeding call {}: another call was due first", c.bitrix_call_id));
    }
    const bool last = i + 1 == c.runs.size();
    store::StageOutcome o{.call_id = id,
                          .lease_owner = std::string(kOwner),
                          .lease_epoch = (*claimed)->lease_epoch,
                          .ran = run.stage,
                          .attempt = 1,
                          .started_at_ms = t,
                          .finished_at_ms = t + run.took_ms,
                          .next = last ? c.end : c.runs[i + 1].stage,
                          .run_outcome = run.outcome,
                          .count_attempt = run.outcome == "retry",
                          .error = run.error,
                          .error_kind = last && c.end == store::Stage::kFailed ? c.error_kind : "",
                          .skip_reason = c.skip_reason};
    t += run.took_ms;
    // Between runs the call is due before any other, so the next claim takes it again; a call
    // left in progress waits a while, as one retrying would, and is not claimed by this seeder.
    if (!last) o.next_attempt_at_ms = 0;
    if (last && !store::IsTerminal(c.end)) o.next_attempt_at_ms = now_ms_ + 10 * 60'000;
    if (run.stage == store::Stage::kResolve) {
      o.facts =
          store::CallFactsUpdate{.call_type = c.direction == store::Direction::kOutgoing ? 1 : 2,
                                 .direction = c.direction,
                                 .client_number = c.client_number,
                                 .portal_number = c.portal_number,
                                 .portal_user_id = c.portal_user_id,
                                 .manager_name = c.manager_name,
                                 .duration_seconds = c.duration_seconds,
                                 .started_at_ms = c.started_at_ms,
                                 .failed_code = "200",
                                 .failed_reason = "Success",
                                 .crm_entity_type = c.crm_entity_type,
                                 .crm_entity_id = c.crm_entity_id,
                                 .record_file_id = 1000 + id};
    }
    if (run.stage == store::Stage::kDownload && !c.recording_path.empty()) {
      o.recording = store::RecordingUpdate{.path = c.recording_path, .bytes = c.recording_bytes};
    }
    if (run.stage == store::Stage::kTranscribe && !c.segments.empty()) o.segments = c.segments;
    if (run.stage == store::Stage::kSummarize && c.summary) o.summary = c.summary;
    if (run.stage == store::Stage::kSummarize && c.scorecard) o.scorecard = c.scorecard;
    // Deliveries are written under the last run's claim, as the deliver stage writes them.
    if (last) {
      for (const auto& delivery : c.deliveries) {
        if (auto saved = store_.SaveDelivery(store::LeaseOf(**claimed), delivery); !saved) {
          return saved.error();
        }
      }
    }
    if (auto finished = store_.FinishStage(o); !finished) return finished.error();
  }
  for (const auto& usage : c.usage) {
    if (auto recorded = store_.RecordUsage(id, usage); !recorded) return recorded.error();
  }
  return core::Ok();
}

}  // namespace callbrief::testing
