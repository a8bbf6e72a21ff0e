#include "http/session_revocation.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::http {
namespace {

struct TokenParts {
  std::string nonce;
  std::int64_t expires = 0;
};

// "v1.<expires>.<nonce>.<mac>" (see SessionSigner).
std::optional<TokenParts> Parts(std::string_view token) {
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    std::size_t dot = token.find('.');
    parts.push_back(token.substr(0, dot));
    if (dot == std::string_view::npos) break;
    token.remove_prefix(dot + 1);
  }
  if (parts.size() != 4 || parts[2].empty()) return std::nullopt;
  TokenParts out{.nonce = std::string(parts[2])};
  auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), out.expires);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size()) return std::nullopt;
  return out;
}

std::int64_t UnixSeconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

SessionRevocations::SessionRevocations(Load load, Save save, const core::Clock& clock)
    : load_(std::move(load)), save_(std::move(save)), clock_(clock) {}

void SessionRevocations::RefreshLocked(core::TimePoint now) {
  if (loaded_at_ && now - *loaded_at_ < kRefreshInterval) return;
  auto stored = load_();
  if (!stored.ok()) return;  // Keep what we know; the next request tries again.
  loaded_at_ = now;
  // Unchanged since the last read (the usual case): nothing new to merge, no parsing.
  if (!stored->has_value() || **stored == last_loaded_) return;
  last_loaded_ = **stored;
  nlohmann::json parsed = core::ParseBoundedJson(**stored);
  if (!parsed.is_object()) return;
  for (const auto& [nonce, expires] : parsed.items()) {
    if (expires.is_number_integer()) revoked_[nonce] = expires.get<std::int64_t>();
  }
}

void SessionRevocations::PruneLocked(std::int64_t now_unix) {
  std::erase_if(revoked_, [&](const auto& entry) { return entry.second <= now_unix; });
  while (revoked_.size() > kMaxEntries) {
    auto soonest =
        std::min_element(revoked_.begin(), revoked_.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    revoked_.erase(soonest);
  }
}

core::Status SessionRevocations::Revoke(std::string_view token) {
  auto parts = Parts(token);
  if (!parts) return core::Error::InvalidInput("not a session token");
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.Now();
  // Re-read first, so revocations by other instances are kept when this one writes.
  loaded_at_.reset();
  RefreshLocked(now);
  revoked_[parts->nonce] = parts->expires;
  PruneLocked(UnixSeconds(now));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [nonce, expires] : revoked_) out[nonce] = expires;
  std::string value = out.dump();
  core::Status saved = save_(value);
  if (saved.ok()) last_loaded_ = std::move(value);
  return saved;
}

bool SessionRevocations::IsRevoked(std::string_view token) {
  auto parts = Parts(token);
  if (!parts) return true;
  std::lock_guard lock(mutex_);
  RefreshLocked(clock_.Now());
  return revoked_.contains(parts->nonce);
}

}  // namespace callbrief::http
