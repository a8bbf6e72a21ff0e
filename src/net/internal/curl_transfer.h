#pragma once

// libcurl plumbing shared by Send and Download. Internal to callbrief_net: include it from
// src/net/ only.

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/result.h"
#include "net/http_client.h"

namespace callbrief::net::internal {

// What the callbacks of one transfer collect, and the hooks through which a caller watches it.
// Headers of interim (1xx) responses and of proxy CONNECT answers are dropped. A hook that returns
// an error stops the transfer, and that error is the transfer's outcome.
struct ResponseSink {
  // Called once the headers of each response but an interim one are in (a redirect's included).
  std::function<core::Status(const ResponseSink&)> on_headers;
  // Called with each piece of the body.
  std::function<core::Status(std::string_view)> on_body;

  int status = 0;
  Headers headers;  // Names lower-cased, values trimmed.
  std::uint64_t body_bytes = 0;
  std::optional<core::Error> stopped_by;  // The error a hook returned, if one did.
  bool headers_done = false;              // Internal to the header callback.
};

// Easy handles kept for reuse, each with its own live connections, all sharing one DNS cache and
// one TLS session cache. Thread-safe. Destroying the pool closes every idle handle; handles still
// leased at that point are a caller's bug.
class HandlePool {
 public:
  class Lease {
   public:
    Lease(HandlePool* pool, CURL* easy) : pool_(pool), easy_(easy) {}
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), easy_(std::exchange(other.easy_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (easy_ != nullptr) pool_->Release(easy_);
    }
    CURL* get() const { return easy_; }

   private:
    HandlePool* pool_;
    CURL* easy_;
  };

  explicit HandlePool(std::size_t max_idle);
  ~HandlePool();
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  // A handle with default options and the shared caches attached; nullptr if libcurl is out of
  // memory. The most recently returned handle comes first, as it most likely holds a warm
  // connection.
  Lease Acquire();

 private:
  void Release(CURL* easy);
  static void LockShared(CURL*, curl_lock_data data, curl_lock_access, void* pool);
  static void UnlockShared(CURL*, curl_lock_data data, void* pool);

  const std::size_t max_idle_;
  CURLSH* share_;
  std::mutex share_locks_[CURL_LOCK_DATA_LAST];
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;
HeaderList MakeHeaderList(const Headers& headers);

// The options every transfer sets. `sink` and `error_buffer` (CURL_ERROR_SIZE bytes) must outlive
// the transfer.
struct TransferSetup {
  std::string_view url;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds connect_timeout;
  const std::string* user_agent;
  curl_slist* headers;
  ResponseSink* sink;
  char* error_buffer;
};
// Returns the first option libcurl refused, or CURLE_OK.
CURLcode ConfigureTransfer(CURL* easy, const TransferSetup& setup);

// A method goes into the request line verbatim, so it must be a plain upper-case token.
bool IsValidMethod(std::string_view method);

// "GET https://host/path": the URL without its query string or fragment, which may carry
// signatures, and redacted.
std::string DescribeRequest(std::string_view method, std::string_view url);

// A failed curl_easy_perform as an error about `what`: kPermanent for a URL libcurl cannot use,
// kTransient otherwise. Redacted.
core::Error TransportError(CURL* easy, CURLcode code, const char* error_buffer,
                           std::string_view what);

// The debug line for one exchange: "HTTP GET https://… → 200 in 12 ms, 345 bytes", or for a
// failure "HTTP <error message> (after 300 ms)". Never the body.
void LogExchange(CURL* easy, std::string_view what, int status, std::uint64_t bytes,
                 const core::Error* error = nullptr);

}  // namespace callbrief::net::internal
