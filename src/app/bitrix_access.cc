#include "app/bitrix_access.h"

namespace callbrief::app {

// The portal drains 2 requests/s with a burst of 50 per webhook; we keep under it with a smaller
// burst so other integrations of the same portal keep some room.
constexpr double kPortalRequestsPerSecond = 2.0;
constexpr int kPortalBurst = 10;

BitrixAccess MakeBitrixAccess(const core::Config& config) {
  BitrixAccess access;
  net::ClientOptions http_options;
  http_options.user_agent = std::string("callbrief/") + CALLBRIEF_VERSION;
  access.http = net::MakeCurlHttpClient(http_options);
  access.limiter = std::make_unique<bitrix::RateLimiter>(kPortalRequestsPerSecond, kPortalBurst,
                                                         core::SystemClock::Instance());
  access.rest = bitrix::MakeRestClient(*access.http, access.limiter.get(),
                                       {.webhook_url = config.bitrix24_webhook_url,
                                        .timeout = config.bitrix24_timeout});
  return access;
}

}  // namespace callbrief::app
