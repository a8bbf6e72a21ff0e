#pragma once

#include <string>
#include <vector>

#include "bitrix/rest_client.h"
#include "core/result.h"

namespace callbrief::bitrix {

// The scopes callbrief needs on the inbound webhook: call history (telephony), recordings (disk),
// timeline comments and CRM bindings (crm), manager names (user).
inline const std::vector<std::string> kRequiredScopes = {"telephony", "disk", "crm", "user"};

// The scope tasks.task.add and tasks.task.list need (api-reference/tasks/tasks-task-add.md), only
// with BITRIX24_CREATE_TASKS.
inline constexpr char kTaskScope[] = "task";

// What `callbrief doctor` reports about the portal connection.
struct PortalCheck {
  std::string user_name;  // The webhook's user, "NAME LAST_NAME".
  bool admin = false;     // Only an administrator's webhook sees every call and recording.
  std::vector<std::string> scopes;
  std::vector<std::string> missing_scopes;
  bool statistic_readable = false;  // voximplant.statistic.get answered.
  std::string statistic_error;      // Why not, when it did not.

  // One line per problem, each telling the operator what to do; empty when all is well.
  std::vector<std::string> Problems() const;
};

// Asks the portal who the webhook is (profile), what it may do (scope: each of `required` it
// lacks is a problem) and whether the call history answers. An error means the portal could not
// be asked at all (wrong URL, network, NO_AUTH_FOUND).
core::Result<PortalCheck> CheckPortal(RestClient& client,
                                      const std::vector<std::string>& required = kRequiredScopes);

}  // namespace callbrief::bitrix
