#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/result.h"

namespace callbrief::audio::internal {

// The decoded recording at 16 kHz, kept on disk between speech detection and encoding so the
// recording is decoded only once while memory stays bounded whatever its length. Samples are
// 16-bit (what the chunks carry anyway), interleaved for stereo: 32 kB per second and channel,
// 230 MB for a one-hour stereo call. The file is unlinked from the start (O_TMPFILE where the
// file system has it), so nothing is left behind even if the process dies.
class Spool {
 public:
  // kTransient when `dir` cannot hold a temporary file (missing, not writable).
  static core::Result<std::unique_ptr<Spool>> Create(const std::filesystem::path& dir,
                                                     int channels);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  int channels() const { return channels_; }
  std::int64_t samples() const { return samples_; }  // per channel

  // Appends planar floats planes[c][0..count); values outside [-1, 1] are clipped.
  // kTransient when the disk is full or the write fails.
  core::Status Append(const float* const* planes, int count);
  // Writes out what Append buffered; call once, before reading.
  core::Status Flush();
  // Reads samples [from, from + count) of every channel into planes[c][0..count).
  // kTransient when the file cannot be read back or is shorter than promised.
  core::Status Read(std::int64_t from, int count, float* const* planes);

 private:
  Spool(int fd, int channels, std::filesystem::path dir);
  core::Status WriteOut();

  int fd_ = -1;
  int channels_ = 1;
  std::filesystem::path dir_;
  std::int64_t samples_ = 0;
  std::vector<std::int16_t> buffer_;  // interleaved, written out when full
  std::size_t buffered_ = 0;          // values (samples × channels) in buffer_
  std::vector<std::int16_t> read_buffer_;
};

}  // namespace callbrief::audio::internal
