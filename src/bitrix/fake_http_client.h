#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "net/http_client.h"

namespace callbrief::bitrix::testing {

// An HttpClient that answers from a script and records what it was asked, for unit tests of
// protocol code. Integration tests use the Bitrix24 emulator over real HTTP instead.
class FakeHttpClient final : public net::HttpClient {
 public:
  void Reply(int status, std::string body) {
    std::lock_guard lock(mutex_);
    script_.push_back(net::HttpResponse{status, {}, std::move(body)});
  }
  void Fail(core::Error error) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(error));
  }
  std::vector<net::HttpRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  core::Result<net::HttpResponse> Send(const net::HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (script_.empty()) return core::Error::Transient("FakeHttpClient: no scripted answer");
    auto next = std::move(script_.front());
    script_.pop_front();
    return next;
  }
  core::Result<net::DownloadResult> Download(const net::HttpRequest&,
                                             const net::DownloadOptions&) override {
    return core::Error::Permanent("FakeHttpClient: downloads are not scripted");
  }

 private:
  std::mutex mutex_;
  std::deque<core::Result<net::HttpResponse>> script_;
  std::vector<net::HttpRequest> requests_;
};

}  // namespace callbrief::bitrix::testing
