#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "audio/prepare.h"
#include "core/config.h"
#include "core/result.h"

// What callbrief and its audio helper program (callbrief-audio) say to each other: one request as
// the helper's only argument, one answer on its standard output, both JSON. Doubles are written
// with full precision (nlohmann prints the shortest text that reads back to the same double), so
// a report prepared in the helper is bit for bit the one prepared in-process.
namespace callbrief::audio::internal {

// Bumped whenever a field changes meaning: the helper refuses another version (exit 2), so a
// callbrief and a callbrief-audio from different builds fail loudly instead of misreading.
inline constexpr int kWireVersion = 1;

struct HelperRequest {
  std::filesystem::path recording = {};
  PrepareOptions options = {};
  // Applied by the helper to itself (setrlimit RLIMIT_AS) before it opens the recording; 0 = none.
  std::int64_t max_memory_bytes = 0;
  core::LogFormat log_format = core::LogFormat::kText;
  std::string log_level = "info";
  std::string call_id = {};  // put on the helper's log lines, as the service's own carry it
  // The helper exits at once when its parent is not this process any more (it died between
  // fork and the helper's prctl(PR_SET_PDEATHSIG)).
  std::int64_t parent_pid = 0;
};

std::string RequestToJson(const HelperRequest& request);
// Error (kInvalidInput) when `text` is not a request of kWireVersion.
core::Result<HelperRequest> RequestFromJson(std::string_view text);

// The helper's answer: the prepared audio, or the error PrepareRecording returned (its kind kept).
std::string AnswerToJson(const core::Result<PreparedAudio>& answer);
// The answer as the helper gave it; a kPermanent error naming the helper when `text` is not an
// answer at all.
core::Result<PreparedAudio> AnswerFromJson(std::string_view text);

}  // namespace callbrief::audio::internal
