#pragma once

#include <filesystem>
#include <vector>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::testing {

// Speaks a dialogue with espeak-ng (a male voice for the manager, a female one for the client),
// writes it to `out` as one WAV (or MP3 through ffmpeg when `out` ends in .mp3) and sets each
// segment's start_ms/end_ms to where it really is in the file. Returns the file's size in bytes.
core::Result<std::int64_t> SpeakDialogue(std::vector<store::TranscriptSegment>& segments,
                                         const std::filesystem::path& out);

}  // namespace callbrief::testing
