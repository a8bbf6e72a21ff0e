#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace callbrief::http {

// Login sessions ended on the server before they expire: logging out revokes the session's token,
// so a copy of the cookie (a shared computer, a leaked log) stops working too. Revoked tokens are
// kept as a JSON object {"<nonce>": <expires unix seconds>, …} in one setting of the database,
// so every instance sharing it refuses them; each instance re-reads it at most once per
// kRefreshInterval. Entries leave when their token would have expired anyway. (Changing
// ADMIN_PASSWORD ends every session by itself: the signing key is derived from it.)
// Thread-safe.
class SessionRevocations {
 public:
  using Load = std::function<core::Result<std::optional<std::string>>()>;
  using Save = std::function<core::Status(const std::string&)>;

  static constexpr std::chrono::seconds kRefreshInterval{1};
  // Only a signed-in user can revoke (logout), so this bounds honest use, not an attack: past it,
  // the entries closest to expiry are dropped.
  static constexpr std::size_t kMaxEntries = 10'000;

  SessionRevocations(Load load, Save save, const core::Clock& clock);

  // Revokes `token`, a token SessionSigner::Verify accepted. Fails when the database does; the
  // token is then refused by this instance only.
  core::Status Revoke(std::string_view token);
  bool IsRevoked(std::string_view token);

 private:
  void RefreshLocked(core::TimePoint now);
  void PruneLocked(std::int64_t now_unix);

  Load load_;
  Save save_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> revoked_;  // Nonce → expiry (unix seconds).
  std::optional<core::TimePoint> loaded_at_;
  std::string last_loaded_;  // The setting's value as last merged.
};

}  // namespace callbrief::http
