// The libcurl implementation of HttpClient. Connection handling and callbacks live in
// internal/curl_transfer; the temporary file of a download in internal/partial_file.

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "core/redact.h"
#include "net/http_client.h"
#include "net/http_error.h"
#include "net/internal/curl_transfer.h"
#include "net/internal/partial_file.h"

namespace callbrief::net {
namespace {

using internal::ResponseSink;

// Enough of an error page for ErrorForStatus; the rest of it is read and dropped.
constexpr std::size_t kErrorBodyBytes = 4096;

struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using Mime = std::unique_ptr<curl_mime, MimeDeleter>;

std::optional<std::uint64_t> ContentLength(const ResponseSink& sink) {
  for (const auto& [name, value] : sink.headers) {
    if (name != "content-length") continue;
    if (value.empty() || value.size() > 19 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    return std::stoull(value);
  }
  return std::nullopt;
}

core::Result<Mime> BuildMime(CURL* easy, const std::vector<MultipartPart>& parts,
                             std::string_view what) {
  Mime mime(curl_mime_init(easy));
  if (!mime) return core::Error::Transient(std::string(what) + ": out of memory");
  for (const MultipartPart& part : parts) {
    curl_mimepart* added = curl_mime_addpart(mime.get());
    CURLcode code =
        added == nullptr ? CURLE_OUT_OF_MEMORY : curl_mime_name(added, part.name.c_str());
    if (code == CURLE_OK && part.file_path.empty()) {
      code = curl_mime_data(added, part.value.data(), part.value.size());
    } else if (code == CURLE_OK) {
      // Only checks the file is readable; its bytes are read while the request is sent.
      code = curl_mime_filedata(added, part.file_path.c_str());
      if (code == CURLE_READ_ERROR) {
        return core::Error::Permanent(std::string(what) + ": cannot read " + part.file_path +
                                      " for the multipart field " + part.name);
      }
    }
    if (code == CURLE_OK && !part.filename.empty()) {
      code = curl_mime_filename(added, part.filename.c_str());
    }
    if (code == CURLE_OK && !part.content_type.empty()) {
      code = curl_mime_type(added, part.content_type.c_str());
    }
    if (code != CURLE_OK) {
      return core::Error::Permanent(
          std::string(what) + ": cannot build the multipart body: " + curl_easy_strerror(code));
    }
  }
  return mime;
}

// Sets the method and body of `request` on `easy`. `mime` keeps a multipart body alive.
core::Status SetMethodAndBody(CURL* easy, const HttpRequest& request, std::string_view what,
                              Mime& mime) {
  const std::string& method = request.method;
  if (!internal::IsValidMethod(method)) {
    return core::Error::Permanent(std::string(what) + ": not an HTTP method");
  }
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  const bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (!request.multipart.empty()) {
    auto built = BuildMime(easy, request.multipart, what);
    if (!built) return built.error();
    mime = std::move(built).value();
    set(CURLOPT_MIMEPOST, mime.get());
  } else if (method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
  }
  const bool has_body = sends_body || !request.multipart.empty();
  const bool libcurl_names_it =
      method == "POST" || method == "HEAD" || (method == "GET" && !has_body);
  if (!libcurl_names_it) set(CURLOPT_CUSTOMREQUEST, method.c_str());
  if (code != CURLE_OK) {
    return core::Error::Permanent(std::string(what) + ": " + curl_easy_strerror(code));
  }
  return core::Ok();
}

core::Error TooLarge(std::string_view what, std::uint64_t limit) {
  return core::Error::Permanent(std::string(what) + ": the response is larger than " +
                                std::to_string(limit) + " bytes");
}

// A stalled download fails instead of holding a worker until the overall timeout.
CURLcode SetStallTimeout(CURL* easy, std::chrono::seconds stall_timeout) {
  CURLcode code = curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  if (code != CURLE_OK) return code;
  return curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                          std::max<long>(1, static_cast<long>(stall_timeout.count())));
}

// Whether the redirect from `what` to `location` may be followed, `redirects` having been already.
core::Status CheckRedirect(std::string_view what, const std::string& location,
                           const DownloadOptions& options, int redirects) {
  if (!options.allow_redirect || !options.allow_redirect(location)) {
    return core::Error::Permanent(std::string(what) + ": refused to follow a redirect to host " +
                                  core::Redact(UrlHost(location)));
  }
  if (redirects >= options.max_redirects) {
    return core::Error::Permanent(std::string(what) + ": more than " +
                                  std::to_string(options.max_redirects) + " redirects");
  }
  return core::Ok();
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(ClientOptions options)
      : options_(std::move(options)), pool_(options_.max_idle_handles) {}

  core::Result<HttpResponse> Send(const HttpRequest& request) override;
  core::Result<DownloadResult> Download(const HttpRequest& request,
                                        const DownloadOptions& options) override;

 private:
  struct Exchange {
    int status = 0;
    std::string redirect_url;  // Where a 3xx points, resolved against the request's URL.
  };
  struct Hop {
    HttpResponse response;  // For a status outside 2xx, the body holds the start of the page.
    std::string location;
  };

  // One request and its response on a pooled handle, `sink` taking the response in. `download`
  // adds the options of a download. Logs the exchange.
  core::Result<Exchange> Perform(const HttpRequest& request, const std::string& what,
                                 ResponseSink& sink, const DownloadOptions* download);
  core::Result<Hop> FetchHop(const HttpRequest& request, const DownloadOptions& options,
                             internal::PartialFile& file);

  const ClientOptions options_;
  internal::HandlePool pool_;
};

core::Result<CurlHttpClient::Exchange> CurlHttpClient::Perform(const HttpRequest& request,
                                                               const std::string& what,
                                                               ResponseSink& sink,
                                                               const DownloadOptions* download) {
  internal::HandlePool::Lease lease = pool_.Acquire();
  CURL* easy = lease.get();
  if (easy == nullptr) return core::Error::Transient(what + ": libcurl cannot start a transfer");
  internal::HeaderList headers = internal::MakeHeaderList(request.headers);
  char error_buffer[CURL_ERROR_SIZE];
  CURLcode code =
      internal::ConfigureTransfer(easy, {request.url, request.timeout, options_.connect_timeout,
                                         &options_.user_agent, headers.get(), &sink, error_buffer});
  if (code == CURLE_OK) {
    // Recordings are stored as sent; API answers come in any compression libcurl can decode.
    code = download != nullptr ? SetStallTimeout(easy, download->stall_timeout)
                               : curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  }
  if (code != CURLE_OK) return internal::TransportError(easy, code, error_buffer, what);
  Mime mime;
  if (core::Status body = SetMethodAndBody(easy, request, what, mime); !body) return body.error();

  code = curl_easy_perform(easy);
  if (sink.stopped_by || code != CURLE_OK) {
    core::Error error = sink.stopped_by ? *sink.stopped_by
                                        : internal::TransportError(easy, code, error_buffer, what);
    internal::LogExchange(easy, what, 0, sink.body_bytes, &error);
    return error;
  }
  Exchange exchange;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  exchange.status = static_cast<int>(status);
  char* location = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    exchange.redirect_url = location;
  }
  internal::LogExchange(easy, what, exchange.status, sink.body_bytes);
  return exchange;
}

core::Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  const std::string what = internal::DescribeRequest(request.method, request.url);
  const std::size_t limit = options_.max_response_bytes;
  HttpResponse response;
  ResponseSink sink;
  sink.on_headers = [&](const ResponseSink& received) -> core::Status {
    // A HEAD answer's Content-Length is of a body not sent.
    if (request.method != "HEAD" && ContentLength(received).value_or(0) > limit) {
      return TooLarge(what, limit);
    }
    return core::Ok();
  };
  sink.on_body = [&](std::string_view piece) -> core::Status {
    if (response.body.size() + piece.size() > limit) return TooLarge(what, limit);
    response.body.append(piece);
    return core::Ok();
  };
  auto exchange = Perform(request, what, sink, nullptr);
  if (!exchange) return exchange.error();
  response.status = exchange->status;
  response.headers = std::move(sink.headers);
  return response;
}

core::Result<CurlHttpClient::Hop> CurlHttpClient::FetchHop(const HttpRequest& request,
                                                           const DownloadOptions& options,
                                                           internal::PartialFile& file) {
  const std::string what = internal::DescribeRequest(request.method, request.url);
  Hop hop;
  ResponseSink sink;
  auto is_file_body = [&sink] { return sink.status >= 200 && sink.status < 300; };
  sink.on_headers = [&](const ResponseSink& received) -> core::Status {
    if (is_file_body() && ContentLength(received).value_or(0) > options.max_bytes) {
      return TooLarge(what, options.max_bytes);
    }
    return core::Ok();
  };
  sink.on_body = [&](std::string_view piece) -> core::Status {
    if (!is_file_body()) {
      std::string& excerpt = hop.response.body;
      excerpt.append(piece.substr(0, kErrorBodyBytes - std::min(kErrorBodyBytes, excerpt.size())));
      return core::Ok();
    }
    if (file.bytes() + piece.size() > options.max_bytes) return TooLarge(what, options.max_bytes);
    return file.Append(piece);
  };
  auto exchange = Perform(request, what, sink, &options);
  if (!exchange) return exchange.error();
  hop.response.status = exchange->status;
  hop.response.headers = std::move(sink.headers);
  hop.location = std::move(exchange->redirect_url);
  return hop;
}

core::Result<DownloadResult> CurlHttpClient::Download(const HttpRequest& request,
                                                      const DownloadOptions& options) {
  auto file = internal::PartialFile::Create(options.path);
  if (!file) return file.error();
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  HttpRequest hop_request = request;
  for (int redirects = 0;; ++redirects) {
    const std::string what = internal::DescribeRequest(hop_request.method, hop_request.url);
    hop_request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (hop_request.timeout.count() <= 0) {
      return core::Error::Transient(what + ": timed out following redirects");
    }
    auto hop = FetchHop(hop_request, options, **file);
    if (!hop) return hop.error();
    const HttpResponse& response = hop->response;
    if (response.IsSuccess()) {
      if (core::Status committed = (*file)->Commit(); !committed) return committed.error();
      return DownloadResult{response.status, (*file)->bytes(), (*file)->sha256_hex(),
                            response.Header("content-type").value_or(""), hop_request.url};
    }
    if (response.status < 300 || response.status >= 400 || hop->location.empty()) {
      return ErrorForStatus(response, what);
    }
    if (core::Status allowed = CheckRedirect(what, hop->location, options, redirects); !allowed) {
      return allowed.error();
    }
    // The next host gets a plain GET: none of the caller's headers, which may carry credentials.
    hop_request = HttpRequest{.method = "GET", .url = std::move(hop->location)};
  }
}

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient(const ClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace callbrief::net
