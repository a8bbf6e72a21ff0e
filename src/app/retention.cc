#include "app/retention.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace callbrief::app {
namespace {

namespace fs = std::filesystem;

bool IsCallId(const std::string& name) {
  return !name.empty() && name.size() <= 19 &&
         name.find_first_not_of("0123456789") == std::string::npos;
}

// The time a file was last written, from lstat (a link's own time, never its target's).
std::optional<core::TimePoint> WrittenAt(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return std::nullopt;
  return core::TimePoint(std::chrono::seconds(info.st_mtim.tv_sec) +
                         std::chrono::nanoseconds(info.st_mtim.tv_nsec));
}

// What is in one call directory: its files, their size, and when the newest was written.
struct CallFiles {
  std::int64_t files = 0;
  std::int64_t bytes = 0;
  core::TimePoint newest{};
};

CallFiles Inspect(const fs::path& directory) {
  CallFiles found;
  found.newest = WrittenAt(directory).value_or(core::TimePoint{});
  std::error_code ec;
  for (fs::recursive_directory_iterator it(directory, ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::path& path = it->path();
    auto written = WrittenAt(path);
    if (written && *written > found.newest) found.newest = *written;
    std::error_code size_error;
    if (it->is_regular_file(size_error)) {
      ++found.files;
      const auto size = it->file_size(size_error);
      if (!size_error) found.bytes += static_cast<std::int64_t>(size);
    }
  }
  return found;
}

// `<name>.part-XXXXXX`, net/internal/partial_file.cc's temporary name.
bool IsPartialDownload(const std::string& name) {
  const std::size_t at = name.rfind(".part-");
  return at != std::string::npos && name.size() - at == 12;
}

}  // namespace

core::Result<AudioSweep> PurgeAudio(const std::string& data_dir, core::TimePoint cutoff) {
  AudioSweep sweep;
  const fs::path calls = fs::path(data_dir) / "calls";
  std::error_code ec;
  if (!fs::exists(calls, ec)) return sweep;  // Nothing downloaded yet.
  fs::directory_iterator it(calls, ec);
  if (ec) {
    return core::Error::Permanent(
        fmt::format("DATA_DIR: cannot read {}: {}", calls.string(), ec.message()));
  }
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (!IsCallId(name) || !it->is_directory(type_error) || it->is_symlink(type_error)) continue;
    const CallFiles files = Inspect(it->path());
    if (files.newest >= cutoff) continue;
    std::error_code remove_error;
    fs::remove_all(it->path(), remove_error);
    if (remove_error) {
      ++sweep.errors;
      spdlog::warn("Retention: cannot delete {}: {}", it->path().string(), remove_error.message());
      continue;
    }
    ++sweep.calls;
    sweep.files += files.files;
    sweep.bytes += files.bytes;
  }
  if (ec) {
    return core::Error::Permanent(
        fmt::format("DATA_DIR: cannot read {}: {}", calls.string(), ec.message()));
  }
  return sweep;
}

core::Result<AudioSweep> RemoveCallAudio(const std::string& data_dir, std::int64_t call_id) {
  AudioSweep sweep;
  const fs::path directory = fs::path(data_dir) / "calls" / std::to_string(call_id);
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(directory, ec);
  if (ec || !fs::exists(status)) return sweep;  // Never downloaded, or deleted before.
  if (fs::is_directory(status)) {
    const CallFiles files = Inspect(directory);
    sweep.files = files.files;
    sweep.bytes = files.bytes;
  }
  fs::remove_all(directory, ec);  // A link itself, not what it points to.
  if (ec) {
    return core::Error::Permanent(
        fmt::format("DATA_DIR: cannot delete {}: {}", directory.string(), ec.message()));
  }
  sweep.calls = 1;
  return sweep;
}

AudioSweep RemovePartialDownloads(const std::string& data_dir, core::TimePoint cutoff) {
  AudioSweep sweep;
  const fs::path calls = fs::path(data_dir) / "calls";
  std::error_code ec;
  if (!fs::exists(calls, ec)) return sweep;
  for (fs::recursive_directory_iterator it(calls, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 1) continue;  // Downloads are written straight into DATA_DIR/calls/<id>/.
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (!IsPartialDownload(name) || !it->is_regular_file(type_error)) continue;
    auto written = WrittenAt(it->path());
    if (!written || *written >= cutoff) continue;
    std::error_code remove_error;
    const auto size = it->file_size(type_error);
    if (fs::remove(it->path(), remove_error)) {
      ++sweep.partial_downloads;
      if (!type_error) sweep.bytes += static_cast<std::int64_t>(size);
    } else if (remove_error) {
      ++sweep.errors;
      spdlog::warn("Cannot delete the partial download {}: {}", it->path().string(),
                   remove_error.message());
    }
  }
  return sweep;
}

std::optional<std::chrono::seconds> ParseAge(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  const char unit = text.back();
  text.remove_suffix(1);
  std::int64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count < 0) return std::nullopt;
  // Up to about 100 years in any unit, so the multiplication below cannot overflow.
  constexpr std::int64_t kMaxSeconds = 100ll * 366 * 86400;
  std::int64_t scale = 0;
  switch (unit) {
    case 'd':
      scale = 86400;
      break;
    case 'h':
      scale = 3600;
      break;
    case 'm':
      scale = 60;
      break;
    case 's':
      scale = 1;
      break;
    default:
      return std::nullopt;
  }
  if (count > kMaxSeconds / scale) return std::nullopt;
  return std::chrono::seconds(count * scale);
}

core::Result<DiskSpace> DataDirSpace(const std::string& data_dir) {
  struct statvfs info {};
  if (::statvfs(data_dir.c_str(), &info) != 0) {
    return core::Error::Permanent(fmt::format("DATA_DIR: cannot measure the disk of {}: {}",
                                              data_dir, std::generic_category().message(errno)));
  }
  const auto block = static_cast<std::int64_t>(info.f_frsize);
  return DiskSpace{.total_bytes = static_cast<std::int64_t>(info.f_blocks) * block,
                   .available_bytes = static_cast<std::int64_t>(info.f_bavail) * block};
}

AudioUsage MeasureAudio(const std::string& data_dir) {
  AudioUsage usage;
  const fs::path calls = fs::path(data_dir) / "calls";
  std::error_code ec;
  for (fs::directory_iterator it(calls, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_error;
    if (!IsCallId(it->path().filename().string()) || !it->is_directory(type_error)) continue;
    ++usage.calls;
    usage.bytes += Inspect(it->path()).bytes;
  }
  return usage;
}

std::string FormatBytes(std::int64_t bytes) {
  constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return value < 10 ? fmt::format("{:.1f} {}", value, kUnits[unit])
                    : fmt::format("{:.0f} {}", value, kUnits[unit]);
}

AudioSweep RetentionSweeper::SweepOnce() {
  const core::TimePoint now = clock_.Now();
  AudioSweep partial = RemovePartialDownloads(data_dir_, now - std::chrono::hours(1));
  if (partial.partial_downloads > 0) {
    spdlog::info("Deleted {} partial download(s) left by interrupted downloads",
                 partial.partial_downloads);
  }
  auto sweep = PurgeAudio(data_dir_, now - std::chrono::days(retain_days_));
  if (!sweep) {
    spdlog::error("❌ Retention: {}", sweep.error().message);
    return partial;
  }
  if (sweep->calls > 0) {
    spdlog::info(
        "🧹 Deleted the audio of {} call(s) older than {} days (RETAIN_AUDIO_DAYS): {} "
        "freed; transcripts and summaries are kept",
        sweep->calls, retain_days_, FormatBytes(sweep->bytes));
  }
  sweep->partial_downloads = partial.partial_downloads;
  return *sweep;
}

void RetentionSweeper::Run(std::chrono::seconds interval) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    SweepOnce();
    lock.lock();
    wake_.wait_for(lock, interval, [this] { return stopping_; });
  }
}

void RetentionSweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

int RunPurge(const std::string& data_dir, std::string_view age, const core::Clock& clock) {
  auto parsed = ParseAge(age);
  if (!parsed) {
    std::fprintf(stderr,
                 "callbrief: --audio-older-than: must be a whole number and a unit, such as 30d, "
                 "12h, 90m or 45s, got \"%s\"\n",
                 std::string(age.substr(0, 32)).c_str());
    return 2;
  }
  auto sweep = PurgeAudio(data_dir, clock.Now() - *parsed);
  if (!sweep) {
    std::fprintf(stderr, "callbrief: %s\n", sweep.error().message.c_str());
    return 1;
  }
  std::printf(
      "Deleted the audio of %d call(s) (%lld files, %s); transcripts and summaries are "
      "kept\n",
      sweep->calls, static_cast<long long>(sweep->files), FormatBytes(sweep->bytes).c_str());
  if (sweep->errors > 0) {
    std::fprintf(stderr, "callbrief: %d call directories could not be deleted (see the log)\n",
                 sweep->errors);
    return 1;
  }
  return 0;
}

}  // namespace callbrief::app
