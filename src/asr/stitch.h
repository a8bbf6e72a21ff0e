#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "asr/transcriber.h"

namespace callbrief::asr {

// One stretch of speech on the ORIGINAL recording's timeline.
struct TranscriptSegment {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string speaker{};  // "manager", "client" or "" (see SpeakerLabel for display).
  std::string text{};
};

enum class DropReason {
  kKnownPhrase,  // A phrase Whisper invents on silence (IsKnownHallucination).
  kNoSpeech,     // The model itself thinks there was no speech (no_speech_prob).
  kGarbled,      // Decoding failed: repetitive (compression ratio) and unlikely (log-probability).
  kRepetition,   // The same line again and again: a Whisper loop.
  kOverlap,      // The same words from the overlapping end of the previous chunk.
};
std::string_view DropReasonName(DropReason reason);

struct DroppedSegment {
  int chunk_index = 0;
  std::int64_t start_ms = 0;  // Original timeline.
  std::string speaker{};
  std::string text{};
  DropReason reason = DropReason::kKnownPhrase;
};

struct StitchedTranscript {
  std::vector<TranscriptSegment> segments{};  // By start time; both speakers interleaved.
  int dropped_hallucinations = 0;             // Every drop except kOverlap.
  int dropped_overlaps = 0;
  std::vector<DroppedSegment> dropped{};  // What was dropped and why, for logs and debugging.
  bool timestamps_estimated = false;      // Some chunk had no timestamps of its own.
  bool possibly_truncated = false;        // Some chunk's text may have been cut by the model.

  nlohmann::json ToJson() const;
};

// Thresholds of the cleaning. The defaults follow Whisper's own decoding heuristics
// (no_speech_threshold 0.6 with logprob_threshold -1, compression_ratio_threshold 2.4).
struct StitchOptions {
  double no_speech_prob_alone = 0.8;   // Dropped whatever the log-probability.
  double no_speech_prob_unsure = 0.6;  // Dropped when avg_logprob is also below low_logprob.
  double low_logprob = -1.0;
  double max_compression_ratio = 2.4;  // Above it, with a low avg_logprob: garbled.
  int repeats_to_drop = 3;             // A run of this many identical lines keeps only one;
  std::size_t long_line_chars = 20;    // a line this long needs only 2.
  double overlap_fraction = 0.5;       // Of the shorter segment, for kOverlap.
};

// Puts every chunk's segments on the original timeline through its TimeMap, labels them with the
// chunk's speaker, drops hallucinations (counted) and the duplicated words of overlapping chunks,
// and merges everything by time. Pure; chunks may come in any order.
StitchedTranscript Stitch(const std::vector<std::pair<ChunkToTranscribe, ChunkTranscript>>& chunks,
                          const StitchOptions& options = {});

// "Менеджер" / "Клиент" for Russian (the default), "Manager" / "Client" otherwise; "" for "".
std::string_view SpeakerLabel(std::string_view speaker, std::string_view language);

// One line a segment: "[01:02] Менеджер: text" ("[1:01:02]" past an hour; no label for "").
std::string RenderTranscript(const std::vector<TranscriptSegment>& segments,
                             std::string_view language);

}  // namespace callbrief::asr
