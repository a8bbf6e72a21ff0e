#include "http/mhd_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdarg>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace callbrief::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNever = Clock::time_point::max();

// A fixed pool of handler threads fed from one queue.
class TaskPool {
 public:
  explicit TaskPool(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~TaskPool() { Shutdown(); }

  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

  // Runs what is queued, then joins the threads.
  void Shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// One request, from its request line to its answer.
struct RequestState {
  std::string raw_uri;
  bool head_read = false;
  bool refused = false;
  bool dispatched = false;
  bool body_too_large = false;  // The rest of the body is being dropped.
  Request req;
  std::optional<Response> answer;  // Set by the handler thread before it resumes the connection.
};

// One connection (libmicrohttpd's socket context). Guarded by Impl::connections_mutex_ where
// the watchdog reads it: deadline, in_request, timed_out.
struct ConnectionState {
  int fd = -1;
  Clock::time_point deadline = kNever;  // When the request being read must be complete.
  bool in_request = false;              // A request line arrived and no answer went out yet.
  bool timed_out = false;
  std::unique_ptr<RequestState> current;
};

std::string FormatAddress(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr == nullptr) return "";
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof(text));
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
              sizeof(text));
  }
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path of a request target: %XX decoded, '+' kept (it is a plus in a path).
std::string DecodePath(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

MHD_Result CollectHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<HeaderList*>(cls)->emplace_back(key ? key : "", value ? value : "");
  return MHD_YES;
}

// What the watchdog writes to a connection whose request ran out of time. libmicrohttpd has no
// way to answer a request it is still reading, and nothing else writes to the socket then.
constexpr std::string_view kTimeoutAnswer =
    "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\n"
    "Content-Length: 65\r\n\r\n"
    R"({"status":"error","error":"the request was not complete in time"})";
static_assert(kTimeoutAnswer.size() - kTimeoutAnswer.find("\r\n\r\n") - 4 == 65);

}  // namespace

class HttpEdge::Impl {
 public:
  Impl(EdgeOptions options, Handle handle, Refused refused, Inline runs_inline)
      : options_(std::move(options)),
        handle_(std::move(handle)),
        refused_(std::move(refused)),
        runs_inline_(std::move(runs_inline)) {}

  ~Impl() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  core::Status Bind();
  void Run();
  void Stop() {
    {
      std::lock_guard lock(stop_mutex_);
      stop_requested_ = true;
    }
    stop_cv_.notify_all();
  }
  int port() const { return port_; }

 private:
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char* version, const char* upload_data,
                              size_t* upload_data_size, void** con_cls);
  static void* OnUri(void* cls, const char* uri, MHD_Connection* connection);
  static void OnCompleted(void* cls, MHD_Connection* connection, void** con_cls,
                          MHD_RequestTerminationCode code);
  static void OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                           MHD_ConnectionNotificationCode code);
  static void OnLog(void* cls, const char* format, va_list args);

  MHD_Result ReadHead(MHD_Connection* connection, RequestState& state, const char* method,
                      const char* version);
  MHD_Result Refuse(MHD_Connection* connection, RequestState& state, Refusal refusal);
  MHD_Result Send(MHD_Connection* connection, Response& response, bool close);
  void Dispatch(MHD_Connection* connection, RequestState& state);
  void SetDeadline(MHD_Connection* connection, Clock::time_point deadline, bool in_request);
  void Watch();

  EdgeOptions options_;
  Handle handle_;
  Refused refused_;
  Inline runs_inline_;
  int listen_fd_ = -1;
  int port_ = 0;
  unsigned connection_limit_ = 1000;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;

  std::mutex connections_mutex_;
  std::unordered_set<ConnectionState*> connections_;

  // Requests handed to a handler and not yet answered; shutdown waits for them.
  std::mutex inflight_mutex_;
  std::condition_variable inflight_cv_;
  int inflight_ = 0;

  std::unique_ptr<TaskPool> pool_;
};

core::Status HttpEdge::Impl::Bind() {
  // Every open connection is a descriptor: allow as many as the system lets this process have,
  // so a crowd of idle clients cannot make accept() fail for the webhook.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur > 128) {
    connection_limit_ =
        static_cast<unsigned>(std::min<rlim_t>(files.rlim_cur - 64, 10000));  // DB, files, logs.
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(options_.port);
  const auto fail = [&] {
    return core::Error::Config(fmt::format(
        "cannot listen on {}:{} (in use, or not an address of this machine): check HOST and PORT",
        options_.host, options_.port));
  };
  if (getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found) != 0) return fail();
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
    } else {
      ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) return fail();
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length) != 0) return fail();
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return core::Ok();
}

void HttpEdge::Impl::Run() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stop_requested_ || listen_fd_ < 0) return;
  }
  pool_ = std::make_unique<TaskPool>(std::max(1, options_.handler_threads));
  // Two event loops (epoll) read and write every connection; more would only compete with the
  // handlers for the cores.
  const unsigned io_threads = std::clamp(std::thread::hardware_concurrency(), 1U, 2U);
  // Per connection: the request head and libmicrohttpd's bookkeeping. A head larger than our
  // 16 KiB limit still fits, so it is refused by CheckHead (431, counted); one that does not fit
  // is refused by the library itself (counted as "incomplete").
  constexpr size_t kConnectionMemory = 48 * 1024;
  MHD_Daemon* daemon = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_INTERNAL_POLLING_THREAD |
                                            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
                                        0, nullptr, nullptr, &Impl::OnRequest, this,  //
                                        MHD_OPTION_LISTEN_SOCKET, listen_fd_,         //
                                        MHD_OPTION_THREAD_POOL_SIZE, io_threads,      //
                                        MHD_OPTION_CONNECTION_TIMEOUT,
                                        static_cast<unsigned>(options_.limits.idle_timeout.count()),
                                        MHD_OPTION_CONNECTION_LIMIT, connection_limit_,           //
                                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,    //
                                        MHD_OPTION_NOTIFY_COMPLETED, &Impl::OnCompleted, this,    //
                                        MHD_OPTION_NOTIFY_CONNECTION, &Impl::OnConnection, this,  //
                                        MHD_OPTION_URI_LOG_CALLBACK, &Impl::OnUri, this,          //
                                        MHD_OPTION_EXTERNAL_LOGGER, &Impl::OnLog, this,           //
                                        MHD_OPTION_END);
  if (daemon == nullptr) {
    spdlog::error("❌ The HTTP server could not start (libmicrohttpd refused its options)");
    pool_->Shutdown();
    return;
  }
  std::thread watchdog([this] { Watch(); });
  {
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait(lock, [this] { return stop_requested_; });
  }
  // Stop accepting, let the requests being handled be answered, then close everything.
  MHD_socket listener = MHD_quiesce_daemon(daemon);
  if (listener != MHD_INVALID_SOCKET) {
    ::close(listener);
    listen_fd_ = -1;
  }
  {
    std::unique_lock lock(inflight_mutex_);
    inflight_cv_.wait_for(lock, options_.limits.request_deadline,
                          [this] { return inflight_ == 0; });
  }
  pool_->Shutdown();  // Whatever was still queued runs and resumes its connection.
  MHD_stop_daemon(daemon);
  watchdog.join();
}

void* HttpEdge::Impl::OnUri(void* cls, const char* uri, MHD_Connection* connection) {
  auto* self = static_cast<Impl*>(cls);
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  auto* conn = info ? static_cast<ConnectionState*>(info->socket_context) : nullptr;
  auto state = std::make_unique<RequestState>();
  state->raw_uri = uri ? uri : "";
  RequestState* raw = state.get();
  if (conn != nullptr) {
    std::lock_guard lock(self->connections_mutex_);
    conn->current = std::move(state);
    // The deadline runs from the connection's start (or the end of the previous request, plus
    // the idle allowance) — whichever is earlier than now + the deadline.
    conn->deadline =
        std::min(conn->deadline, Clock::now() + self->options_.limits.request_deadline);
    conn->in_request = true;
    return raw;
  }
  return state.release();  // No socket context (cannot happen): freed by OnCompleted.
}

void HttpEdge::Impl::OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                                  MHD_ConnectionNotificationCode code) {
  auto* self = static_cast<Impl*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    auto* conn = new ConnectionState();
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    conn->fd = info ? info->connect_fd : -1;
    conn->deadline = Clock::now() + self->options_.limits.request_deadline;
    *socket_context = conn;
    std::lock_guard lock(self->connections_mutex_);
    self->connections_.insert(conn);
    return;
  }
  auto* conn = static_cast<ConnectionState*>(*socket_context);
  if (conn == nullptr) return;
  bool incomplete = false;
  {
    // libmicrohttpd tells of the close before it closes the descriptor, so the watchdog (which
    // takes the same lock) never shuts down a descriptor that was reused.
    std::lock_guard lock(self->connections_mutex_);
    self->connections_.erase(conn);
    incomplete = conn->in_request && !conn->timed_out;
  }
  if (incomplete)
    self->refused_(Refusal::kIncomplete, conn->current ? conn->current->req : Request{});
  delete conn;
  *socket_context = nullptr;
}

void HttpEdge::Impl::OnCompleted(void* cls, MHD_Connection* connection, void** con_cls,
                                 MHD_RequestTerminationCode) {
  auto* self = static_cast<Impl*>(cls);
  auto* state = static_cast<RequestState*>(*con_cls);
  *con_cls = nullptr;
  if (state != nullptr && state->dispatched) {
    std::lock_guard lock(self->inflight_mutex_);
    --self->inflight_;
    self->inflight_cv_.notify_all();
  }
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  auto* conn = info ? static_cast<ConnectionState*>(info->socket_context) : nullptr;
  if (conn == nullptr) {
    delete state;
    return;
  }
  std::unique_ptr<RequestState> done;
  std::lock_guard lock(self->connections_mutex_);
  if (conn->current.get() == state) done = std::move(conn->current);
  conn->in_request = false;
  // The next request on this connection: at most the idle time until its first byte, then the
  // request deadline.
  conn->deadline =
      Clock::now() + self->options_.limits.idle_timeout + self->options_.limits.request_deadline;
}

void HttpEdge::Impl::OnLog(void*, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof(text), format, args);
  std::string_view line(text);
  while (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  spdlog::debug("libmicrohttpd: {}", line);
}

void HttpEdge::Impl::SetDeadline(MHD_Connection* connection, Clock::time_point deadline,
                                 bool in_request) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  auto* conn = info ? static_cast<ConnectionState*>(info->socket_context) : nullptr;
  if (conn == nullptr) return;
  std::lock_guard lock(connections_mutex_);
  conn->deadline = deadline;
  conn->in_request = in_request;
}

MHD_Result HttpEdge::Impl::OnRequest(void* cls, MHD_Connection* connection, const char* url,
                                     const char* method, const char* version,
                                     const char* upload_data, size_t* upload_data_size,
                                     void** con_cls) {
  auto* self = static_cast<Impl*>(cls);
  auto* state = static_cast<RequestState*>(*con_cls);
  if (state == nullptr) {  // No URI callback ran (cannot happen); refuse rather than guess.
    return MHD_NO;
  }
  if (!state->head_read) {
    if (state->raw_uri.empty() && url != nullptr) state->raw_uri = url;
    return self->ReadHead(connection, *state, method, version);
  }
  if (state->refused) {  // The answer is queued; what still arrives is dropped.
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    // libmicrohttpd can only answer once the body has ended (or before it began): a body that
    // outgrows the limit mid-way (chunked) is read to its end and dropped, within the request
    // deadline, then refused.
    if (state->body_too_large ||
        BodyTooLarge(state->req.body.size(), *upload_data_size, self->options_.limits)) {
      if (!state->body_too_large) std::string().swap(state->req.body);
      state->body_too_large = true;
    } else {
      state->req.body.append(upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (state->body_too_large) return self->Refuse(connection, *state, Refusal::kBodyTooLarge);
  if (state->answer) return self->Send(connection, *state->answer, false);
  if (state->dispatched) return MHD_YES;
  if (self->runs_inline_ && self->runs_inline_(state->req)) {
    self->SetDeadline(connection, kNever, true);
    Response response;
    self->handle_(state->req, response);
    return self->Send(connection, response, false);
  }
  self->Dispatch(connection, *state);
  return MHD_YES;
}

MHD_Result HttpEdge::Impl::ReadHead(MHD_Connection* connection, RequestState& state,
                                    const char* method, const char* version) {
  state.head_read = true;
  Request& req = state.req;
  req.method = method ? method : "";
  req.version = version ? version : "";
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectHeader, &req.headers);
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  req.remote_addr = FormatAddress(info ? info->client_addr : nullptr);
  const size_t query_at = state.raw_uri.find('?');
  req.path = DecodePath(std::string_view(state.raw_uri).substr(0, query_at));
  if (query_at != std::string::npos) {
    ParseUrlEncoded(std::string_view(state.raw_uri).substr(query_at + 1), req.params);
  }

  RequestHead head{.method = req.method};
  head.header_bytes = req.method.size() + state.raw_uri.size() + req.version.size() + 4;
  head.header_lines = req.headers.size();
  for (const auto& [key, value] : req.headers) {
    head.header_bytes += key.size() + value.size() + 4;
    if (HeaderNameEquals(key, "Content-Encoding")) head.content_encoding = value;
    if (HeaderNameEquals(key, "Transfer-Encoding")) head.transfer_encoding = value;
    if (HeaderNameEquals(key, "Content-Length")) {
      std::uint64_t length = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      // Unreadable lengths are the library's to refuse; it does not pass them on.
      if (ec == std::errc() && end == value.data() + value.size()) head.content_length = length;
    }
  }
  Refusal refusal = CheckHead(head, options_.limits);
  if (refusal != Refusal::kNone) return Refuse(connection, state, refusal);
  return MHD_YES;
}

MHD_Result HttpEdge::Impl::Refuse(MHD_Connection* connection, RequestState& state,
                                  Refusal refusal) {
  state.refused = true;
  SetDeadline(connection, kNever, false);
  Response answer = refused_(refusal, state.req);
  // The rest of the request is never read: the connection cannot be reused.
  return Send(connection, answer, true);
}

MHD_Result HttpEdge::Impl::Send(MHD_Connection* connection, Response& response, bool close) {
  MHD_Response* out = nullptr;
  if (response.file) {
    const std::uint64_t length = response.file->length();
    const std::uint64_t offset = response.file->offset();
    int fd = response.file->release();
    out = MHD_create_response_from_fd_at_offset64(length, fd, offset);  // Owns fd from now on.
    if (out == nullptr) ::close(fd);
  } else {
    out = MHD_create_response_from_buffer(response.body.size(), response.body.data(),
                                          MHD_RESPMEM_MUST_COPY);
  }
  if (out == nullptr) return MHD_NO;
  for (const auto& [key, value] : response.headers) {
    MHD_add_response_header(out, key.c_str(), value.c_str());
  }
  if (close) MHD_add_response_header(out, MHD_HTTP_HEADER_CONNECTION, "close");
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(response.status), out);
  MHD_destroy_response(out);
  return queued;
}

void HttpEdge::Impl::Dispatch(MHD_Connection* connection, RequestState& state) {
  state.dispatched = true;
  SetDeadline(connection, kNever, true);
  {
    std::lock_guard lock(inflight_mutex_);
    ++inflight_;
  }
  MHD_suspend_connection(connection);
  pool_->Post([this, connection, &state] {
    Response response;
    handle_(state.req, response);
    state.answer = std::move(response);
    // libmicrohttpd calls OnRequest again on its own thread, which queues the answer.
    MHD_resume_connection(connection);
  });
}

void HttpEdge::Impl::Watch() {
  for (;;) {
    {
      std::unique_lock lock(stop_mutex_);
      if (stop_cv_.wait_for(lock, std::chrono::milliseconds(250),
                            [this] { return stop_requested_; })) {
        return;
      }
    }
    int timed_out = 0;
    {
      std::lock_guard lock(connections_mutex_);
      const auto now = Clock::now();
      for (ConnectionState* conn : connections_) {
        if (conn->timed_out || conn->deadline > now || conn->fd < 0) continue;
        conn->timed_out = true;
        if (conn->in_request) {
          ::send(conn->fd, kTimeoutAnswer.data(), kTimeoutAnswer.size(),
                 MSG_NOSIGNAL | MSG_DONTWAIT);
          ++timed_out;
        }
        // The library sees the end of the stream and closes the connection.
        ::shutdown(conn->fd, SHUT_RDWR);
      }
    }
    for (int i = 0; i < timed_out; ++i) refused_(Refusal::kRequestTimeout, Request{});
  }
}

HttpEdge::HttpEdge(EdgeOptions options, Handle handle, Refused refused, Inline runs_inline)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handle), std::move(refused),
                                   std::move(runs_inline))) {}
HttpEdge::~HttpEdge() = default;
core::Status HttpEdge::Bind() { return impl_->Bind(); }
void HttpEdge::Run() { impl_->Run(); }
void HttpEdge::Stop() { impl_->Stop(); }
int HttpEdge::port() const { return impl_->port(); }

}  // namespace callbrief::http
