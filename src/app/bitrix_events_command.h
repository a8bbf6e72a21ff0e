#pragma once

#include <string>

#include "core/config.h"

namespace callbrief::app {

// `callbrief bitrix events list|bind|unbind`: the portal's event handlers as the local application
// sees them (event.get), binding callbrief's own (ONVOXIMPLANTCALLEND → PUBLIC_URL/api/
// bitrix-webhook/call-finished, ONAPPUNINSTALL → PUBLIC_URL/api/bitrix-app/events: event.bind,
// only those not bound yet) and unbinding them (event.unbind). Needs the local application mode
// and an installation; prints what it did, never a token. Exit code 0 on success, 1 on failure, 2
// on a configuration problem.
int RunBitrixEvents(const core::Config& config, const std::string& action);

}  // namespace callbrief::app
