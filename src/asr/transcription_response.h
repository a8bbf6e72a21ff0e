#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asr/transcriber.h"
#include "core/result.h"

namespace callbrief::asr {

// Reads a 2xx body of /audio/transcriptions. Pure.
//  - verbose_json: segments with start/end in seconds and the quality fields, `language`,
//    `duration`; a response without segments but with text is treated like json.
//  - json: {"text": …}; the text is split into sentences spread over `chunk_ms` of chunk time in
//    proportion to their length (timestamps_estimated).
// `usage` ({"type":"duration","seconds"} or {"type":"tokens",…}) fills audio seconds and tokens,
// the input tokens split into audio and text when `input_token_details` says so;
// without it the audio seconds are `duration`, else chunk_ms. Model, cost and latency are left for
// the caller. kTransient when the body is not the expected JSON (a proxy's error page).
core::Result<ChunkTranscript> ParseTranscriptionResponse(std::string_view body,
                                                         std::int64_t chunk_ms);

// `text` split after sentence ends (. ! ? …) and given chunk times in proportion to the number of
// characters, covering [0, chunk_ms].
std::vector<RawSegment> EstimateSegments(std::string_view text, std::int64_t chunk_ms);

// Output tokens from which a json-format text may have been cut by the model's limit.
inline constexpr std::int64_t kTruncationSuspectTokens = 1990;

}  // namespace callbrief::asr
