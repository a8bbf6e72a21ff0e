#pragma once

// Where an upload has speech, for the OpenAI emulator's "timed by speech" transcripts
// (FakeTranscript::times_from_speech): the emulator cannot recognize words, but in a PCM WAV file
// it can hear when someone speaks, which is what a Whisper segment's start and end say.

#include <optional>
#include <string_view>
#include <vector>

namespace callbrief::fakes {

struct SpeechStretch {
  double start = 0;  // Seconds from the start of the file.
  double end = 0;
};

// How stretches are found: 10 ms frames whose RMS level is at least `min_level_dbfs` are speech;
// stretches closer than `join_gap_seconds` are one (the pauses between a speaker's words and
// clauses); stretches shorter than `min_seconds` are clicks, not speech.
struct SpeechStretchOptions {
  double min_level_dbfs = -40;
  double join_gap_seconds = 0.4;
  double min_seconds = 0.1;
};

// The stretches of speech of a RIFF/WAVE file of 16-bit PCM (channels averaged), in order;
// nullopt when `wav` is not such a file. Pure.
std::optional<std::vector<SpeechStretch>> FindSpeechStretches(
    std::string_view wav, const SpeechStretchOptions& options = {});

}  // namespace callbrief::fakes
