#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "audio/prepare.h"
#include "core/result.h"

namespace callbrief::audio::internal {

std::string_view MimeType(ChunkFormat format);
std::string_view FileExtension(ChunkFormat format);  // ".mp3", ".ogg", ".flac", ".wav"
// Bytes a chunk of `seconds` may take, for planning (an upper bound with the container's overhead).
double EstimatedBytesPerSecond(ChunkFormat format, int bitrate);

// Encodes 16 kHz mono float samples into one chunk file with libavcodec/libavformat. The file is
// complete only after Finish(); a writer destroyed before that removes its file.
class ChunkWriter {
 public:
  // kConfig when this FFmpeg has no encoder for `format`; kTransient when the file cannot be
  // created.
  static core::Result<std::unique_ptr<ChunkWriter>> Open(const std::filesystem::path& path,
                                                         ChunkFormat format, int bitrate);
  ~ChunkWriter();
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  core::Status Write(const float* samples, int count);
  // Flushes the encoder and closes the file; returns its size in bytes.
  core::Result<std::int64_t> Finish();
  std::int64_t samples_written() const;

 private:
  struct State;
  explicit ChunkWriter(std::unique_ptr<State> state);
  core::Status EncodeFrame(const float* samples, int count);
  core::Status Drain();
  std::unique_ptr<State> state_;
};

}  // namespace callbrief::audio::internal
