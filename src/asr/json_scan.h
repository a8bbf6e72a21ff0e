#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A fast reader for the one JSON shape that is big: a transcription answer (a one-hour call is
// ~0.5 MB of verbose_json, and general DOM parsing alone took most of the 5 ms budget). It
// decodes only the fields callbrief uses and skips the rest (tokens, words). Internal to asr.
namespace callbrief::asr::internal {

struct ScannedSegment {
  double start = 0;
  double end = 0;
  std::string text{};
  double no_speech_prob = 0;
  double avg_logprob = 0;
  double compression_ratio = 0;
};

struct ScannedResponse {
  std::optional<std::string> text{};  // Absent or not a string: nullopt.
  std::string language{};
  std::optional<double> duration{};
  std::vector<ScannedSegment> segments{};
  std::string usage_type{};
  double usage_seconds = -1;  // -1: not given.
  std::int64_t input_tokens = 0;
  std::optional<std::int64_t>
      audio_tokens{};  // usage.input_token_details; absent or null: nullopt.
  std::optional<std::int64_t> text_tokens{};
  std::int64_t output_tokens = 0;
};

// A token count as the server sent it, or 0 (unknown) when it cannot be one: converting a double
// outside int64's range is undefined behaviour, and verbose_json_fuzz found `1e125`.
std::int64_t TokenCount(double value);

// nullopt when `body` is not a JSON object or is shaped in a way this reader does not expect
// (a field of another type than OpenAI's); callers then fall back to a general parser.
std::optional<ScannedResponse> ScanTranscriptionResponse(std::string_view body);

}  // namespace callbrief::asr::internal
