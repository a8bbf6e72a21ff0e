#include "audio/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "audio/internal/wire.h"
#include "core/log.h"

extern char** environ;

namespace callbrief::audio {
namespace {

// A one-hour stereo call answers ~10 KB; anything near this is not an answer.
constexpr std::size_t kMaxAnswerBytes = 16 * 1024 * 1024;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor() { Close(); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string SignalName(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation != nullptr ? fmt::format("SIG{}", abbreviation)
                                 : fmt::format("signal {}", signal);
}

// Waits for the child to end; its wait status, or -1 when waiting itself failed.
int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

// Reads the child's standard output to its end, until `deadline`. False on timeout or when more
// than kMaxAnswerBytes arrive.
bool ReadAnswer(int fd, std::chrono::steady_clock::time_point deadline, std::string& answer,
                std::string& problem) {
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      problem = "ran past its deadline";
      return false;
    }
    pollfd readable{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(
        &readable, 1, static_cast<int>(std::min<std::int64_t>(left.count(), std::int64_t{60'000})));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      problem = fmt::format("could not be read from ({})", std::strerror(errno));
      return false;
    }
    if (ready == 0) continue;
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      problem = fmt::format("could not be read from ({})", std::strerror(errno));
      return false;
    }
    if (got == 0) return true;
    if (answer.size() + static_cast<std::size_t>(got) > kMaxAnswerBytes) {
      problem = fmt::format("wrote more than {} MiB of answer", kMaxAnswerBytes >> 20);
      return false;
    }
    answer.append(buffer, static_cast<std::size_t>(got));
  }
}

constexpr std::string_view kInstallHint =
    "install callbrief-audio next to the callbrief program (docs/deployment.md)";

}  // namespace

core::Status CheckHelperStarts(const std::filesystem::path& program) {
  const std::string path = program.string();
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  char refused_request[] = R"({"version":0})";
  char* argv[] = {const_cast<char*>(path.c_str()), refused_request, nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return core::Error::Config(
        fmt::format("{} cannot be started ({}): {}", path, std::strerror(spawned), kInstallHint));
  }
  const int status = Reap(pid);
  if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 2) return core::Ok();
  // 127: the dynamic loader could not find a library (it also prints which, to standard error).
  return core::Error::Config(fmt::format(
      "{} starts but does not run (exit status {}): a shared library it needs is missing — run "
      "it by hand to see which, and install the packages docs/deployment.md lists",
      path, status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1));
}

std::filesystem::path HelperNextToThisProgram() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : self.parent_path()) / "callbrief-audio";
}

core::Result<PreparedAudio> PrepareRecordingInChildProcess(const std::filesystem::path& recording,
                                                           const PrepareOptions& options,
                                                           const HelperOptions& helper) {
  const std::string request = internal::RequestToJson({
      .recording = recording,
      .options = options,
      .max_memory_bytes = helper.max_memory_bytes,
      .log_format = helper.log_format,
      .log_level = helper.log_level,
      .call_id = std::string(core::CurrentLogCallId()),
      .parent_pid = ::getpid(),
  });
  const std::string program = helper.program.string();
  const std::string what = fmt::format("preparing {} in {}", recording.string(), program);

  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) {
    return core::Error::Transient(fmt::format("{}: no pipe ({})", what, std::strerror(errno)));
  }
  FileDescriptor read_end(pipe_ends[0]);
  FileDescriptor write_end(pipe_ends[1]);

  // The child gets /dev/null as input, the pipe as output, the service's standard error for its
  // log lines, and no other descriptor of the service (sockets, database files).
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(request.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return core::Error::Config(fmt::format("{}: the audio helper cannot be started ({}); {}", what,
                                           std::strerror(spawned), kInstallHint));
  }
  write_end.Close();  // the child's copy stays open: end of file means the child closed it

  std::string answer;
  std::string problem;
  const bool complete = ReadAnswer(
      read_end.get(), std::chrono::steady_clock::now() + helper.deadline, answer, problem);
  if (!complete) ::kill(pid, SIGKILL);
  const int status = Reap(pid);
  if (!complete) {
    return core::Error::Transient(
        fmt::format("{}: the audio helper {} and was stopped", what, problem));
  }
  if (status < 0) {
    return core::Error::Transient(
        fmt::format("{}: waiting for the audio helper failed ({})", what, std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGKILL || signal == SIGTERM || signal == SIGINT) {
      return core::Error::Transient(
          fmt::format("{}: the audio helper was stopped by {}", what, SignalName(signal)));
    }
    return core::Error::Permanent(fmt::format(
        "{}: the audio decoder crashed ({}) — the recording is damaged or made to crash decoders, "
        "or needed more than {} MiB; the service itself is unaffected",
        what, SignalName(signal), helper.max_memory_bytes >> 20));
  }
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (exit_code == 2) {
    return core::Error::Config(fmt::format(
        "{}: the audio helper refused the request: callbrief and callbrief-audio come from "
        "different builds; install both from the same one",
        what));
  }
  if (exit_code != 0) {
    return core::Error::Permanent(fmt::format(
        "{}: the audio helper exited with status {} without an answer", what, exit_code));
  }
  return internal::AnswerFromJson(answer);
}

}  // namespace callbrief::audio
