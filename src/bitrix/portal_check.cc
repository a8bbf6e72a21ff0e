#include "bitrix/portal_check.h"

#include <algorithm>

#include <fmt/format.h>

#include "bitrix/json_fields.h"

namespace callbrief::bitrix {

std::vector<std::string> PortalCheck::Problems() const {
  std::vector<std::string> problems;
  if (!admin) {
    problems.push_back(fmt::format(
        "the webhook belongs to {}, who is not a portal administrator: Bitrix24 shows such a "
        "webhook only that user's calls and recordings; create the inbound webhook as an "
        "administrator",
        user_name.empty() ? "a user" : user_name));
  }
  for (const auto& scope : missing_scopes) {
    problems.push_back(fmt::format(
        "the webhook lacks the \"{}\" scope{}: add it to the inbound webhook's permissions", scope,
        scope == kTaskScope ? ", which BITRIX24_CREATE_TASKS needs (or turn that off)" : ""));
  }
  if (!statistic_readable) {
    problems.push_back("the call history (voximplant.statistic.get) cannot be read: " +
                       statistic_error);
  }
  return problems;
}

core::Result<PortalCheck> CheckPortal(RestClient& client,
                                      const std::vector<std::string>& required_scopes) {
  PortalCheck check;
  auto profile = client.Call("profile", nlohmann::json::object());
  if (!profile) return profile.error();
  const auto& me = profile->result;
  check.user_name = TextField(me, "NAME");
  if (auto last = TextField(me, "LAST_NAME"); !last.empty()) {
    check.user_name += (check.user_name.empty() ? "" : " ") + last;
  }
  check.admin =
      me.is_object() && me.contains("ADMIN") &&
      (me["ADMIN"] == true || TextField(me, "ADMIN") == "1" || TextField(me, "ADMIN") == "Y");

  auto scopes = client.Call("scope", nlohmann::json::object());
  if (!scopes) return scopes.error();
  if (scopes->result.is_array()) {
    for (const auto& s : scopes->result) {
      if (s.is_string()) check.scopes.push_back(s.get<std::string>());
    }
  }
  auto has = [&](std::string_view scope) {
    return std::find(check.scopes.begin(), check.scopes.end(), scope) != check.scopes.end();
  };
  for (const auto& required : required_scopes) {
    bool user_ok = required == "user" && (has("user_brief") || has("user_basic"));
    if (!has(required) && !user_ok) check.missing_scopes.push_back(required);
  }

  auto statistic = client.Call("voximplant.statistic.get", {{"start", -1}});
  check.statistic_readable = statistic.ok();
  if (!statistic) check.statistic_error = statistic.error().message;
  return check;
}

}  // namespace callbrief::bitrix
