#pragma once

// Test support for the audio tests: the synthesized recordings (scripts/make-fixtures) and
// measuring what is in a file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "audio/internal/vad.h"
#include "testing/temp_dir.h"

namespace callbrief::audio::testing {

// A fixture file made by scripts/make-fixtures into the build tree.
std::filesystem::path Fixture(std::string_view name);

// One line of a fixture's manifest (NAME.tsv): who spoke when, in seconds of the recording.
struct Utterance {
  std::string speaker = {};
  double start = 0;
  double end = 0;
};
std::vector<Utterance> Manifest(std::string_view name);
// Seconds of speech by `speaker` ("" = anyone; overlapping utterances counted once).
double SpeechSeconds(const std::vector<Utterance>& utterances, std::string_view speaker = "");

// Speech regions (10 ms frames) found in an audio file's first channel with default detection.
std::vector<internal::Region> SpeechIn(const std::filesystem::path& file);
// The number of 16 kHz samples the file decodes to.
std::int64_t DecodedSamples(const std::filesystem::path& file);

using callbrief::testing::TempDir;

}  // namespace callbrief::audio::testing
