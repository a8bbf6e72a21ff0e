// callbrief-audio: prepares one recording (audio::PrepareRecording) in a process of its own, so the
// service never loads FFmpeg and a recording that crashes or exhausts the decoder takes down only
// this process. Started by audio::PrepareRecordingInChildProcess; not meant to be run by hand.
//   callbrief-audio REQUEST_JSON   → the answer (JSON) on standard output, log lines on standard
//                                    error; exit 0 with an answer (which may be an error),
//                                    2 when the request is not understood.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "audio/internal/wire.h"
#include "audio/prepare.h"
#include "core/log.h"

namespace {

using callbrief::audio::internal::HelperRequest;

// The sanitizer builds reserve terabytes of address space for their shadow memory: a limit on
// the address space would stop them before main().
constexpr bool kCanLimitAddressSpace =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    false;
#else
    true;
#endif

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t wrote = ::write(fd, text.data(), text.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(wrote));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs(
        "callbrief-audio prepares a recording for callbrief, which starts it; it is not run by "
        "hand\n",
        stderr);
    return 2;
  }
  auto request = callbrief::audio::internal::RequestFromJson(argv[1]);
  if (!request.ok()) {
    std::fprintf(stderr, "callbrief-audio: %s\n", request.error().message.c_str());
    return 2;
  }
  // Dies with the service: a helper left running after a restart would write chunks into a
  // directory the next claim of the call is cleaning.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != request->parent_pid) return 3;

  callbrief::core::InitLogging(request->log_format, request->log_level,
                               callbrief::core::MakeLineSink(request->log_format, stderr));
  callbrief::core::CallLogScope call(request->call_id);
  if (kCanLimitAddressSpace && request->max_memory_bytes > 0) {
    const auto limit = static_cast<rlim_t>(request->max_memory_bytes);
    const rlimit address_space{.rlim_cur = limit, .rlim_max = limit};
    if (::setrlimit(RLIMIT_AS, &address_space) != 0) {
      spdlog::warn("callbrief-audio could not limit its memory to {} MiB ({}); decoding anyway",
                   request->max_memory_bytes >> 20, std::strerror(errno));
    }
  }
  const auto prepared = callbrief::audio::PrepareRecording(request->recording, request->options);
  return WriteAll(STDOUT_FILENO, callbrief::audio::internal::AnswerToJson(prepared)) ? 0 : 1;
}
