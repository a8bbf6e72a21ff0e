#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "support/temp_dir.h"

namespace callbrief::testing {

// Environment variables by name.
using EnvVars = std::map<std::string, std::string>;

// How a child process ended.
struct ExitStatus {
  int code = -1;   // The exit code if the process exited, else -1.
  int signal = 0;  // The signal that ended the process, else 0.

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;
};

inline ExitStatus ExitedWith(int code) { return {.code = code}; }
inline ExitStatus KilledBy(int signal) { return {.signal = signal}; }
std::ostream& operator<<(std::ostream& os, const ExitStatus& status);

// A TCP port on 127.0.0.1 that was free a moment ago: bound to port 0, read back, closed.
int FindFreePort();

// The lines of `text` without their line breaks; a final line break does not start a new line.
std::vector<std::string> SplitLines(std::string_view text);

// The real `callbrief` binary run as a child process, for black-box tests.
//
// Each instance owns a fresh temporary directory. The binary runs in `work_dir()`, so a `.env`
// and `data/` there belong to this test alone; its stdout and stderr are appended to two files
// beside it that outlive restarts. The child's environment is exactly PATH, HOST=127.0.0.1, PORT
// (a free port chosen once per instance) and the variables given here, which win over HOST and
// PORT; ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS pass through for sanitizer builds.
//
// The child is killed if the thread that started it ends, so a crashed or timed-out test leaves
// nothing running. Use an instance from one thread only (the test's main thread).
class ServiceProcess {
 public:
  // A bound on a broken start, not a measurement: a healthy service answers /healthz within a
  // second or two. ThreadSanitizer's runtime makes a start several times slower (measured 7.8 s to
  // the first /healthz at load 17, against 1.5 s for the release binary), so it gets more room.
#if defined(__SANITIZE_THREAD__)
  static constexpr std::chrono::seconds kStartDeadline{40};
#else
  static constexpr std::chrono::seconds kStartDeadline{10};
#endif
  static constexpr std::chrono::seconds kExitDeadline{10};

  explicit ServiceProcess(EnvVars env);
  // Lets a test write `ServiceProcess service({{"NAME", "value"}})`.
  explicit ServiceProcess(std::initializer_list<EnvVars::value_type> env = {})
      : ServiceProcess(EnvVars(env)) {}
  // Kills a still running child (SIGKILL), prints the captured output if the test has failed and
  // removes the directory.
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Runs `callbrief serve` and waits until GET /healthz answers 200. Fails, with the captured
  // output, if the process ends first or does not answer within kStartDeadline.
  ::testing::AssertionResult Start();
  // Runs `callbrief serve` again in the same directory on the same port; the previous run must
  // have ended (Kill, Terminate).
  ::testing::AssertionResult Restart();
  // Runs `callbrief <args>` in the work directory and waits for it to end; nullopt if it was
  // still running after kExitDeadline (it is then killed). No other run may be in progress.
  std::optional<ExitStatus> RunToExit(const std::vector<std::string>& args);

  // Sends `signal` to the running service and waits for it to end; nullopt if it was still
  // running after kExitDeadline (it is then killed with SIGKILL).
  std::optional<ExitStatus> Kill(int signal);
  // Kill(SIGTERM): the way an operator or systemd stops the service.
  std::optional<ExitStatus> Terminate();
  bool running() const { return pid_ > 0; }
  // The running child's process id (for reading /proc), or -1.
  pid_t pid() const { return pid_; }

  // Writes `contents` to `relative_path` in the work directory (e.g. ".env").
  void WriteFile(const std::string& relative_path, std::string_view contents) const;
  const std::filesystem::path& work_dir() const { return work_dir_; }
  // Where the default configuration (DATABASE_URL=sqlite://data/callbrief.db) keeps the database.
  std::filesystem::path DatabasePath() const { return work_dir_ / "data" / "callbrief.db"; }
  int port() const { return port_; }
  // A client for the service's port with bounded timeouts and TCP_NODELAY, like curl. Keep-alive
  // is off unless the test turns it on.
  httplib::Client Client() const;

  // Everything the child processes wrote so far.
  std::string Stdout() const;
  std::string Stderr() const;
  // Stdout() followed by Stderr(), for "never appears anywhere" checks and failure messages.
  std::string Log() const;

 private:
  void Spawn(const std::vector<std::string>& args);
  std::optional<ExitStatus> WaitForExit(std::chrono::steady_clock::duration deadline);
  ::testing::AssertionResult WaitUntilHealthy();
  ::testing::AssertionResult Failure(std::string_view what) const;

  TempDir root_;
  std::filesystem::path work_dir_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
  EnvVars env_;
  bool port_is_ours_ = true;  // False when the test chose PORT itself.
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace callbrief::testing
