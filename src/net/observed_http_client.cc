#include "net/observed_http_client.h"

#include <algorithm>
#include <chrono>

namespace callbrief::net {
namespace {

constexpr std::string_view kNoStatus = "error";

class ObservedHttpClient final : public HttpClient {
 public:
  ObservedHttpClient(std::unique_ptr<HttpClient> inner, core::Observer& observer,
                     RequestNamer namer, const core::Clock& clock)
      : inner_(std::move(inner)), observer_(observer), namer_(std::move(namer)), clock_(clock) {}

  core::Result<HttpResponse> Send(const HttpRequest& request) override {
    const core::TimePoint started = clock_.Now();
    auto response = inner_->Send(request);
    Report(namer_(request, Exchange::kSend), StatusLabel(response), started);
    return response;
  }

  core::Result<DownloadResult> Download(const HttpRequest& request,
                                        const DownloadOptions& options) override {
    const core::TimePoint started = clock_.Now();
    auto download = inner_->Download(request, options);
    Report(namer_(request, Exchange::kDownload), StatusLabel(download), started);
    return download;
  }

 private:
  void Report(const RequestName& name, const std::string& status, core::TimePoint started) {
    // A wall clock stepped back during the request must not report a negative time.
    const std::chrono::duration<double> took =
        std::max(clock_.Now() - started, core::TimePoint::duration::zero());
    observer_.ProviderRequestDone({.provider = name.provider,
                                   .method = name.method,
                                   .status = status,
                                   .seconds = took.count()});
  }

  const std::unique_ptr<HttpClient> inner_;
  core::Observer& observer_;
  const RequestNamer namer_;
  const core::Clock& clock_;
};

}  // namespace

std::string StatusLabel(const core::Result<HttpResponse>& response) {
  return response.ok() ? std::to_string(response->status) : std::string(kNoStatus);
}

std::string StatusLabel(const core::Result<DownloadResult>& download) {
  return download.ok() ? std::to_string(download->status) : std::string(kNoStatus);
}

std::unique_ptr<HttpClient> MakeObservedHttpClient(std::unique_ptr<HttpClient> inner,
                                                   core::Observer& observer, RequestNamer namer,
                                                   const core::Clock& clock) {
  return std::make_unique<ObservedHttpClient>(std::move(inner), observer, std::move(namer), clock);
}

}  // namespace callbrief::net
