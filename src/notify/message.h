#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callbrief::notify {

// Every member has an initializer, so designated initializers may leave any out.

enum class Direction { kUnknown, kIncoming, kOutgoing };

// One action item of a summary.
struct Task {
  std::string text{};
  std::string owner{};  // Who does it ("менеджер", a name); empty when the summary did not say.
  std::string due{};  // When, as the summary put it ("до пятницы", "2026-11-27"); may be empty.
};

// One utterance of a transcript.
struct TranscriptLine {
  std::int64_t start_ms = 0;  // From the start of the recording.
  std::string speaker{};      // "manager", "client", another label, or "" for a mono mix.
  std::string text{};
};

// The conversation's figures for the one line MESSAGE_ANALYTICS_LINE adds to a delivery (issue
// 16, item 5): measured, not a model's opinion (docs/analytics.md).
struct ConversationFigures {
  std::optional<double> talk_share_manager{};  // 0…1; unset for a mono recording
  std::optional<int> score{};                  // 0…100; unset when not scored
  std::vector<std::string> failed_critical{};  // The questions of critical criteria answered "no"
};

// Everything a delivery of one call shows, in Telegram and on the Bitrix24 timeline alike. The
// pipeline fills it from the store; formatting is pure. All strings are UTF-8 as the providers
// returned them — the formatters escape them, so callers must not.
struct CallMessage {
  std::string call_id{};  // Used in the transcript file name; never shown otherwise.
  Direction direction = Direction::kUnknown;
  std::string from_number{};  // Who called: the client for incoming calls, the line for outgoing.
  std::string to_number{};
  std::optional<int> duration_seconds{};
  std::optional<std::int64_t> started_at_ms{};  // Unix milliseconds, UTC.
  int utc_offset_minutes = 180;                 // How started_at is shown (Moscow by default).
  std::string manager_name{};
  std::string client_name{};  // The CRM entity's title; may be empty while client_url is not.
  std::string client_url{};   // The CRM entity in Bitrix24, absolute http(s).
  std::string call_url{};     // Our call page: PUBLIC_URL + "/calls/<id>"; empty when unknown.

  // The structured summary.
  std::string summary{};
  std::vector<std::string> key_points{};
  std::vector<Task> tasks{};
  std::string client_request{};
  std::string next_steps{};
  std::string sentiment{};  // "positive", "neutral", "negative" (shown as given).
  std::string call_kind{};  // Shown as given when not empty.

  // Shown inline (Telegram, short calls) or as an excerpt (timeline); empty: no transcript.
  std::vector<TranscriptLine> transcript{};

  // Unset (the default): no analytics line, the seed's exact format.
  std::optional<ConversationFigures> figures{};
};

}  // namespace callbrief::notify
