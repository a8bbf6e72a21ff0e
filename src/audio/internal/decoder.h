#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace callbrief::audio::internal {

// Chunks are encoded at this rate, whatever the recording's.
inline constexpr int kRate = 16000;

struct SourceInfo {
  std::string container = {};   // FFmpeg demuxer name
  std::string codec = {};       // FFmpeg decoder name
  int channels = 0;             // in the recording
  int sample_rate = 0;          // of the recording
  int output_channels = 0;      // 2 for stereo, else 1 (more than two channels are mixed down)
  int output_rate = 0;          // of the samples handed to the sink
  double declared_seconds = 0;  // from the container's header; 0 when unknown or estimated
};

// Receives decoded audio at output_rate as planar floats: planes[c][0..count) for
// c < output_channels.
// Returns false to stop decoding early (Run then succeeds).
using BlockSink = std::function<bool(const float* const* planes, int count)>;

// Streams one local audio file through FFmpeg: demux, decode, convert to planar float (and
// resample when asked). Memory is
// bounded by one packet and one frame whatever the length. Only local files and audio
// containers are opened (no network protocols, no playlists that could point elsewhere).
class Decoder {
 public:
  // kPermanent when the file cannot be opened as audio, with a message saying why.
  // `output_rate` 0 keeps the recording's rate (no resampling: the analysis pass needs none).
  static core::Result<std::unique_ptr<Decoder>> Open(const std::filesystem::path& path,
                                                     int output_rate = kRate);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const SourceInfo& info() const;

  // Decodes to the end (or until `sink` says stop). kPermanent when the audio is damaged (too
  // many undecodable packets), truncated (much shorter than the header declares), longer than
  // `max_seconds`, or holds no samples at all. Call once.
  core::Status Run(const BlockSink& sink, std::int64_t max_seconds);

  std::int64_t samples() const;  // output samples delivered so far
  int damaged_packets() const;   // packets the decoder rejected and skipped

 private:
  struct State;
  explicit Decoder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace callbrief::audio::internal
