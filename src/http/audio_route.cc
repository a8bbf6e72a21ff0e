#include "http/audio_route.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace callbrief::http {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix, size_t at = 0) {
  return s.size() >= at + prefix.size() && s.substr(at, prefix.size()) == prefix;
}

bool ParseNumber(std::string_view s, std::uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SniffAudioType(std::string_view head) {
  if (StartsWith(head, "RIFF") && StartsWith(head, "WAVE", 8)) return "audio/wav";
  if (StartsWith(head, "ID3")) return "audio/mpeg";
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xff &&
      (static_cast<unsigned char>(head[1]) & 0xe0) == 0xe0) {
    return "audio/mpeg";
  }
  if (StartsWith(head, "OggS")) return "audio/ogg";
  if (StartsWith(head, "fLaC")) return "audio/flac";
  if (StartsWith(head, "ftyp", 4)) return "audio/mp4";
  if (StartsWith(head, "\x1a\x45\xdf\xa3")) return "audio/webm";
  return "application/octet-stream";
}

RangeRequest ParseRangeHeader(std::string_view header, std::uint64_t size) {
  header = Trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return {};
  std::string_view spec = Trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return {};
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  std::string_view a = Trim(spec.substr(0, dash)), b = Trim(spec.substr(dash + 1));
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {  // Suffix: the last N bytes.
    if (!ParseNumber(b, &last)) return {};
    if (last == 0 || size == 0) return {.kind = RangeRequest::Kind::kUnsatisfiable};
    std::uint64_t n = std::min(last, size);
    return {.kind = RangeRequest::Kind::kPart, .first = size - n, .last = size - 1};
  }
  if (!ParseNumber(a, &first)) return {};
  if (b.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!ParseNumber(b, &last) || last < first) {
    return {};
  }
  if (first >= size) return {.kind = RangeRequest::Kind::kUnsatisfiable};
  return {.kind = RangeRequest::Kind::kPart, .first = first, .last = std::min(last, size - 1)};
}

bool IsInsideDirectory(const std::filesystem::path& path, const std::filesystem::path& directory) {
  std::error_code ec;
  auto file = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  if (ec) return false;
  auto dir = std::filesystem::weakly_canonical(std::filesystem::absolute(directory, ec), ec);
  if (ec || dir.empty()) return false;
  auto [dir_end, file_it] = std::mismatch(dir.begin(), dir.end(), file.begin(), file.end());
  // Every component of the directory matched, and something follows it.
  return dir_end == dir.end() && file_it != file.end() && !file_it->empty();
}

void ServeRecording(const Request& req, Response& res, const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    res.status = 404;
    return;
  }
  FileBody file(fd, 0, 0);  // Closes the descriptor on every way out.
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    res.status = 404;
    return;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  char head[16] = {};
  const ssize_t got = ::pread(fd, head, sizeof(head), 0);
  const std::string type = SniffAudioType(std::string_view(head, got > 0 ? got : 0));

  res.set_header("Accept-Ranges", "bytes");
  // A conversation with a client: never kept by the browser's or any shared cache, so it is gone
  // from a shared computer after logout.
  res.set_header("Cache-Control", "no-store");
  RangeRequest range = ParseRangeHeader(req.get_header_value("Range"), size);
  if (range.kind == RangeRequest::Kind::kUnsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", fmt::format("bytes */{}", size));
    res.set_content("", "text/plain");
    return;
  }
  std::uint64_t first = 0, length = size;
  if (range.kind == RangeRequest::Kind::kPart) {
    first = range.first;
    length = range.last - range.first + 1;
    res.status = 206;
    res.set_header("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last, size));
  } else {
    res.status = 200;
  }
  res.set_header("Content-Type", type);
  res.file.emplace(file.release(), first, length);
}

}  // namespace callbrief::http
