#include "bitrix/call_transcript.h"

#include <algorithm>

#include "bitrix/json_fields.h"

namespace callbrief::bitrix {

nlohmann::json TranscriptionMessages(const std::vector<CallTranscriptLine>& lines) {
  nlohmann::json messages = nlohmann::json::array();
  for (const CallTranscriptLine& line : lines) {
    if (line.text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    const std::int64_t start = std::max<std::int64_t>(line.start_ms, 0) / 1000;
    const std::int64_t stop = std::max({(line.end_ms + 999) / 1000, start + 1, std::int64_t{1}});
    messages.push_back({{"SIDE", line.side == TranscriptSide::kUser ? "User" : "Client"},
                        {"START_TIME", start},
                        {"STOP_TIME", stop},
                        {"MESSAGE", line.text}});
  }
  return messages;
}

core::Result<std::int64_t> AttachCallTranscript(RestClient& rest, std::string_view call_id,
                                                const std::vector<CallTranscriptLine>& lines) {
  const std::string context = "attaching the transcript of call " + std::string(call_id);
  nlohmann::json params = {{"CALL_ID", call_id}, {"MESSAGES", TranscriptionMessages(lines)}};
  if (params["MESSAGES"].empty()) {
    return core::Error::InvalidInput(context + ": the transcript has no words");
  }
  auto reply = rest.Call("telephony.call.attachTranscription", params);
  if (!reply.ok()) return reply.error().WithContext(context);
  auto id = reply->result.is_object() ? IntegerField(reply->result, "TRANSCRIPT_ID") : std::nullopt;
  if (!id) {
    return core::Error::Permanent(context + ": Bitrix24 answered without a TRANSCRIPT_ID: " +
                                  reply->result.dump().substr(0, 200));
  }
  return *id;
}

}  // namespace callbrief::bitrix
