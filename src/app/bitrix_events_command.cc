#include "app/bitrix_events_command.h"

#include <cstdio>

#include "app/bitrix_access.h"
#include "app/local_app.h"
#include "core/redact.h"
#include "store/call_store.h"

namespace callbrief::app {
namespace {

int Fail(const core::Error& error) {
  std::fprintf(stderr, "callbrief: %s\n", core::Redact(error.message).c_str());
  return error.kind == core::ErrorKind::kConfig ? 2 : 1;
}

}  // namespace

int RunBitrixEvents(const core::Config& config, const std::string& action) {
  if (!config.BitrixLocalApp()) {
    return Fail(core::Error::Config(
        "`callbrief bitrix events` works in the local application mode only (set "
        "BITRIX24_CLIENT_ID): Bitrix24 answers event.get, event.bind and event.unbind only to an "
        "application, not to an inbound webhook"));
  }
  auto store = store::OpenStore(config.database_url, /*migrate=*/false);
  if (!store) return Fail(store.error());
  BitrixAccess bitrix = MakeBitrixAccess(config);
  auto app = MakeLocalApp(config, **store, *bitrix.http, bitrix.limiter.get(),
                          core::SystemClock::Instance());
  if (!app) return Fail(app.error());
  UseLocalApp(config, bitrix, **app);
  const std::string call_handler = (*app)->CallHandlerUrl();
  const std::string app_handler = (*app)->AppEventUrl();

  if (action == "bind") {
    auto bound = BindOwnHandlers(*bitrix.rest, call_handler, app_handler);
    if (!bound) return Fail(bound.error());
    for (const EventHandler& handler : *bound) {
      std::printf("bound %s -> %s\n", handler.event.c_str(), handler.handler.c_str());
    }
    if (bound->empty()) std::printf("both handlers were already bound\n");
    return 0;
  }
  if (action == "unbind") {
    auto removed = UnbindOwnHandlers(*bitrix.rest, call_handler, app_handler);
    if (!removed) return Fail(removed.error());
    std::printf("unbound %d handler(s)\n", *removed);
    return 0;
  }
  auto handlers = ListEventHandlers(*bitrix.rest);
  if (!handlers) return Fail(handlers.error());
  for (const EventHandler& handler : *handlers) {
    bool ours = handler.handler == call_handler || handler.handler == app_handler;
    std::printf("%-24s %s%s\n", handler.event.c_str(), handler.handler.c_str(),
                ours ? "  (callbrief)" : "");
  }
  if (handlers->empty()) std::printf("no event handlers are bound\n");
  return 0;
}

}  // namespace callbrief::app
