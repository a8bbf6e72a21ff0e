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
// Fewer, larger writes for recordings than libcurl's default 16 KiB.
constexpr long kDownloadBufferBytes = 128 * 1024;

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

// A method goes into the request line verbatim, so it must be a plain token.
bool IsValidMethod(std::string_view method) {
  return !method.empty() &&
         std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

core::Result<Mime> BuildMime(CURL* easy, const std::vector<MultipartPart>& parts,
                             std::string_view what) {
  Mime mime(curl_mime_init(easy));
  if (!mime) return core::Error::Transient(std::string(what) + ": out of memory");
  for (const MultipartPart& part : parts) {
    curl_mimepart* added = curl_mime_addpart(mime.get());
    CURLcode code = added == nullptr ? CURLE_OUT_OF_MEMORY : curl_mime_name(added, part.name.c_str());
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
      return core::Error::Permanent(std::string(what) + ": cannot build the multipart body: " +
                                    curl_easy_strerror(code));
    }
  }
  return mime;
}

// Sets the method and body of `request` on `easy`. `mime` keeps a multipart body alive.
core::Status SetMethodAndBody(CURL* easy, const HttpRequest& request, std::string_view what,
                              Mime& mime) {
  const std::string& method = request.method;
  if (!IsValidMethod(method)) {
    return core::Error::Permanent(std::string(what) + ": not an HTTP method");
  }
  CURLcode code = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  const bool sends_body = !request.body.empty() || method == "POST" || method == "PUT" ||
                          method == "PATCH";
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
  const bool libcurl_names_it = method == "GET" || method == "HEAD" ||
                                (method == "POST" && (sends_body || !request.multipart.empty()));
  if (!libcurl_names_it) set(CURLOPT_CUSTOMREQUEST, method.c_str());
  if (code != CURLE_OK) {
    return core::Error::Permanent(std::string(what) + ": " + curl_easy_strerror(code));
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
  struct Hop {
    HttpResponse response;  // For a status outside 2xx, the body holds the start of the page.
    std::string location;   // Where a 3xx points, resolved against the hop's URL.
  };

  core::Result<Hop> FetchHop(const HttpRequest& request, const DownloadOptions& options,
                             internal::PartialFile& file);

  const ClientOptions options_;
  internal::HandlePool pool_;
};

core::Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  const std::string what = internal::DescribeRequest(request.method, request.url);
  internal::HandlePool::Lease lease = pool_.Acquire();
  CURL* easy = lease.get();
  if (easy == nullptr) return core::Error::Transient(what + ": libcurl cannot start a transfer");

  HttpResponse response;
  bool too_large = false;
  ResponseSink sink;
  sink.on_headers = [&](const ResponseSink& headers) {
    if (request.method == "HEAD") return true;  // Its Content-Length is of a body not sent.
    too_large = ContentLength(headers).value_or(0) > options_.max_response_bytes;
    return !too_large;
  };
  sink.on_body = [&](std::string_view piece) {
    too_large = response.body.size() + piece.size() > options_.max_response_bytes;
    if (!too_large) response.body.append(piece);
    return !too_large;
  };
  internal::HeaderList headers = internal::MakeHeaderList(request.headers);
  char error_buffer[CURL_ERROR_SIZE];
  Mime mime;
  CURLcode code = internal::ConfigureTransfer(
      easy, {request.url, request.timeout, options_.connect_timeout, &options_.user_agent,
             headers.get(), &sink, error_buffer});
  // Any compression libcurl can decode; JSON shrinks well.
  if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  if (code != CURLE_OK) return internal::TransportError(easy, code, error_buffer, what);
  if (core::Status body = SetMethodAndBody(easy, request, what, mime); !body) return body.error();

  code = curl_easy_perform(easy);
  if (too_large) {
    return core::Error::Permanent(what + ": the response is larger than " +
                                  std::to_string(options_.max_response_bytes) + " bytes");
  }
  if (code != CURLE_OK) {
    core::Error error = internal::TransportError(easy, code, error_buffer, what);
    internal::LogExchange(easy, what, 0, 0, &error);
    return error;
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.headers = std::move(sink.headers);
  internal::LogExchange(easy, what, response.status, response.body.size());
  return response;
}

core::Result<CurlHttpClient::Hop> CurlHttpClient::FetchHop(const HttpRequest& request,
                                                           const DownloadOptions& options,
                                                           internal::PartialFile& file) {
  const std::string what = internal::DescribeRequest(request.method, request.url);
  internal::HandlePool::Lease lease = pool_.Acquire();
  CURL* easy = lease.get();
  if (easy == nullptr) return core::Error::Transient(what + ": libcurl cannot start a transfer");

  Hop hop;
  bool too_large = false;
  bool write_failed = false;
  std::uint64_t hop_bytes = 0;
  ResponseSink sink;
  auto is_body_wanted = [&sink] { return sink.status >= 200 && sink.status < 300; };
  sink.on_headers = [&](const ResponseSink& headers) {
    too_large = is_body_wanted() && ContentLength(headers).value_or(0) > options.max_bytes;
    return !too_large;
  };
  sink.on_body = [&](std::string_view piece) {
    hop_bytes += piece.size();
    if (!is_body_wanted()) {
      std::string& excerpt = hop.response.body;
      excerpt.append(piece.substr(0, kErrorBodyBytes - std::min(kErrorBodyBytes, excerpt.size())));
      return true;
    }
    too_large = file.bytes() + piece.size() > options.max_bytes;
    write_failed = !too_large && !file.Append(piece);
    return !too_large && !write_failed;
  };
  internal::HeaderList headers = internal::MakeHeaderList(request.headers);
  char error_buffer[CURL_ERROR_SIZE];
  Mime mime;
  CURLcode code = internal::ConfigureTransfer(
      easy, {request.url, request.timeout, options_.connect_timeout, &options_.user_agent,
             headers.get(), &sink, error_buffer});
  // A stalled download fails instead of holding a worker until the overall timeout.
  auto set = [&](CURLoption option, long value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, std::max<long>(1, static_cast<long>(options.stall_timeout.count())));
  set(CURLOPT_BUFFERSIZE, kDownloadBufferBytes);
  if (code != CURLE_OK) return internal::TransportError(easy, code, error_buffer, what);
  if (core::Status body = SetMethodAndBody(easy, request, what, mime); !body) return body.error();

  code = curl_easy_perform(easy);
  if (too_large) {
    return core::Error::Permanent(what + ": the response is larger than " +
                                  std::to_string(options.max_bytes) + " bytes");
  }
  if (write_failed) return file.Commit().error();  // Commit reports the failed write.
  if (code != CURLE_OK) {
    core::Error error = internal::TransportError(easy, code, error_buffer, what);
    internal::LogExchange(easy, what, 0, hop_bytes, &error);
    return error;
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  hop.response.status = static_cast<int>(status);
  hop.response.headers = std::move(sink.headers);
  char* location = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    hop.location = location;
  }
  internal::LogExchange(easy, what, hop.response.status, hop_bytes);
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
    if (!options.allow_redirect || !options.allow_redirect(hop->location)) {
      return core::Error::Permanent(what + ": refused to follow a redirect to host " +
                                    core::Redact(UrlHost(hop->location)));
    }
    if (redirects >= options.max_redirects) {
      return core::Error::Permanent(what + ": more than " + std::to_string(options.max_redirects) +
                                    " redirects");
    }
    // The next host gets a plain GET: none of the caller's headers, which may carry credentials.
    hop_request = HttpRequest{.method = "GET", .url = hop->location, .headers = {}, .body = {},
                              .multipart = {}, .timeout = {}};
  }
}

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient(const ClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace callbrief::net
