#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bitrix/call_facts.h"
#include "bitrix/rest_client.h"
#include "core/result.h"

namespace callbrief::bitrix {

// The CRM item whose timeline gets a call's summary.
struct TimelineTarget {
  std::string entity_type;  // As crm.timeline.comment.* want it: lead, deal, contact or company.
  std::int64_t entity_id = 0;
  // Why this item, for the log and the operator: "the deal bound to the call's activity 7953".
  std::string reason;
};

// Where a call's comment goes, in this order:
//  1. a deal the call's CRM_ACTIVITY_ID is bound to (crm.activity.binding.list, entityTypeId 2;
//     the newest, i.e. highest id, when there are several). The sales team works in the deal,
//     and the statistic row never names one: its CRM_ENTITY_TYPE is CONTACT, COMPANY or LEAD
//     (api-reference/telephony/voximplant/statistic/voximplant-statistic-get.md);
//  2. the statistic row's CRM_ENTITY_TYPE/CRM_ENTITY_ID;
//  3. the owner of CRM_ACTIVITY_ID (crm.activity.get).
// nullopt when the call is bound to nothing we can comment on; the caller logs "no CRM binding:
// no timeline comment". A binding list the portal refuses for good (the activity is gone, code
// 100, NOT_FOUND) is logged and skipped; retryable and configuration errors are returned, with
// context "choosing the CRM entity of call <CALL_ID>".
core::Result<std::optional<TimelineTarget>> ChooseTimelineTarget(RestClient& rest,
                                                                 const CallFacts& call);

// The entity type for a CRM_ENTITY_TYPE code ("CONTACT" → "contact"; LEAD, DEAL, CONTACT,
// COMPANY in any case) or an OWNER_TYPE_ID / entityTypeId (1 lead, 2 deal, 3 contact,
// 4 company); nullopt for others. Pure.
std::optional<std::string> TimelineEntityTypeFromCode(std::string_view code);
std::optional<std::string> TimelineEntityTypeFromOwnerTypeId(std::int64_t owner_type_id);

}  // namespace callbrief::bitrix
