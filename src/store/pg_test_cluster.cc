#include "store/pg_test_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "store/internal/postgres_driver.h"

namespace callbrief::store::testing {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::Result;

constexpr int kStartAttempts = 4;  // A free port can be taken between choosing and binding it.

std::string Tail(const fs::path& log, size_t max_chars = 1500) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  return s.size() > max_chars ? s.substr(s.size() - max_chars) : s;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string RandomHex(int chars) {
  std::random_device device;
  std::string out;
  for (int i = 0; i < chars; ++i) out += "0123456789abcdef"[device() % 16];
  return out;
}

// The directory holding initdb and pg_ctl: $CALLBRIEF_PG_BINDIR, else the newest
// /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH), else PATH.
std::optional<fs::path> ServerBinDir() {
  if (const char* dir = std::getenv("CALLBRIEF_PG_BINDIR"); dir && *dir) return fs::path(dir);
  std::optional<fs::path> best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = entry.path() / "bin";
    }
  }
  if (best) return best;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (!dir.empty() && fs::exists(fs::path(dir) / "initdb")) return fs::path(dir);
    }
  }
  return std::nullopt;
}

// Who runs the server: nobody special, or (as root) the `postgres` system user.
struct ServerUser {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<ServerUser> FindServerUser() {
  if (geteuid() != 0) return ServerUser{};
  passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return Error::Config(
        "running as root, and initdb refuses root: create the `postgres` system user (Debian's "
        "postgresql package does) or run the tests as an unprivileged user");
  }
  return ServerUser{.switch_user = true, .uid = pw->pw_uid, .gid = pw->pw_gid};
}

std::string RunuserPath() {
  for (const char* path : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
    if (fs::exists(path)) return path;
  }
  return "runuser";
}

// Runs argv (as the server user), output appended to `log`; the exit status, -1 if it crashed.
int Run(const ServerUser& user, std::vector<std::string> argv, const fs::path& log) {
  if (user.switch_user) argv.insert(argv.begin(), {RunuserPath(), "-u", "postgres", "--"});
  std::vector<char*> args;  // Built before fork: the child only calls async-signal-safe functions.
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out, 1);
    dup2(out, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (out >= 0) close(out);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<PgClusterInfo> StartIn(const fs::path& dir, const fs::path& bin, const ServerUser& user) {
  PgClusterInfo info{.password = RandomHex(24), .dir = dir.string()};
  const fs::path pwfile = dir / "pwfile";
  { std::ofstream(pwfile) << info.password << "\n"; }
  if (user.switch_user && (chown(dir.c_str(), user.uid, user.gid) != 0 ||
                           chown(pwfile.c_str(), user.uid, user.gid) != 0)) {
    return Error::Permanent("cannot hand " + dir.string() + " to the postgres user");
  }
  const fs::path initdb_log = dir / "initdb.log";
  int initdb = Run(user,
                   {(bin / "initdb").string(), "-D", (dir / "data").string(), "-U", "postgres",
                    "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                    "--pwfile=" + pwfile.string(), "--no-sync"},
                   initdb_log);
  fs::remove(pwfile);
  if (initdb != 0) {
    return Error::Permanent(fmt::format("initdb exited with {}: {}", initdb, Tail(initdb_log)));
  }
  const fs::path server_log = dir / "server.log";
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    info.port = FreePort();
    std::string options = fmt::format(
        "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200",
        info.port, dir.string());
    int started = Run(user,
                      {(bin / "pg_ctl").string(), "-D", (dir / "data").string(), "-l",
                       server_log.string(), "-w", "-t", "60", "-o", options, "start"},
                      dir / "pg_ctl.log");
    if (started == 0) return info;
  }
  return Error::Permanent(fmt::format("pg_ctl start failed {} times; server log: {}",
                                      kStartAttempts, Tail(server_log)));
}

// Stops and removes the cluster when the test process ends, however it ends: a child shell
// blocks on a pipe whose only writer is this process.
void StartWatchdog(const PgClusterInfo& cluster, const fs::path& bin, const ServerUser& user) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  std::string stop =
      fmt::format("{} -D {}/data -m immediate -w stop", (bin / "pg_ctl").string(), cluster.dir);
  if (user.switch_user) stop = RunuserPath() + " -u postgres -- " + stop;
  std::string script =
      fmt::format("trap '' INT TERM HUP; read _; {} >/dev/null 2>&1; rm -rf {}", stop, cluster.dir);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    dup2(fds[0], 0);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  // fds[1] stays open (close-on-exec) until this process ends.
}

}  // namespace

std::string PgClusterInfo::Url(std::string_view database) const {
  return fmt::format("postgresql://postgres:{}@127.0.0.1:{}/{}", password, port, database);
}

Result<PgClusterInfo> StartPgCluster() {
  auto bin = ServerBinDir();
  if (!bin) {
    return Error::Config(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's `postgresql` "
        "package (scripts/setup does) or set CALLBRIEF_PG_BINDIR");
  }
  auto user = FindServerUser();
  if (!user) return user.error();
  std::string pattern = (fs::temp_directory_path() / "callbrief-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Error::Permanent("mkdtemp failed: " + pattern);
  auto started = StartIn(pattern, *bin, *user);
  if (!started) {
    std::error_code ec;
    fs::remove_all(pattern, ec);
    return Error::Permanent("starting a test PostgreSQL: " + started.error().message);
  }
  return started;
}

void StopPgCluster(const PgClusterInfo& cluster) {
  auto bin = ServerBinDir();
  auto user = FindServerUser();
  if (bin && user && fs::exists(fs::path(cluster.dir) / "data")) {
    Run(*user,
        {(*bin / "pg_ctl").string(), "-D", cluster.dir + "/data", "-m", "fast", "-w", "stop"},
        fs::path(cluster.dir) / "pg_ctl.log");
  }
  std::error_code ec;
  fs::remove_all(cluster.dir, ec);
}

core::Status SavePgClusterInfo(const Result<PgClusterInfo>& cluster, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (cluster) {
    out << "port=" << cluster->port << "\npassword=" << cluster->password
        << "\ndir=" << cluster->dir << "\n";
  } else {
    std::string reason = cluster.error().message;
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    out << "error=" << reason << "\n";
  }
  out.close();
  if (!out) return Error::Permanent("cannot write " + path);
  return core::Ok();
}

Result<PgClusterInfo> LoadPgClusterInfo(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::Config("no test PostgreSQL: " + path + " is missing");
  PgClusterInfo info;
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "error") return Error::Config(value);
    if (key == "port") info.port = std::atoi(value.c_str());
    if (key == "password") info.password = value;
    if (key == "dir") info.dir = value;
  }
  if (info.port == 0) return Error::Config("no test PostgreSQL: " + path + " names no port");
  return info;
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

Result<PgClusterInfo> SharedPgCluster() {
  if (const char* path = std::getenv(kPgClusterEnv); path && *path) {
    return LoadPgClusterInfo(path);
  }
  // Started once per process, stopped by the destructor of this static at exit.
  struct Own {
    std::optional<Result<PgClusterInfo>> cluster;
    ~Own() {
      if (cluster && cluster->ok()) StopPgCluster(**cluster);
    }
  };
  static std::mutex mutex;
  static Own own;
  std::lock_guard lock(mutex);
  if (!own.cluster) {
    own.cluster = StartPgCluster();
    if (own.cluster->ok()) {
      auto bin = ServerBinDir();
      auto user = FindServerUser();
      if (bin && user) StartWatchdog(**own.cluster, *bin, *user);
    }
  }
  return *own.cluster;
}

Result<std::unique_ptr<PgTestDatabase>> PgTestDatabase::Create() {
  auto cluster = SharedPgCluster();
  if (!cluster) return cluster.error();
  static std::atomic<int> counter{0};
  std::string name = fmt::format("cbtest_{}_{}_{}", getpid(), counter++, RandomHex(6));
  auto admin = internal::ConnectPostgres(cluster->Url("postgres"));
  // A linguistic collation, as production databases usually have (ru_RU.UTF-8, en_US.UTF-8), not
  // the cluster's C: text the store must order byte by byte then shows when it does not. ICU
  // (PostgreSQL 15+) needs no operating-system locale; without it, the cluster's default.
  core::Status created =
      admin.ok() ? (*admin)->Script("CREATE DATABASE " + name +
                                    " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'ru-RU'")
                 : core::Status(admin.error());
  if (admin.ok() && !created.ok()) created = (*admin)->Script("CREATE DATABASE " + name);
  if (!created.ok()) {
    return Error::Permanent("creating a test database: " + created.error().message);
  }
  return std::unique_ptr<PgTestDatabase>(new PgTestDatabase(*cluster, std::move(name)));
}

PgTestDatabase::PgTestDatabase(PgClusterInfo cluster, std::string name)
    : cluster_(std::move(cluster)), name_(std::move(name)), url_(cluster_.Url(name_)) {}

PgTestDatabase::~PgTestDatabase() {
  // When this fails the cluster is going away with everything in it anyway.
  if (auto admin = internal::ConnectPostgres(cluster_.Url("postgres")); admin.ok()) {
    (void)(*admin)->Script("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
}

}  // namespace callbrief::store::testing
