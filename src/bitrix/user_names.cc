#include "bitrix/user_names.h"

#include <fmt/format.h>

#include "bitrix/json_fields.h"

namespace callbrief::bitrix {

std::string DisplayNameOfUser(const nlohmann::json& user) {
  std::string first = TextField(user, "NAME");
  std::string last = TextField(user, "LAST_NAME");
  std::string name = first;
  if (!last.empty()) name += (name.empty() ? "" : " ") + last;
  if (!name.empty()) return name;
  if (std::string email = TextField(user, "EMAIL"); !email.empty()) return email;
  return fmt::format("user {}", TextField(user, "ID"));
}

UserNames::UserNames(RestClient& rest, const core::Clock& clock, std::chrono::seconds ttl)
    : rest_(rest), clock_(clock), ttl_(ttl) {}

core::Result<std::string> UserNames::Lookup(std::int64_t user_id) {
  const core::TimePoint now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(user_id);
    if (found != cache_.end() && now - found->second.fetched_at < ttl_) return found->second.name;
  }
  auto reply = rest_.Call("user.get", {{"FILTER", {{"ID", user_id}}}});
  if (!reply.ok()) return reply.error().WithContext(fmt::format("reading user {}", user_id));
  std::string name = fmt::format("user {}", user_id);
  if (reply->result.is_array() && !reply->result.empty()) {
    name = DisplayNameOfUser(reply->result.front());
  }
  std::lock_guard lock(mutex_);
  cache_[user_id] = {name, now};
  return name;
}

}  // namespace callbrief::bitrix
