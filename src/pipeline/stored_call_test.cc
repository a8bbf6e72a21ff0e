// bitrix::CopyCallFacts (bitrix/stored_call.h), the one mapping of Bitrix24's facts about a call
// onto the store's records, with each source and target the service uses.

#include "bitrix/stored_call.h"

#include <gtest/gtest.h>

#include "bitrix/call_facts.h"
#include "bitrix/event.h"
#include "store/call.h"

namespace callbrief::pipeline {
namespace {

using store::Direction;

bitrix::CallFacts StatisticRow() {
  bitrix::CallFacts f;
  f.statistic_id = 1042;
  f.call_id = "CALL.1";
  f.call_type = 2;
  f.phone_number = "+79001234567";
  f.portal_number = "reg133788";
  f.portal_user_id = 12;
  f.duration_seconds = 135;
  f.started_at_ms = 1'773'239'326'000;
  f.failed_code = "200";
  f.failed_reason = "Success call";
  f.crm_entity_type = "CONTACT";
  f.crm_entity_id = 15;
  f.crm_activity_id = 7953;
  f.record_file_id = 501;
  return f;
}

// The same call as its ONVOXIMPLANTCALLEND event announces it.
bitrix::CallEndedData EventData() {
  bitrix::CallEndedData d;
  d.call_id = "CALL.1";
  d.call_type = 2;
  d.phone_number = "+79001234567";
  d.portal_number = "reg133788";
  d.portal_user_id = 12;
  d.duration_seconds = 135;
  d.started_at_ms = 1'773'239'326'000;
  d.failed_code = "200";
  d.failed_reason = "Success call";
  d.crm_activity_id = 7953;
  return d;
}

TEST(StoredCall, AStatisticRowBecomesTheResolvedFactsFieldByField) {
  store::CallFactsUpdate u;
  bitrix::CopyCallFacts(StatisticRow(), u);
  EXPECT_EQ(u.call_type, 2);
  EXPECT_EQ(u.direction, Direction::kIncoming);
  EXPECT_EQ(u.client_number, "+79001234567");
  EXPECT_EQ(u.portal_number, "reg133788");
  EXPECT_EQ(u.portal_user_id, 12);
  EXPECT_EQ(u.duration_seconds, 135);
  EXPECT_EQ(u.started_at_ms, 1'773'239'326'000);
  EXPECT_EQ(u.failed_code, "200");
  EXPECT_EQ(u.failed_reason, "Success call");
  EXPECT_EQ(u.crm_entity_type, "CONTACT");
  EXPECT_EQ(u.crm_entity_id, 15);
  EXPECT_EQ(u.crm_activity_id, 7953);
  EXPECT_EQ(u.record_file_id, 501);
  EXPECT_EQ(u.manager_name, "") << "not a fact of the row: user.get's";
}

TEST(StoredCall, TheWebhookAndTheReconcilerRecordTheSameFactsForOneCall) {
  store::IncomingCall from_event, from_row;
  bitrix::CopyCallFacts(EventData(), from_event);
  bitrix::CopyCallFacts(StatisticRow(), from_row);
  EXPECT_EQ(from_event.call_type, from_row.call_type);
  EXPECT_EQ(from_event.direction, from_row.direction);
  EXPECT_EQ(from_event.client_number, from_row.client_number);
  EXPECT_EQ(from_event.portal_number, from_row.portal_number);
  EXPECT_EQ(from_event.portal_user_id, from_row.portal_user_id);
  EXPECT_EQ(from_event.duration_seconds, from_row.duration_seconds);
  EXPECT_EQ(from_event.started_at_ms, from_row.started_at_ms);
  EXPECT_EQ(from_event.failed_code, from_row.failed_code);
  EXPECT_EQ(from_event.failed_reason, from_row.failed_reason);
  EXPECT_EQ(from_event.crm_activity_id, from_row.crm_activity_id);
  EXPECT_EQ(from_row.duration_seconds, 135);
}

TEST(StoredCall, TheDirectionFollowsTheCallType) {
  const std::pair<std::optional<int>, Direction> cases[] = {
      {1, Direction::kOutgoing}, {2, Direction::kIncoming}, {3, Direction::kIncoming},
      {4, Direction::kOutgoing}, {5, Direction::kOutgoing}, {std::nullopt, Direction::kUnknown}};
  for (const auto& [type, direction] : cases) {
    bitrix::CallEndedData d = EventData();
    d.call_type = type;
    store::IncomingCall call;
    bitrix::CopyCallFacts(d, call);
    EXPECT_EQ(call.direction, direction) << type.value_or(0);
  }
}

TEST(StoredCall, FactsTheSourceLacksReplaceWhatWasThereAsAbsent) {
  bitrix::CallEndedData sparse;
  sparse.call_id = "CALL.1";
  store::IncomingCall call;
  bitrix::CopyCallFacts(EventData(), call);
  bitrix::CopyCallFacts(sparse, call);
  EXPECT_EQ(call.call_type, std::nullopt);
  EXPECT_EQ(call.direction, Direction::kIncoming) << "kept: no CALL_TYPE says otherwise";
  EXPECT_EQ(call.client_number, "");
  EXPECT_EQ(call.duration_seconds, std::nullopt);
  EXPECT_EQ(call.crm_activity_id, std::nullopt);
}

}  // namespace
}  // namespace callbrief::pipeline
