#include "net/internal/curl_transfer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <system_error>

#include "core/redact.h"

namespace callbrief::net::internal {
namespace {

// curl_global_init is not thread-safe and must run before the first handle; a function-local
// static runs it exactly once. curl_global_cleanup is never called: handles may live until exit.
void EnsureCurlInitialized() {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;  // A failure shows up as curl_easy_init returning nullptr.
}

std::string_view TrimView(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "HTTP/1.1 204 No Content" or "HTTP/2 200" → the status, 0 if unreadable.
int ParseStatusLine(std::string_view line) {
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos || line.size() < space + 4) return 0;
  int status = 0;
  for (char c : line.substr(space + 1, 3)) {
    if (c < '0' || c > '9') return 0;
    status = status * 10 + (c - '0');
  }
  return status;
}

// Whether the transfer goes on after a hook returned `status`; keeps the error if not.
bool Continue(ResponseSink& sink, core::Status status) {
  if (status.ok()) return true;
  sink.stopped_by = status.error();
  return false;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<ResponseSink*>(user);
  const size_t total = size * count;
  std::string_view line(data, total);
  if (line.starts_with("HTTP/")) {  // A new response: a redirect's, or the one after a 1xx.
    sink.status = ParseStatusLine(line);
    sink.headers.clear();
    sink.headers_done = false;
    return total;
  }
  if (TrimView(line).empty()) {
    if (sink.headers_done || sink.status < 200) return total;
    sink.headers_done = true;
    return Continue(sink, sink.on_headers ? sink.on_headers(sink) : core::Ok()) ? total : 0;
  }
  if ((line.front() == ' ' || line.front() == '\t') && !sink.headers.empty()) {
    sink.headers.back().second += " " + std::string(TrimView(line));  // obs-fold continuation
    return total;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return total;
  sink.headers.emplace_back(Lower(TrimView(line.substr(0, colon))),
                            std::string(TrimView(line.substr(colon + 1))));
  return total;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<ResponseSink*>(user);
  const size_t total = size * count;
  sink.body_bytes += total;
  if (!sink.on_body) return total;
  return Continue(sink, sink.on_body(std::string_view(data, total))) ? total : 0;
}

// A plain account of what went wrong, for people reading the message; libcurl's own detail
// follows it.
std::string_view Explain(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out";
    case CURLE_COULDNT_CONNECT:
      return "could not connect";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "could not resolve the host";
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "could not resolve the proxy";
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without answering";
    case CURLE_SEND_ERROR:
      return "the connection broke while sending";
    case CURLE_RECV_ERROR:
      return "the connection broke while receiving";
    case CURLE_PARTIAL_FILE:
      return "the response body was cut short";
    case CURLE_SSL_CONNECT_ERROR:
      return "the TLS handshake failed";
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's TLS certificate is not trusted";
    default:
      return curl_easy_strerror(code);
  }
}

bool IsPermanent(CURLcode code) {
  return code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
         code == CURLE_BAD_FUNCTION_ARGUMENT || code == CURLE_NOT_BUILT_IN;
}

}  // namespace

HandlePool::HandlePool(std::size_t max_idle) : max_idle_(max_idle) {
  EnsureCurlInitialized();
  share_ = curl_share_init();
  if (share_ != nullptr) {
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &HandlePool::LockShared);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HandlePool::UnlockShared);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

HandlePool::~HandlePool() {
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  if (share_ != nullptr) curl_share_cleanup(share_);
}

void HandlePool::LockShared(CURL*, curl_lock_data data, curl_lock_access, void* pool) {
  static_cast<HandlePool*>(pool)->share_locks_[data].lock();
}

void HandlePool::UnlockShared(CURL*, curl_lock_data data, void* pool) {
  static_cast<HandlePool*>(pool)->share_locks_[data].unlock();
}

HandlePool::Lease HandlePool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      CURL* easy = idle_.back();
      idle_.pop_back();
      return Lease(this, easy);
    }
  }
  CURL* easy = curl_easy_init();
  if (easy != nullptr && share_ != nullptr) curl_easy_setopt(easy, CURLOPT_SHARE, share_);
  return Lease(this, easy);
}

void HandlePool::Release(CURL* easy) {
  // Reset forgets the options of the last transfer but keeps live connections and the share.
  curl_easy_reset(easy);
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(easy);
      return;
    }
  }
  curl_easy_cleanup(easy);
}

HeaderList MakeHeaderList(const Headers& headers) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    // "Name;" is libcurl's way to send a header with an empty value ("Name:" would remove it).
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown == nullptr) break;
    list = grown;
  }
  return HeaderList(list);
}

CURLcode ConfigureTransfer(CURL* easy, const TransferSetup& setup) {
  CURLcode result = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (result == CURLE_OK) result = curl_easy_setopt(easy, option, value);
  };
  const std::string url(setup.url);
  setup.error_buffer[0] = '\0';
  set(CURLOPT_ERRORBUFFER, setup.error_buffer);
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);  // Signals and worker threads do not mix; DNS times out without them.
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(setup.timeout.count(), 1)));
  set(CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(std::max<long long>(setup.connect_timeout.count(), 1)));
  set(CURLOPT_USERAGENT, setup.user_agent->c_str());
  set(CURLOPT_HTTPHEADER, setup.headers);
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);  // Long uploads and slow answers cross idle-killing NATs.
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_HEADERDATA, setup.sink);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_WRITEDATA, setup.sink);
  return result;
}

bool IsValidMethod(std::string_view method) {
  return !method.empty() &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string DescribeRequest(std::string_view method, std::string_view url) {
  std::string text = IsValidMethod(method) ? std::string(method) : "(invalid method)";
  return core::Redact(text + " " + std::string(url.substr(0, url.find_first_of("?#"))));
}

core::Error TransportError(CURL* easy, CURLcode code, const char* error_buffer,
                           std::string_view what) {
  std::string message = std::string(what) + ": " + std::string(Explain(code));
  std::string detail = error_buffer != nullptr ? error_buffer : "";
  // libcurl's detail for a failed connect does not say why ("refused", "unreachable"); errno
  // does. It is read for this code only, as a handle keeps the errno of earlier transfers.
  long os_errno = 0;
  if (code == CURLE_COULDNT_CONNECT &&
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0) {
    message += ": " + std::generic_category().message(static_cast<int>(os_errno));
  }
  if (!detail.empty()) message += " (" + detail + ")";
  message = core::Redact(message);
  return IsPermanent(code) ? core::Error::Permanent(std::move(message))
                           : core::Error::Transient(std::move(message));
}

void LogExchange(CURL* easy, std::string_view what, int status, std::uint64_t bytes,
                 const core::Error* error) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  curl_off_t micros = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &micros);
  const long long ms = micros / 1000;
  if (error != nullptr) {
    spdlog::debug("HTTP {} (after {} ms)", core::Redact(error->message), ms);
  } else {
    spdlog::debug("HTTP {} → {} in {} ms, {} bytes", core::Redact(what), status, ms, bytes);
  }
}

}  // namespace callbrief::net::internal
