#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace callbrief::http {

// The MIME type of a recording from its first bytes (WAV, MP3, Ogg, FLAC, MP4/M4A, WebM), or
// "application/octet-stream" when none matches.
std::string SniffAudioType(std::string_view head);

// A `Range: bytes=…` request header against a file of `size` bytes. Only single ranges are
// honoured; several ranges, other units or unreadable headers get the whole file, which HTTP
// allows.
struct RangeRequest {
  enum class Kind { kWhole, kPart, kUnsatisfiable };
  Kind kind = Kind::kWhole;
  std::uint64_t first = 0;  // Inclusive byte positions for kPart.
  std::uint64_t last = 0;
};
RangeRequest ParseRangeHeader(std::string_view header, std::uint64_t size);

// True when `path` (after resolving "..", symlinks) lies inside `directory`.
bool IsInsideDirectory(const std::filesystem::path& path, const std::filesystem::path& directory);

// Answers GET/HEAD for a recording file: 200 or 206 with Accept-Ranges, Content-Range and a
// body streamed from the file (sendfile), 416 for a range past the end. The caller has checked
// access and that `path` is allowed; a file that cannot be opened is 404.
void ServeRecording(const Request& req, Response& res, const std::filesystem::path& path);

}  // namespace callbrief::http
