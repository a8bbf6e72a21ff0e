#include "app/bitrix_access.h"

#include "app/request_names.h"
#include "net/observed_http_client.h"

namespace callbrief::app {

// The portal drains 2 requests/s (5 on Enterprise plans: BITRIX24_REQUESTS_PER_SECOND) with a
// burst of 50 (250); we keep a smaller burst so other integrations of the portal keep some room.
constexpr int kPortalBurst = 10;

BitrixAccess MakeBitrixAccess(const core::Config& config, core::Observer& observer) {
  BitrixAccess access;
  net::ClientOptions http_options;
  http_options.user_agent = std::string("callbrief/") + CALLBRIEF_VERSION;
  access.http = net::MakeObservedHttpClient(
      net::MakeCurlHttpClient(http_options), observer,
      [webhook = config.BitrixLocalApp() ? config.bitrix24_portal_url + "/rest/"
                                         : config.bitrix24_webhook_url](
          const net::HttpRequest& request, net::Exchange exchange) {
        return NameBitrixRequest(webhook, request, exchange);
      },
      core::SystemClock::Instance());
  access.limiter = std::make_unique<bitrix::RateLimiter>(
      static_cast<double>(config.bitrix24_requests_per_second), kPortalBurst,
      core::SystemClock::Instance());
  access.rest = bitrix::MakeRestClient(
      *access.http, access.limiter.get(),
      {.webhook_url = config.bitrix24_webhook_url, .timeout = config.bitrix24_timeout});
  return access;
}

void UseLocalApp(const core::Config& config, BitrixAccess& access, bitrix::AppAuth& app) {
  access.rest = bitrix::MakeRestClient(*access.http, access.limiter.get(),
                                       {.app = &app, .timeout = config.bitrix24_timeout});
}

}  // namespace callbrief::app
