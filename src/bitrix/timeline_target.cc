#include "bitrix/timeline_target.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/json_fields.h"

namespace callbrief::bitrix {
namespace {

// CRM object type ids (api-reference/crm/data-types.md, "object_type").
constexpr std::int64_t kDealTypeId = 2;

std::string Context(const CallFacts& call) {
  return fmt::format("choosing the CRM entity of call {}", call.call_id);
}

// The newest deal among the activity's bindings; nullopt when it has none. Each row is
// {"entityTypeId": int, "entityId": int} (crm-activity-binding-list.md); rows of any other shape
// are passed over.
core::Result<std::optional<std::int64_t>> BoundDeal(RestClient& rest, const CallFacts& call) {
  auto reply = rest.Call("crm.activity.binding.list", {{"activityId", *call.crm_activity_id}});
  if (!reply) {
    if (reply.error().IsRetryable() || reply.error().kind == core::ErrorKind::kConfig) {
      return reply.error().WithContext(Context(call));
    }
    spdlog::warn("call {}: the bindings of activity {} are unreadable, so no deal: {}",
                 call.call_id, *call.crm_activity_id, reply.error().message);
    return std::optional<std::int64_t>();
  }
  std::optional<std::int64_t> deal;
  if (!reply->result.is_array()) return deal;
  for (const auto& row : reply->result) {
    if (IntegerField(row, "entityTypeId") != kDealTypeId) continue;
    auto id = IntegerField(row, "entityId");
    if (id && *id > 0 && (!deal || *id > *deal)) deal = id;
  }
  return deal;
}

}  // namespace

std::optional<std::string> TimelineEntityTypeFromCode(std::string_view code) {
  std::string lower(code);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "lead" || lower == "deal" || lower == "contact" || lower == "company") return lower;
  return std::nullopt;
}

std::optional<std::string> TimelineEntityTypeFromOwnerTypeId(std::int64_t owner_type_id) {
  switch (owner_type_id) {
    case 1:
      return "lead";
    case kDealTypeId:
      return "deal";
    case 3:
      return "contact";
    case 4:
      return "company";
    default:
      return std::nullopt;
  }
}

core::Result<std::optional<TimelineTarget>> ChooseTimelineTarget(RestClient& rest,
                                                                 const CallFacts& call) {
  using Target = std::optional<TimelineTarget>;
  if (call.crm_activity_id && *call.crm_activity_id > 0) {
    auto deal = BoundDeal(rest, call);
    if (!deal) return deal.error();
    if (*deal) {
      return Target(TimelineTarget{
          "deal", **deal,
          fmt::format("the deal bound to the call's activity {}", *call.crm_activity_id)});
    }
  }
  if (call.crm_entity_id && *call.crm_entity_id > 0) {
    if (auto type = TimelineEntityTypeFromCode(call.crm_entity_type)) {
      return Target(TimelineTarget{
          *type, *call.crm_entity_id,
          fmt::format("the call's own CRM entity ({} in the call history); no deal is bound",
                      call.crm_entity_type)});
    }
  }
  if (!call.crm_activity_id) return Target();
  auto reply = rest.Call("crm.activity.get", {{"id", *call.crm_activity_id}});
  if (!reply) return reply.error().WithContext(Context(call));
  if (!reply->result.is_object()) return Target();
  auto owner_type = IntegerField(reply->result, "OWNER_TYPE_ID");
  auto owner_id = IntegerField(reply->result, "OWNER_ID");
  if (!owner_type || !owner_id || *owner_id <= 0) return Target();
  auto type = TimelineEntityTypeFromOwnerTypeId(*owner_type);
  if (!type) return Target();
  return Target(TimelineTarget{
      *type, *owner_id, fmt::format("the owner of the call's activity {}", *call.crm_activity_id)});
}

}  // namespace callbrief::bitrix
