#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace callbrief::app {

// What a sweep of DATA_DIR/calls removed.
struct AudioSweep {
  int calls = 0;              // Call directories removed (recording and chunks).
  std::int64_t files = 0;     // Files in them.
  std::int64_t bytes = 0;     // Their size.
  int partial_downloads = 0;  // Leftover `*.part-XXXXXX` files of interrupted downloads.
  int errors = 0;             // Entries that could not be removed (logged one by one).
};

// Deletes the audio of every call whose files in DATA_DIR/calls/<id>/ were all last written
// before `cutoff`: the downloaded recording and the prepared chunks. The database (call,
// transcript, summary, costs) is not touched; the call page then says the recording is gone. Only
// directories named by a call id are looked at, and symbolic links are removed, never followed. A
// call whose stage is running has fresh files and is kept; one run again later downloads its
// recording again.
core::Result<AudioSweep> PurgeAudio(const std::string& data_dir, core::TimePoint cutoff);

// Deletes DATA_DIR/calls/<call_id>/ (recording, chunks, partial downloads) whatever its age: for
// a call erased on request. A symbolic link there is removed, never followed. Nothing to delete
// is not an error.
core::Result<AudioSweep> RemoveCallAudio(const std::string& data_dir, std::int64_t call_id);

// Removes the temporary files of downloads that never finished (a crash or a kill mid-download
// leaves `<file>.part-XXXXXX` beside the recording) last written before `cutoff`. `serve` calls it
// at start with cutoff = now, before its workers start, and the retention sweep with an hour's
// margin, so a download in flight (its file written every moment) is never touched.
AudioSweep RemovePartialDownloads(const std::string& data_dir, core::TimePoint cutoff);

// "30d", "12h", "90m", "45s" (a whole number and a unit) → the duration; nullopt for anything
// else. For `callbrief purge --audio-older-than`.
std::optional<std::chrono::seconds> ParseAge(std::string_view text);

// The space of the file system holding DATA_DIR.
struct DiskSpace {
  std::int64_t total_bytes = 0;
  std::int64_t available_bytes = 0;  // What an unprivileged process may still write.
  double FreePercent() const {
    return total_bytes > 0
               ? 100.0 * static_cast<double>(available_bytes) / static_cast<double>(total_bytes)
               : 0;
  }
};
core::Result<DiskSpace> DataDirSpace(const std::string& data_dir);
// The bytes and calls under DATA_DIR/calls (the recordings and chunks kept).
struct AudioUsage {
  int calls = 0;
  std::int64_t bytes = 0;
};
AudioUsage MeasureAudio(const std::string& data_dir);
// "1.5 GiB", "730 MiB", "12 KiB", "80 B".
std::string FormatBytes(std::int64_t bytes);

// `callbrief serve`'s RETAIN_AUDIO_DAYS: sweeps at start and then every `interval` until Stop().
class RetentionSweeper {
 public:
  RetentionSweeper(std::string data_dir, int retain_days, const core::Clock& clock)
      : data_dir_(std::move(data_dir)), retain_days_(retain_days), clock_(clock) {}
  void Run(std::chrono::seconds interval);
  void Stop();
  // One sweep: audio older than the retention, and partial downloads older than an hour.
  AudioSweep SweepOnce();

 private:
  std::string data_dir_;
  int retain_days_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

// `callbrief purge --audio-older-than AGE`: what PurgeAudio removed, printed; exit code.
int RunPurge(const std::string& data_dir, std::string_view age, const core::Clock& clock);

}  // namespace callbrief::app
