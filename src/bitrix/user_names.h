#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bitrix/rest_client.h"
#include "core/clock.h"
#include "core/result.h"

namespace callbrief::bitrix {

// "Иван Петров" from a user.get row: NAME and LAST_NAME, else the login-ish fields Bitrix24 keeps
// when a profile has no name (EMAIL), else "user <ID>". Pure.
std::string DisplayNameOfUser(const nlohmann::json& user);

// Managers' names for call messages, from user.get, remembered for `ttl` so a busy line costs one
// request per manager per hour rather than one per call (the portal allows ~2 requests/s).
// Thread-safe.
class UserNames {
 public:
  UserNames(RestClient& rest, const core::Clock& clock,
            std::chrono::seconds ttl = std::chrono::hours(1));

  // The user's display name. An unknown id is not an error: it gives "user <ID>" (deleted users
  // keep their calls). Errors are the REST client's, with context.
  core::Result<std::string> Lookup(std::int64_t user_id);

 private:
  struct Entry {
    std::string name;
    core::TimePoint fetched_at;
  };

  RestClient& rest_;
  const core::Clock& clock_;
  const std::chrono::seconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Entry> cache_;
};

}  // namespace callbrief::bitrix
