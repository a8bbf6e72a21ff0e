#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace callbrief::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Every member of these structs has an initializer, so designated initializers may leave any out
// without -Wmissing-field-initializers.

// One part of a multipart/form-data body: an in-memory `value`, or a file streamed from disk while
// the request is sent (never read into memory), which is how audio reaches transcription APIs.
struct MultipartPart {
  std::string name{};
  std::string value{};         // The content, unless file_path is set.
  std::string file_path{};     // If set, the content is this file's bytes.
  std::string filename{};      // Sent as the part's filename; defaults to file_path's base name.
  std::string content_type{};  // Optional, e.g. "audio/ogg".

  static MultipartPart Field(std::string name, std::string value) {
    return {std::move(name), std::move(value), {}, {}, {}};
  }
  static MultipartPart File(std::string name, std::string file_path, std::string content_type = {},
                            std::string filename = {}) {
    return {
        std::move(name), {}, std::move(file_path), std::move(filename), std::move(content_type)};
  }
};

struct HttpRequest {
  std::string method = "GET";  // An upper-case token: GET, POST, PUT, PATCH, DELETE, HEAD…
  std::string url{};
  Headers headers{};  // Replace the client's own (User-Agent, Content-Type) when named the same.
  std::string body{};
  // If not empty, the body is multipart/form-data built from these parts and `body` is ignored.
  std::vector<MultipartPart> multipart{};
  // The whole exchange: connecting, sending, waiting and receiving (for Download, every hop).
  std::chrono::milliseconds timeout{60000};
};

struct HttpResponse {
  int status = 0;
  Headers headers{};  // In the order received; names lower-cased, values trimmed.
  std::string body{};

  // The first header called `name`, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
  bool IsSuccess() const { return status >= 200 && status < 300; }
};

struct DownloadOptions {
  std::string path{};           // Where the body ends up; its directory must exist.
  std::uint64_t max_bytes = 0;  // A larger body fails the download.
  // Asked about every redirect target (an absolute URL); only approved ones are followed. Null
  // means no redirect is followed. UrlHost() helps to check against an allow-list.
  std::function<bool(const std::string& url)> allow_redirect{};
  int max_redirects = 3;
  // Fails the download when less than one byte arrives for this long, however much of
  // HttpRequest::timeout is left.
  std::chrono::seconds stall_timeout{30};
};

struct DownloadResult {
  int status = 0;
  std::uint64_t bytes = 0;
  std::string sha256_hex{};  // Of the bytes written, lower-case hex.
  std::string content_type{};
  std::string final_url{};  // After the redirects followed.
};

// The one way callbrief talks HTTP to the outside world. Implementations are thread-safe: any
// number of threads may call Send and Download at once. Errors are values:
//  - transport failures (DNS, connection refused or reset, TLS, timeouts, a body cut short) are
//    kTransient;
//  - a request that cannot be sent at all (not an http(s) URL, a malformed method, an unreadable
//    upload file) and a response over the size limit are kPermanent;
//  - every HTTP status, 4xx and 5xx included, is a response for Send; turn it into an error with
//    ErrorForStatus (http_error.h) where the caller sees fit.
// Messages name the method and the URL without its query string, passed through core::Redact, so
// webhook codes, bot tokens and download signatures never reach an error or a log line. Each
// exchange is logged at debug level: method, URL (the same way), status, time and size, never a
// body.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends `request` and returns the whole response, never following redirects (a 3xx is returned
  // as it is).
  virtual core::Result<HttpResponse> Send(const HttpRequest& request) = 0;

  // Streams the response body of `request` into options.path, hashing it on the way. The body is
  // written to a temporary file beside `path` that is renamed into place only once complete and
  // flushed to disk, so `path` never holds a partial download. On any failure nothing is left
  // behind. Failures:
  //  - a body over max_bytes (declared by Content-Length or counted while streaming) is kPermanent;
  //  - a redirect that allow_redirect does not approve, or more than max_redirects of them, is
  //    kPermanent; the message names the refused host, never the full URL;
  //  - a final status outside 2xx is classified as ErrorForStatus does;
  //  - failing to write the file is kConfig when the directory is missing or not writable, and
  //    kTransient otherwise (a full disk).
  // Request headers go to the first URL only, never to a host a redirect leads to.
  virtual core::Result<DownloadResult> Download(const HttpRequest& request,
                                                const DownloadOptions& options) = 0;
};

struct ClientOptions {
  // Sent with every request, e.g. "callbrief/0.1.0 (+https://…)". Never leave it empty or generic:
  // Bitrix24 answers 404 to requests without a real User-Agent.
  std::string user_agent = "callbrief";
  std::chrono::milliseconds connect_timeout{10000};
  // Idle transfer handles kept for reuse. Each keeps the few connections it last used open, so
  // repeated calls to the same host skip the TCP and TLS handshakes.
  std::size_t max_idle_handles = 8;
  // Send keeps responses in memory; a larger body fails with kPermanent. Download has its own cap.
  std::size_t max_response_bytes = 64 * 1024 * 1024;
};

// The libcurl client. Proxies come from the standard environment variables, as libcurl reads them
// (http_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY); TLS certificates are always verified against the
// system store. Only http and https URLs are accepted. The client must outlive every call on it.
std::unique_ptr<HttpClient> MakeCurlHttpClient(const ClientOptions& options);

// The host of an absolute URL, lower-cased ("" if it has none), for redirect allow-lists.
std::string UrlHost(std::string_view url);

}  // namespace callbrief::net
