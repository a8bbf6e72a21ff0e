#pragma once

#include <memory>

#include "bitrix/rate_limiter.h"
#include "bitrix/rest_client.h"
#include "core/config.h"
#include "core/observer.h"
#include "net/http_client.h"

namespace callbrief::app {

// Everything needed to talk to the portal, built once and shared by every user in the process:
// one HTTP client (connection reuse), one request budget, one REST client.
struct BitrixAccess {
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<bitrix::RateLimiter> limiter;
  std::unique_ptr<bitrix::RestClient> rest;
};

// Every request to the portal is reported to `observer` (metrics: provider "bitrix24", the REST
// method; see request_names.h), which must outlive the access.
BitrixAccess MakeBitrixAccess(const core::Config& config,
                              core::Observer& observer = core::NullObserver());

// The local application mode: replaces the REST client with one that calls as the application,
// with `app`'s tokens (which must outlive the access).
void UseLocalApp(const core::Config& config, BitrixAccess& access, bitrix::AppAuth& app);

}  // namespace callbrief::app
