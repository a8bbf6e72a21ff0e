#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bitrix/rest_client.h"
#include "core/result.h"

namespace callbrief::bitrix {

// Who said a line, as Bitrix24's call card tells them apart.
enum class TranscriptSide { kUser, kClient };  // User: the portal's employee (our "manager").

struct CallTranscriptLine {
  TranscriptSide side = TranscriptSide::kClient;
  std::int64_t start_ms = 0;  // On the recording's timeline.
  std::int64_t end_ms = 0;
  std::string text{};
};

// The MESSAGES parameter of telephony.call.attachTranscription: {SIDE: "User"|"Client",
// START_TIME, STOP_TIME, MESSAGE} per line. Bitrix24 takes whole seconds with START_TIME ≥ 0 and
// STOP_TIME ≥ 1 and refuses an empty MESSAGE: start is rounded down, stop up and kept after the
// start, blank lines are left out. Pure.
nlohmann::json TranscriptionMessages(const std::vector<CallTranscriptLine>& lines);

// Attaches our transcript to the call's card in Bitrix24 (telephony.call.attachTranscription,
// scope telephony); returns the TRANSCRIPT_ID. COST and COST_CURRENCY are never sent: the method
// documents both as optional, but the call card is reported to show COST in the call's own
// currency (roubles on a Russian portal) whatever COST_CURRENCY says, and our cost is in USD. A
// USD amount labelled as roubles is worse than none; the cost stays in callbrief's own usage.
// Attaching again replaces what the card shows (the call keeps the newest TRANSCRIPT_ID), so a
// retry after an unknown outcome is harmless. Errors keep the REST client's kinds, with context
// "attaching the transcript of call <CALL_ID>"; "Call … is not found" is permanent.
core::Result<std::int64_t> AttachCallTranscript(RestClient& rest, std::string_view call_id,
                                                const std::vector<CallTranscriptLine>& lines);

}  // namespace callbrief::bitrix
