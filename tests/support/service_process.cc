#include "support/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef CALLBRIEF_BINARY
#error "CALLBRIEF_BINARY must name the callbrief executable (see tests/support/CMakeLists.txt)"
#endif

namespace callbrief::testing {
namespace {

using std::chrono::steady_clock;

constexpr std::chrono::milliseconds kPollInterval{5};
constexpr std::chrono::milliseconds kHealthPollInterval{10};
constexpr size_t kLogTailBytes = 16 * 1024;
constexpr int kStartAttempts = 3;
constexpr const char* kPassedThrough[] = {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                                          "TSAN_OPTIONS"};

ExitStatus FromWaitStatus(int status) {
  if (WIFEXITED(status)) return ExitedWith(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return KilledBy(WTERMSIG(status));
  return {};
}

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Tail(const std::string& text) {
  if (text.size() <= kLogTailBytes) return text;
  return "[… " + std::to_string(text.size() - kLogTailBytes) + " bytes before this …]\n" +
         text.substr(text.size() - kLogTailBytes);
}

// Null-terminated pointers into `strings`, for execve().
std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void CloseDescriptorsFrom(int first) {
  if (close_range(static_cast<unsigned>(first), ~0U, 0) == 0) return;
  for (int fd = first; fd < 4096; ++fd) close(fd);
}

void WriteError(const char* message) {
  ssize_t ignored = write(STDERR_FILENO, message, strlen(message));
  (void)ignored;
}

// Runs in the forked child of a possibly multi-threaded parent: async-signal-safe calls only.
[[noreturn]] void ExecChild(pid_t parent, const char* work_dir, const char* stdout_path,
                            const char* stderr_path, char* const argv[], char* const envp[]) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // The parent died before prctl took effect.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  for (int signal : {SIGPIPE, SIGTERM, SIGINT}) sigaction(signal, &default_action, nullptr);

  int in = open("/dev/null", O_RDONLY);
  int out = open(stdout_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int err = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || out < 0 || err < 0) _exit(127);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(err, STDERR_FILENO);
  CloseDescriptorsFrom(3);  // Sockets of the test's HTTP clients must not leak into the service.
  if (chdir(work_dir) != 0) {
    WriteError("service_process: chdir to the work directory failed\n");
    _exit(127);
  }
  execve(argv[0], argv, envp);
  WriteError("service_process: execve of the callbrief binary failed\n");
  _exit(127);
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ExitStatus& status) {
  if (status.signal != 0) return os << "killed by signal " << status.signal;
  return os << "exit status " << status.code;
}

int FindFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) throw std::runtime_error("could not bind 127.0.0.1:0 to find a free port");
  return ntohs(addr.sin_port);
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    lines.emplace_back(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  }
  return lines;
}

namespace {

// The port a test chose with PORT, or 0 when it is not a number (a test of the service refusing
// an invalid PORT, which never connects).
int PortNumberOf(const std::string& text) {
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() ? port : 0;
}

}  // namespace

ServiceProcess::ServiceProcess(EnvVars env)
    : work_dir_(root_.path() / "work"),
      stdout_path_(root_.path() / "stdout.log"),
      stderr_path_(root_.path() / "stderr.log"),
      env_(std::move(env)),
      port_is_ours_(!env_.contains("PORT")),
      port_(env_.contains("PORT") ? PortNumberOf(env_.at("PORT")) : FindFreePort()) {
  std::filesystem::create_directory(work_dir_);
}

ServiceProcess::~ServiceProcess() {
  if (running()) Kill(SIGKILL);
  if (::testing::Test::HasFailure()) {
    std::cerr << "--- callbrief stdout (" << stdout_path_.string() << ") ---\n"
              << Tail(Stdout()) << "--- callbrief stderr ---\n"
              << Tail(Stderr()) << "--- end of callbrief output ---\n";
  }
}

::testing::AssertionResult ServiceProcess::Start() {
  if (running()) return Failure("Start(): the service is already running");
  for (int attempt = 1;; ++attempt) {
    Spawn({"serve"});
    ::testing::AssertionResult healthy = WaitUntilHealthy();
    // Another process may have taken the free port since it was chosen: choose again.
    bool port_taken = !healthy && !running() && Stderr().find("cannot listen") != std::string::npos;
    if (!port_taken || !port_is_ours_ || attempt == kStartAttempts) return healthy;
    port_ = FindFreePort();
  }
}

::testing::AssertionResult ServiceProcess::Restart() {
  if (running()) return Failure("Restart(): the previous run has not ended");
  Spawn({"serve"});
  return WaitUntilHealthy();
}

std::optional<ExitStatus> ServiceProcess::RunToExit(const std::vector<std::string>& args) {
  if (running()) {
    ADD_FAILURE() << "RunToExit(): the service is still running";
    return std::nullopt;
  }
  Spawn(args);
  auto status = WaitForExit(kExitDeadline);
  if (!status) Kill(SIGKILL);
  return status;
}

std::optional<ExitStatus> ServiceProcess::Kill(int signal) {
  if (!running()) {
    ADD_FAILURE() << "Kill(" << signal << "): the service is not running";
    return std::nullopt;
  }
  ::kill(pid_, signal);
  auto status = WaitForExit(kExitDeadline);
  if (!status && running()) {
    ::kill(pid_, SIGKILL);
    WaitForExit(kExitDeadline);
  }
  return status;
}

std::optional<ExitStatus> ServiceProcess::Terminate() { return Kill(SIGTERM); }

void ServiceProcess::WriteFile(const std::string& relative_path, std::string_view contents) const {
  std::filesystem::path path = work_dir_ / relative_path;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

httplib::Client ServiceProcess::Client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_tcp_nodelay(true);  // As curl does; otherwise Nagle adds ~40 ms to some requests.
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  return client;
}

std::string ServiceProcess::Stdout() const { return ReadWholeFile(stdout_path_); }

std::string ServiceProcess::Stderr() const { return ReadWholeFile(stderr_path_); }

std::string ServiceProcess::Log() const { return Stdout() + Stderr(); }

void ServiceProcess::Spawn(const std::vector<std::string>& args) {
  EnvVars env = {{"HOST", "127.0.0.1"}, {"PORT", std::to_string(port_)}};
  for (const char* name : kPassedThrough) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  for (const auto& [name, value] : env_) env[name] = value;

  // Everything the child needs is prepared before fork(): the child may not allocate.
  std::vector<std::string> argv_strings = {CALLBRIEF_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);
  std::string work_dir = work_dir_.string();
  std::string stdout_path = stdout_path_.string();
  std::string stderr_path = stderr_path_.string();
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork() failed: ") + std::strerror(errno));
  if (pid == 0) {
    ExecChild(parent, work_dir.c_str(), stdout_path.c_str(), stderr_path.c_str(), argv.data(),
              envp.data());
  }
  pid_ = pid;
}

std::optional<ExitStatus> ServiceProcess::WaitForExit(steady_clock::duration deadline) {
  const auto until = steady_clock::now() + deadline;
  while (running()) {
    int status = 0;
    pid_t waited = waitpid(pid_, &status, WNOHANG);
    if (waited == pid_) {
      pid_ = -1;
      return FromWaitStatus(status);
    }
    if (waited < 0 && errno != EINTR) {
      pid_ = -1;  // Not our child any more; nothing left to wait for.
      return std::nullopt;
    }
    if (steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  return std::nullopt;
}

::testing::AssertionResult ServiceProcess::WaitUntilHealthy() {
  const auto until = steady_clock::now() + kStartDeadline;
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(0, 200'000);
  client.set_read_timeout(2, 0);
  while (true) {
    if (auto ended = WaitForExit(std::chrono::seconds(0))) {
      std::ostringstream what;
      what << "callbrief serve ended with " << *ended << " before /healthz answered";
      return Failure(what.str());
    }
    if (auto res = client.Get("/healthz"); res && res->status == 200) {
      return ::testing::AssertionSuccess();
    }
    if (steady_clock::now() >= until) {
      Kill(SIGKILL);
      return Failure("GET /healthz did not answer 200 within the start deadline");
    }
    std::this_thread::sleep_for(kHealthPollInterval);
  }
}

::testing::AssertionResult ServiceProcess::Failure(std::string_view what) const {
  return ::testing::AssertionFailure()
         << what << " (port " << port_ << ", work dir " << work_dir_.string() << ")\n"
         << "--- stdout ---\n"
         << Tail(Stdout()) << "--- stderr ---\n"
         << Tail(Stderr()) << "--- end ---";
}

}  // namespace callbrief::testing
