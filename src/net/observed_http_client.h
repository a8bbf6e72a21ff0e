#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/observer.h"
#include "net/http_client.h"

namespace callbrief::net {

// How the operator's metrics name one request: the provider and its method, each from a fixed set
// (never the URL: it may carry a webhook code or a bot token, and would make a series per call).
struct RequestName {
  std::string provider{};
  std::string method{};
};

enum class Exchange { kSend, kDownload };

// Names a request from its URL (and whether it is a download). Called on the requesting thread;
// must be thread-safe and pure.
using RequestNamer = std::function<RequestName(const HttpRequest&, Exchange)>;

// The status label of an exchange: the HTTP status code of the answer ("200", "429"), or "error"
// when there was none to report (a transport failure, a response over the size limit; a failed
// download whatever its cause). Pure.
std::string StatusLabel(const core::Result<HttpResponse>& response);
std::string StatusLabel(const core::Result<DownloadResult>& download);

// An HttpClient that tells `observer` about every Send and Download of `inner` once it has ended:
// provider and method as `namer` names them, StatusLabel, and the time from start to end on
// `clock`. Otherwise it is `inner`: same answers, same errors, same thread-safety. `observer`,
// `clock` and the namer's captures must outlive the client.
std::unique_ptr<HttpClient> MakeObservedHttpClient(std::unique_ptr<HttpClient> inner,
                                                   core::Observer& observer, RequestNamer namer,
                                                   const core::Clock& clock);

}  // namespace callbrief::net
