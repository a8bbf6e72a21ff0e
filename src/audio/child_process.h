#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "audio/prepare.h"
#include "core/config.h"
#include "core/result.h"

namespace callbrief::audio {

// Where and how the audio helper program runs.
struct HelperOptions {
  // The callbrief-audio program; installed next to callbrief (HelperNextToThisProgram()).
  std::filesystem::path program = {};
  // Killed when it takes longer (a one-hour call takes ~15 s of one core; the cap is for a decoder
  // that loops on a damaged file).
  std::chrono::seconds deadline = std::chrono::minutes(20);
  // Address-space limit the helper puts on itself: a recording crafted to make the decoder
  // allocate fails there instead of taking the service's memory. 0 = none (the sanitizer builds
  // reserve terabytes of address space and cannot run under a limit).
  std::int64_t max_memory_bytes = std::int64_t{1} << 30;
  core::LogFormat log_format = core::LogFormat::kText;
  std::string log_level = "info";
};

// The path of callbrief-audio beside the running program (/proc/self/exe's directory).
std::filesystem::path HelperNextToThisProgram();

// Starts the helper with a request it must refuse (it then exits 2): proves that it is installed,
// executable and that its shared libraries (FFmpeg's) load, without touching a recording. For
// `callbrief doctor`. kConfig, saying what to install, when it does not.
core::Status CheckHelperStarts(const std::filesystem::path& program);

// PrepareRecording, run in a child process (callbrief-audio) instead of this one. FFmpeg's
// libraries and their ~140 dependencies are then never loaded into the service (its idle memory
// stays ~20 MiB instead of ~37), and a recording that crashes the decoder or makes it allocate
// without end takes down only the child: the call fails with a message saying so, the service
// goes on. The chunks and the report are exactly what PrepareRecording returns in-process.
//
// Errors: those of PrepareRecording, as the helper returned them; kConfig when the helper cannot
// be started (missing, not executable) or does not understand the request (another build);
// kTransient when it was killed from outside or ran past the deadline; kPermanent when it
// crashed (a signal such as SIGSEGV or SIGABRT: the recording is damaged or hostile, or needed
// more than max_memory_bytes) or exited without an answer.
core::Result<PreparedAudio> PrepareRecordingInChildProcess(const std::filesystem::path& recording,
                                                           const PrepareOptions& options,
                                                           const HelperOptions& helper);

}  // namespace callbrief::audio
