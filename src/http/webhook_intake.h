#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "store/group_commit.h"

namespace callbrief::http {

struct IntakeRequest {
  std::string_view content_type;
  std::string_view body;
  std::string remote_addr;
};

struct IntakeResponse {
  int status = 200;
  nlohmann::json body;
  // Why the event was refused, for metrics; empty when it was accepted (or ignored). One of
  // "malformed" (not a Bitrix24 event: 400), "token_missing", "token_mismatch" (401),
  // "invalid_call_event" (a call event without what it needs: 400), "store_unavailable" (503).
  std::string_view refusal{};
};

// Whether an event's auth[application_token] is the one expected.
enum class EventToken { kAccepted, kMissing, kMismatch };
// Judges the token an event presents; `expected_name` names what it was compared with in the
// refusal ("BITRIX24_APPLICATION_TOKEN", "the installed application's token").
struct EventTokenCheck {
  std::function<EventToken(std::string_view presented)> check;
  std::string expected_name;
};

// The first stage: turns one Bitrix24 event request into a durable call row, then answers.
// 200 is answered only after the event is committed (so a crash after the answer loses nothing);
// a repeated CALL_ID is answered 200 and changes nothing; other events are acknowledged and
// ignored; bad requests get 400/401 with the reason, and every outcome is logged.
class WebhookIntake {
 public:
  // `application_token`: when not empty, events must carry the same auth[application_token].
  // `on_new_call` is told after a new call is durable (the pipeline wakes its workers).
  WebhookIntake(std::string application_token, store::GroupCommitter& committer,
                const core::Clock& clock, std::function<void()> on_new_call = {});
  // Events are authenticated by `token_check` (the local application's installation).
  WebhookIntake(EventTokenCheck token_check, store::GroupCommitter& committer,
                const core::Clock& clock, std::function<void()> on_new_call = {});

  IntakeResponse Handle(const IntakeRequest& request);

  store::GroupCommitter::Stats committer_stats() const { return committer_.stats(); }

 private:
  IntakeResponse Reject(int status, std::string_view refusal, std::string_view reason,
                        const IntakeRequest& request);

  EventTokenCheck token_check_;  // No function: events are not authenticated.
  store::GroupCommitter& committer_;
  const core::Clock& clock_;
  std::function<void()> on_new_call_;
};

// Compares secrets (passwords, tokens) by HMAC-SHA256 under a per-process random key, then the
// digests in constant time: the timing reveals neither where they differ nor their length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace callbrief::http
