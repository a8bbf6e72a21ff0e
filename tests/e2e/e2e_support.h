#pragma once

// The three emulated services and the real binary, wired as a user would wire them.

#include <chrono>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_bitrix24.h"
#include "fakes/fake_openai.h"
#include "fakes/fake_telegram.h"
#include "support/service_process.h"

namespace callbrief::testing {

inline constexpr std::int64_t kChatId = -1001234567890;

// A recording synthesized by scripts/make-fixtures (CMake builds them before the tests).
std::string FixtureBytes(const std::string& name);

// A string field of the API's JSON, "" when absent or null.
inline std::string Text(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string()
             ? object[key].get<std::string>()
             : "";
}

// Whether the API's call JSON says the call is done.
inline bool Done(const nlohmann::json& call) { return Text(call, "stage") == "done"; }

class PipelineE2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Everything the service needs to reach the emulators, plus `extra`.
  EnvVars Env(EnvVars extra = {}) const;

  // A finished call on the portal with `recording` attached (empty: none); returns its CALL_ID.
  std::string AddCall(fakes::CallBuilder builder, const std::string& recording = "dialogue");
  // Bitrix24 posts ONVOXIMPLANTCALLEND for the call to the service.
  void Announce(const ServiceProcess& service, const std::string& call_id);

  // GET /api/calls/<id>; null when not found.
  static nlohmann::json CallJson(const ServiceProcess& service, const std::string& call_id);
  // Polls the call until `done(call)` is true or `timeout` passes; returns the last state.
  static nlohmann::json WaitFor(const ServiceProcess& service, const std::string& call_id,
                                const std::function<bool(const nlohmann::json&)>& done,
                                std::chrono::seconds timeout = std::chrono::seconds(60));
  static nlohmann::json WaitForStage(const ServiceProcess& service, const std::string& call_id,
                                     std::string_view stage,
                                     std::chrono::seconds timeout = std::chrono::seconds(60));

  std::vector<fakes::SentTelegramMessage> TelegramMessages() const;
  std::vector<fakes::TimelineComment> Comments(const std::string& call_id) const;

  fakes::FakeBitrix24 portal_;
  fakes::FakeOpenAi openai_;
  fakes::FakeTelegram telegram_;
};

}  // namespace callbrief::testing
