#pragma once

#include <deque>
#include <fstream>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "net/http_client.h"

namespace callbrief::net::testing {

// An HttpClient that answers from a script and records what it was asked, for unit tests of
// protocol code. Integration tests use the Bitrix24 emulator over real HTTP instead.
// Send and Download have separate scripts; an exhausted script answers kTransient.
class FakeHttpClient final : public net::HttpClient {
 public:
  // One scripted Download. Like the real client it offers each of `redirects` to
  // DownloadOptions::allow_redirect first (refusing all when it is null), refuses a body over
  // max_bytes, and writes `body` to DownloadOptions::path only when everything succeeds.
  struct ScriptedDownload {
    std::vector<std::string> redirects{};
    int status = 200;
    std::string body{};
    std::string content_type = "audio/mpeg";
  };
  // What a Download was asked.
  struct DownloadCall {
    net::HttpRequest request;
    net::DownloadOptions options;
  };

  void Reply(int status, std::string body) {
    Reply(net::HttpResponse{status, {}, std::move(body)});
  }
  void Reply(net::HttpResponse response) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(response));
  }
  void Fail(core::Error error) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(error));
  }
  std::vector<net::HttpRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  void ReplyDownload(ScriptedDownload download) {
    std::lock_guard lock(mutex_);
    downloads_script_.push_back(std::move(download));
  }
  void FailDownload(core::Error error) {
    std::lock_guard lock(mutex_);
    downloads_script_.push_back(std::move(error));
  }
  std::vector<DownloadCall> downloads() {
    std::lock_guard lock(mutex_);
    return downloads_;
  }

  core::Result<net::HttpResponse> Send(const net::HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (script_.empty()) return core::Error::Transient("FakeHttpClient: no scripted answer");
    auto next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  core::Result<net::DownloadResult> Download(const net::HttpRequest& request,
                                             const net::DownloadOptions& options) override {
    std::variant<ScriptedDownload, core::Error> next;
    {
      std::lock_guard lock(mutex_);
      downloads_.push_back({request, options});
      if (downloads_script_.empty()) {
        return core::Error::Transient("FakeHttpClient: no scripted download");
      }
      next = std::move(downloads_script_.front());
      downloads_script_.pop_front();
    }
    if (auto* error = std::get_if<core::Error>(&next)) return *error;
    const auto& d = std::get<ScriptedDownload>(next);
    std::string url = request.url;
    for (const auto& location : d.redirects) {
      if (!options.allow_redirect || !options.allow_redirect(location)) {
        return core::Error::Permanent("GET " + net::UrlHost(url) +
                                      ": refused to follow a redirect to host " +
                                      net::UrlHost(location));
      }
      url = location;
    }
    if (d.status < 200 || d.status >= 300) {
      return core::Error::Permanent("GET " + net::UrlHost(url) + ": HTTP " +
                                    std::to_string(d.status));
    }
    if (d.body.size() > options.max_bytes) {
      return core::Error::Permanent("GET " + net::UrlHost(url) + ": the response is larger than " +
                                    std::to_string(options.max_bytes) + " bytes");
    }
    std::ofstream out(options.path, std::ios::binary | std::ios::trunc);
    out << d.body;
    if (!out.flush()) return core::Error::Config("FakeHttpClient: cannot write " + options.path);
    return net::DownloadResult{d.status, d.body.size(), "fake-sha256", d.content_type, url};
  }

 private:
  std::mutex mutex_;
  std::deque<core::Result<net::HttpResponse>> script_;
  std::vector<net::HttpRequest> requests_;
  std::deque<std::variant<ScriptedDownload, core::Error>> downloads_script_;
  std::vector<DownloadCall> downloads_;
};

}  // namespace callbrief::net::testing
