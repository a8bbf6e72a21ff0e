#pragma once

#include <cstdint>
#include <vector>

namespace callbrief::core {

// One stretch of audio kept in a prepared chunk: `length_ms` of chunk time starting at
// `chunk_start_ms` is the original recording's audio starting at `original_start_ms`.
struct TimeSpan {
  std::int64_t chunk_start_ms = 0;
  std::int64_t original_start_ms = 0;
  std::int64_t length_ms = 0;
};

// Maps a time inside a prepared chunk (silence cut, split) back to the original recording, so
// every transcript timestamp points at the moment a person can hear in the recording. The audio
// stage builds it; the stitcher reads it. Spans are in chunk order and do not overlap.
class TimeMap {
 public:
  TimeMap() = default;
  explicit TimeMap(std::vector<TimeSpan> spans) : spans_(std::move(spans)) {}

  // The original time of `chunk_ms`. A time inside a span maps exactly; a time before the first
  // span, between spans or after the last (a provider's timestamps are approximate) is clamped to
  // the nearest kept audio. An empty map is the identity.
  std::int64_t ToOriginal(std::int64_t chunk_ms) const;

  const std::vector<TimeSpan>& spans() const { return spans_; }
  // Chunk time covered by the spans (the billed length of the chunk).
  std::int64_t ChunkLengthMs() const;

 private:
  std::vector<TimeSpan> spans_;
};

}  // namespace callbrief::core
