#include "pipeline/card_transcript_channel.h"

#include <fmt/format.h>

#include "bitrix/call_transcript.h"

namespace callbrief::pipeline {

core::Result<Delivered> CardTranscriptChannel::Deliver(const DeliveryJob& job,
                                                       DeliveryRecord& record) {
  const store::CallDetails& details = job.details;
  std::vector<bitrix::CallTranscriptLine> lines;
  bool sides_known = !details.segments.empty();
  for (const store::TranscriptSegment& s : details.segments) {
    sides_known = sides_known && (s.speaker == "manager" || s.speaker == "client");
    lines.push_back({.side = s.speaker == "manager" ? bitrix::TranscriptSide::kUser
                                                    : bitrix::TranscriptSide::kClient,
                     .start_ms = s.start_ms,
                     .end_ms = s.end_ms,
                     .text = s.text});
  }
  if (!sides_known || bitrix::TranscriptionMessages(lines).empty()) {
    // Bitrix24 wants a side for every line; a mono mix would put words in the wrong mouth.
    return Delivered::Skipped(details.segments.empty()
                                  ? "the call has no transcript"
                                  : "the recording is a mono mix: who said each line is unknown");
  }
  if (rest_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot attach the transcript in Bitrix24");
  }
  record.attempts += 1;
  // Recorded before the request, under the claim: a worker whose claim was taken over stops here.
  if (auto saved = job.save(record); !saved.ok()) return saved.error();
  auto attached = bitrix::AttachCallTranscript(*rest_, details.call.bitrix_call_id, lines);
  if (!attached.ok()) return attached.error();
  return Delivered::Done(std::to_string(*attached),
                         fmt::format("✅ Attached the transcript to call {} in Bitrix24 "
                                     "(transcript {})",
                                     details.call.bitrix_call_id, *attached));
}

}  // namespace callbrief::pipeline
