#include "pipeline/timeline_channel.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/call_facts.h"
#include "bitrix/timeline.h"
#include "bitrix/timeline_target.h"
#include "notify/timeline_format.h"

namespace callbrief::pipeline {
namespace {

// Beyond the request timeout, for clocks and queues between us and Bitrix24.
constexpr std::int64_t kSettleMarginMs = 2000;

constexpr std::string_view kUnbound = "the call is bound to no CRM entity";

bool Bound(const store::CallRecord& call) {
  return (!call.crm_entity_type.empty() && call.crm_entity_id.has_value()) ||
         call.crm_activity_id.has_value();
}

}  // namespace

TimelineChannel::TimelineChannel(bitrix::RestClient* rest, const core::Clock& clock,
                                 std::chrono::milliseconds request_timeout)
    : rest_(rest), clock_(clock), request_timeout_(request_timeout) {}

core::Result<Delivered> TimelineChannel::Deliver(const DeliveryJob& job, DeliveryRecord& record) {
  const store::CallRecord& call = job.details.call;
  auto skip_unbound = [&] {
    spdlog::info("Call {} is bound to no CRM entity: no timeline comment", call.bitrix_call_id);
    return Delivered::Skipped(std::string(kUnbound));
  };
  // Decided before asking for the portal, so a call with nothing to comment on never waits for
  // BITRIX24_WEBHOOK_URL (`callbrief process --deliver` on a local file).
  if (!Bound(call)) return skip_unbound();
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot comment on the CRM timeline");
  }
  bitrix::CallFacts facts;
  facts.call_id = call.bitrix_call_id;
  facts.crm_entity_type = call.crm_entity_type;
  facts.crm_entity_id = call.crm_entity_id;
  facts.crm_activity_id = call.crm_activity_id;
  auto target = bitrix::ChooseTimelineTarget(*rest_, facts);
  if (!target.ok()) return target.error();
  if (!target->has_value()) return skip_unbound();

  const bool previous_attempt_unknown = record.attempts > 0;
  const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
  if (previous_attempt_unknown && record.attempt_started_at_ms) {
    const std::int64_t settled_ms =
        *record.attempt_started_at_ms + request_timeout_.count() + kSettleMarginMs;
    if (now_ms < settled_ms) {
      return core::Error::RateLimited(
          "an earlier request adding the timeline comment may still be running in Bitrix24: "
          "looking for its comment once it must have ended",
          std::chrono::milliseconds(settled_ms - now_ms));
    }
  }
  // Recorded before the request: if this process dies during it, the next attempt knows the
  // outcome is unknown and looks for the comment before adding another.
  record.attempts += 1;
  record.attempt_started_at_ms = now_ms;
  if (auto saved = job.save(record); !saved.ok()) return saved.error();
  auto comment =
      bitrix::AddCommentOnce(*rest_, **target, call.bitrix_call_id,
                             notify::FormatTimelineComment(job.message), previous_attempt_unknown);
  if (!comment.ok()) return comment.error();
  return Delivered::Done(
      std::to_string(*comment),
      fmt::format("✅ Added to the Bitrix24 timeline: call {} ({} {}, comment {}): {}",
                  call.bitrix_call_id, (*target)->entity_type, (*target)->entity_id, *comment,
                  (*target)->reason));
}

}  // namespace callbrief::pipeline
