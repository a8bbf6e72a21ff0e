#pragma once

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "fakes/portal_state.h"
#include "fakes/rest_support.h"

// The emulated REST methods: pure functions of the portal state and the request parameters.
// The router has already checked the webhook, the rate limit, the scope and injected faults.
// Internal to the fake.
namespace callbrief::fakes {

struct MethodCall {
  const nlohmann::json& params;  // Query string and body merged.
  core::TimePoint now;
};

using MethodHandler = MethodReply (*)(Portal& portal, const MethodCall& call);

struct MethodSpec {
  std::string_view name;                   // Canonical spelling.
  std::array<std::string_view, 3> scopes;  // Any one grants access; all empty: always allowed.
  MethodHandler handler;
};

// The method called `name`, compared without regard to case as Bitrix24 does; nullptr if unknown.
const MethodSpec* FindMethod(std::string_view name);
// The methods that work only "in the context of application authorization" (event.bind,
// event.get, event.unbind, app.info); nullptr for any other name.
const MethodSpec* FindAppMethod(std::string_view name);

// scope: telephony (telephony_methods.cc).
MethodReply StatisticGet(Portal& portal, const MethodCall& call);
MethodReply AttachTranscription(Portal& portal, const MethodCall& call);
// The statistic row of `call` as voximplant.statistic.get prints it.
OrderedJson StatisticRow(const Portal& portal, const StoredCall& call, bool recording_visible);

// scope: crm (crm_methods.cc).
MethodReply ActivityGet(Portal& portal, const MethodCall& call);
MethodReply ActivityBindingList(Portal& portal, const MethodCall& call);
MethodReply TimelineCommentAdd(Portal& portal, const MethodCall& call);
MethodReply TimelineCommentList(Portal& portal, const MethodCall& call);

// scope: task (task_methods.cc).
MethodReply TaskAdd(Portal& portal, const MethodCall& call);
MethodReply TaskList(Portal& portal, const MethodCall& call);

// scopes disk, user and basic (portal_methods.cc).
MethodReply DiskFileGet(Portal& portal, const MethodCall& call);
MethodReply UserGet(Portal& portal, const MethodCall& call);
MethodReply Profile(Portal& portal, const MethodCall& call);
MethodReply Scope(Portal& portal, const MethodCall& call);

// The application's methods (app_methods.cc).
MethodReply EventBind(Portal& portal, const MethodCall& call);
MethodReply EventGet(Portal& portal, const MethodCall& call);
MethodReply EventUnbind(Portal& portal, const MethodCall& call);
MethodReply AppInfo(Portal& portal, const MethodCall& call);

}  // namespace callbrief::fakes
