// The REST methods a local application has and an inbound webhook has not (event.bind, event.get,
// event.unbind, app.info). Each cites the b24restdocs page it follows; where the page is silent,
// the comment says so.

#include <algorithm>

#include "fakes/portal_state.h"
#include "fakes/rest_methods.h"
#include "fakes/rest_support.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr MethodSpec kAppMethods[] = {
    {"event.bind", {}, EventBind},
    {"event.get", {}, EventGet},
    {"event.unbind", {}, EventUnbind},
    {"app.info", {}, AppInfo},
};

// The events this portal can send. api-reference/events/event-bind.md: an unknown event is
// 400 ERROR_EVENT_NOT_FOUND "Event not found".
constexpr std::string_view kKnownEvents[] = {"ONVOXIMPLANTCALLEND", "ONAPPUNINSTALL", "ONAPPUPDATE",
                                             "ONAPPINSTALL", "ONCRMLEADADD"};

std::string Text(const json& params, std::string_view key) {
  const json* value = Param(params, key);
  return value != nullptr ? PhpString(*value).value_or("") : "";
}

}  // namespace

const MethodSpec* FindAppMethod(std::string_view name) {
  for (const MethodSpec& method : kAppMethods) {
    if (EqualsIgnoreCase(method.name, name)) return &method;
  }
  return nullptr;
}

MethodReply EventBind(Portal& portal, const MethodCall& call) {
  std::string event = AsciiUpper(Text(call.params, "event"));
  std::string handler = Text(call.params, "handler");
  if (std::find(std::begin(kKnownEvents), std::end(kKnownEvents), event) ==
      std::end(kKnownEvents)) {
    return Failure(400, "ERROR_EVENT_NOT_FOUND", "Event not found");
  }
  // The page marks `handler` required but does not say what a missing one answers, nor what
  // binding the same handler twice answers: both are refused here (unverified).
  if (handler.empty()) return Failure(400, "ERROR_ARGUMENT", "Handler is required");
  for (const BoundHandler& bound : portal.app->handlers) {
    if (bound.event == event && bound.handler == handler) {
      return Failure(400, "ERROR_CORE", "Handler already binded");
    }
  }
  portal.app->handlers.push_back({event, handler});
  // event-bind.md: {"result": true}.
  return Success(true);
}

MethodReply EventGet(Portal& portal, const MethodCall&) {
  // event-get.md: a list of {event, handler, auth_type (a string), offline (a number)}.
  OrderedJson rows = OrderedJson::array();
  for (const BoundHandler& bound : portal.app->handlers) {
    OrderedJson row;
    row["event"] = bound.event;
    row["handler"] = bound.handler;
    row["auth_type"] = "0";
    row["offline"] = 0;
    rows.push_back(std::move(row));
  }
  return Success(std::move(rows));
}

MethodReply EventUnbind(Portal& portal, const MethodCall& call) {
  // event-unbind.md: "If any parameters are not specified, all event handlers that meet the
  // other requirements will be removed"; answers {"count": n}.
  std::string event = AsciiUpper(Text(call.params, "event"));
  std::string handler = Text(call.params, "handler");
  auto& handlers = portal.app->handlers;
  std::size_t before = handlers.size();
  std::erase_if(handlers, [&](const BoundHandler& bound) {
    return (event.empty() || bound.event == event) && (handler.empty() || bound.handler == handler);
  });
  OrderedJson result;
  result["count"] = static_cast<std::int64_t>(before - handlers.size());
  return Success(std::move(result));
}

MethodReply AppInfo(Portal& portal, const MethodCall&) {
  // api-reference/common/system/app-info.md; STATUS "L" is a local application.
  OrderedJson result;
  result["ID"] = 7;
  result["CODE"] = portal.app->client_id;
  result["VERSION"] = 1;
  result["STATUS"] = "L";
  result["INSTALLED"] = true;
  result["PAYMENT_EXPIRED"] = "N";
  result["DAYS"] = nullptr;
  result["LANGUAGE_ID"] = "ru";
  result["LICENSE"] = "ru_project";
  result["LICENSE_TYPE"] = "project";
  result["LICENSE_FAMILY"] = "project";
  return Success(std::move(result));
}

}  // namespace callbrief::fakes
