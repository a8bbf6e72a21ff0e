#include "audio/internal/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>

#include <fmt/format.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace callbrief::audio::internal {
namespace {

// Values buffered before a write: 256 kB, a few hundred write calls per hour of stereo.
constexpr std::size_t kBufferValues = 128 * 1024;

std::string ErrnoText(int code) { return std::strerror(code); }

// An unlinked file in `dir`: O_TMPFILE when the file system supports it, else a named file that
// is removed at once.
int OpenUnlinked(const std::filesystem::path& dir, int& error) {
#ifdef O_TMPFILE
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    error = errno;
    return -1;
  }
#endif
  std::string name = (dir / "spool-XXXXXX").string();
  int fd2 = ::mkstemp(name.data());
  if (fd2 < 0) {
    error = errno;
    return -1;
  }
  ::unlink(name.c_str());
  ::fcntl(fd2, F_SETFD, FD_CLOEXEC);
  return fd2;
}

// Full scale is clipped; NaN becomes -32768, as in the vector path below.
std::int16_t ToPcm(float x) {
  const float y = x * 32768.0F;
  if (!(y > -32768.0F)) return -32768;
  if (y >= 32767.0F) return 32767;
  return static_cast<std::int16_t>(std::lrintf(y));
}

// Converts samples [from, to) of `planes` into interleaved 16-bit values at `out`. Eight at a
// time with SSE2 where there is one: the scalar loop took 3 % of the whole preparation (lrintf is
// a library call), the vector one is a rounding conversion and a saturating pack.
void Interleave(const float* const* planes, int channels, int from, int to, std::int16_t* out) {
  int k = from;
#ifdef __SSE2__
  const __m128 scale = _mm_set1_ps(32768.0F);
  const __m128 low = _mm_set1_ps(-32768.0F);
  const __m128 high = _mm_set1_ps(32767.0F);
  // max(v, low) is `low` for NaN; packs saturates to 16 bits.
  auto pcm8 = [&](const float* p) {
    const __m128 a = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(p), scale), low), high);
    const __m128 b = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(p + 4), scale), low), high);
    return _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b));
  };
  for (; k + 8 <= to; k += 8) {
    const __m128i left = pcm8(planes[0] + k);
    auto* dst = reinterpret_cast<__m128i*>(out + static_cast<std::ptrdiff_t>(k - from) * channels);
    if (channels == 1) {
      _mm_storeu_si128(dst, left);
    } else {
      const __m128i right = pcm8(planes[1] + k);
      _mm_storeu_si128(dst, _mm_unpacklo_epi16(left, right));
      _mm_storeu_si128(dst + 1, _mm_unpackhi_epi16(left, right));
    }
  }
#endif
  for (; k < to; ++k) {
    for (int c = 0; c < channels; ++c) {
      out[static_cast<std::ptrdiff_t>(k - from) * channels + c] = ToPcm(planes[c][k]);
    }
  }
}

}  // namespace

core::Result<std::unique_ptr<Spool>> Spool::Create(const std::filesystem::path& dir, int channels) {
  int error = 0;
  const int fd = OpenUnlinked(dir, error);
  if (fd < 0) {
    return core::Error::Transient(
        fmt::format("cannot create a temporary file in {}: {}", dir.string(), ErrnoText(error)));
  }
  return std::unique_ptr<Spool>(new Spool(fd, std::clamp(channels, 1, 2), dir));
}

Spool::Spool(int fd, int channels, std::filesystem::path dir)
    : fd_(fd), channels_(channels), dir_(std::move(dir)), buffer_(kBufferValues) {}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status Spool::Append(const float* const* planes, int count) {
  int i = 0;
  while (i < count) {
    const int room = static_cast<int>((buffer_.size() - buffered_) / channels_);
    const int take = std::min(room, count - i);
    Interleave(planes, channels_, i, i + take, buffer_.data() + buffered_);
    buffered_ += static_cast<std::size_t>(take) * channels_;
    i += take;
    if (buffered_ + channels_ > buffer_.size()) {
      if (core::Status written = WriteOut(); !written) return written;
    }
  }
  samples_ += count;
  return core::Ok();
}

core::Status Spool::WriteOut() {
  const auto* data = reinterpret_cast<const char*>(buffer_.data());
  std::size_t left = buffered_ * sizeof(std::int16_t);
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return core::Error::Transient(
          fmt::format("writing the decoded audio to a temporary file in {}: {}", dir_.string(),
                      ErrnoText(n < 0 ? errno : ENOSPC)));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  buffered_ = 0;
  return core::Ok();
}

core::Status Spool::Flush() { return WriteOut(); }

core::Status Spool::Read(std::int64_t from, int count, float* const* planes) {
  if (count <= 0) return core::Ok();
  if (from < 0 || from + count > samples_) {
    return core::Error::Transient(
        fmt::format("reading decoded audio past its end ({} + {} of {})", from, count, samples_));
  }
  const std::size_t values = static_cast<std::size_t>(count) * channels_;
  if (read_buffer_.size() < values) read_buffer_.resize(values);
  auto* data = reinterpret_cast<char*>(read_buffer_.data());
  std::size_t left = values * sizeof(std::int16_t);
  off_t offset = static_cast<off_t>(from) * channels_ * static_cast<off_t>(sizeof(std::int16_t));
  while (left > 0) {
    const ssize_t n = ::pread(fd_, data, left, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return core::Error::Transient(
          fmt::format("reading back the decoded audio from {}: {}", dir_.string(),
                      n < 0 ? ErrnoText(errno) : std::string("the file is shorter")));
    }
    data += n;
    offset += n;
    left -= static_cast<std::size_t>(n);
  }
  constexpr float kScale = 1.0F / 32768.0F;
  const std::int16_t* in = read_buffer_.data();
  if (channels_ == 1) {
    for (int k = 0; k < count; ++k) planes[0][k] = static_cast<float>(in[k]) * kScale;
  } else {
    for (int k = 0; k < count; ++k) {
      planes[0][k] = static_cast<float>(in[2 * k]) * kScale;
      planes[1][k] = static_cast<float>(in[2 * k + 1]) * kScale;
    }
  }
  return core::Ok();
}

}  // namespace callbrief::audio::internal
