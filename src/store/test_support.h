#pragma once

#include <string>

#include "store/call.h"
#include "testing/temp_dir.h"

namespace callbrief::store::testing {

// The tests' one scratch directory (src/testing/temp_dir.h), under the name the store's tests use.
using callbrief::testing::TempDir;

inline IncomingCall MakeCall(std::string call_id, std::int64_t started_at_ms = 1'700'000'000'000) {
  IncomingCall call;
  call.bitrix_call_id = std::move(call_id);
  call.call_type = 2;
  call.direction = Direction::kIncoming;
  call.client_number = "+79001234567";
  call.portal_number = "+79009876543";
  call.duration_seconds = 135;
  call.started_at_ms = started_at_ms;
  call.failed_code = "200";
  call.received_at_ms = started_at_ms + 140'000;
  call.event_name = "ONVOXIMPLANTCALLEND";
  call.event_json = R"({"event":"ONVOXIMPLANTCALLEND"})";
  call.remote_addr = "127.0.0.1";
  return call;
}

}  // namespace callbrief::store::testing
