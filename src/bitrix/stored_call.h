#pragma once

#include <optional>
#include <utility>

#include "bitrix/event.h"

namespace callbrief::bitrix {

// THE mapping of what Bitrix24 says about a call onto what callbrief stores about it, for every
// source of those facts: an ONVOXIMPLANTCALLEND event's data (CallEndedData, webhook intake), a
// voximplant.statistic.get row (CallFacts: the reconciler and backfill record the call, the
// resolve stage writes the authoritative facts over the event's). The targets are the store's
// store::IncomingCall and store::CallFactsUpdate.
//
// A template only because this component may not know the store (dependencies point down,
// docs/architecture.md): the caller instantiates it with the store's types. Every field both
// sides have is copied, including empty and absent values (the facts replace what was there);
// fields one side lacks (the event names no CRM entity, IncomingCall keeps no recording id) are
// left alone. The direction follows CALL_TYPE (IsOutgoing) and stays as it was without one.
// Pure. Tested with every pair in pipeline/stored_call_test.cc.
template <typename Facts, typename Stored>
void CopyCallFacts(const Facts& facts, Stored& stored) {
  using Direction = decltype(stored.direction);
  stored.call_type = facts.call_type;
  if (facts.call_type) {
    stored.direction = IsOutgoing(*facts.call_type) ? Direction::kOutgoing : Direction::kIncoming;
  }
  stored.client_number = facts.phone_number;
  stored.portal_number = facts.portal_number;
  stored.portal_user_id = facts.portal_user_id;
  stored.duration_seconds = facts.duration_seconds;
  stored.started_at_ms = facts.started_at_ms;
  stored.failed_code = facts.failed_code;
  stored.failed_reason = facts.failed_reason;
  stored.crm_activity_id = facts.crm_activity_id;
  if constexpr (requires { stored.crm_entity_type = facts.crm_entity_type; }) {
    stored.crm_entity_type = facts.crm_entity_type;
    stored.crm_entity_id = facts.crm_entity_id;
  }
  if constexpr (requires { stored.record_file_id = facts.record_file_id; }) {
    stored.record_file_id = facts.record_file_id;
  }
}

}  // namespace callbrief::bitrix
