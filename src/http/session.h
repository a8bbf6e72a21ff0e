#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace callbrief::http {

// Login sessions of the web UI as signed cookies, so any instance sharing the database accepts
// them and nothing is stored per session. A token is "v1.<expires unix seconds>.<nonce>.<mac>"
// where mac = hex HMAC-SHA256(key, "v1.<expires>.<nonce>"). The key is derived from a random
// secret kept in the database and from ADMIN_PASSWORD, so changing the password ends every
// session. Logout also revokes the token on the server (SessionRevocations), so a copy stops
// working too.
// Thread-safe (immutable after construction).
class SessionSigner {
 public:
  static constexpr std::int64_t kLifetimeSeconds = 7 * 24 * 3600;

  // `secret` is random bytes (any length); `admin_password` must not be empty.
  SessionSigner(std::string_view secret, std::string_view admin_password);

  std::string Issue(core::TimePoint now) const;
  // True for a token this signer issued that has not expired. Compares in constant time.
  bool Verify(std::string_view token, core::TimePoint now) const;

 private:
  std::string key_;
};

// HMAC-SHA256 as lowercase hex.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// `count` bytes from the operating system's random source, as lowercase hex.
std::string RandomHex(std::size_t count);

inline constexpr std::string_view kSessionCookie = "callbrief_session";

// The value of cookie `name` in a Cookie request header, if present.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// The Set-Cookie value for a session token: HttpOnly, SameSite=Lax, Path=/, Secure when the
// browser reached us over HTTPS. An empty token makes the cookie that deletes the session.
std::string SessionCookieHeader(std::string_view token, bool secure);

// Limits password guesses (login form and HTTP Basic alike): each client may fail kMaxFailures
// times per kWindow; past that, its attempts are refused until the window ends. Once all clients
// together failed kMaxGlobalFailures times in a window (many addresses guessing together), every
// client that has failed in it is refused until it ends; a client that has not failed is never
// refused, so an attacker cannot lock the operator out. Thread-safe.
class LoginThrottle {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr int kMaxGlobalFailures = 50;
  static constexpr std::chrono::seconds kWindow{60};
  // Clients remembered at most (about 100 bytes each); see PruneLocked.
  static constexpr std::size_t kMaxTrackedClients = 20'000;

  explicit LoginThrottle(const core::Clock& clock) : clock_(clock) {}

  // Seconds to wait before the next attempt, or 0 when this client may try now.
  std::int64_t RetryAfterSeconds(const std::string& client);
  void RecordFailure(const std::string& client);
  void RecordSuccess(const std::string& client);
  // How many clients are remembered (for tests of the memory bound).
  std::size_t tracked_clients();

 private:
  struct Window {
    core::TimePoint started{};
    int failures = 0;
  };
  // Starts a new window when the old one is over.
  Window& Current(Window& window, core::TimePoint now);
  std::int64_t Wait(const Window& window, int limit, core::TimePoint now) const;
  void PruneLocked(core::TimePoint now);

  const core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Window> clients_;
  Window global_{};
};

// Whether a state-changing request (login, logout, retry) comes from another site's page: a
// browser says so in Sec-Fetch-Site; older browsers give it away with an Origin ("null" or a host
// other than the one asked for: Host, or X-Forwarded-Host behind a proxy). Requests from scripts
// (no Origin, no Sec-Fetch-Site) are not cross-site.
bool IsCrossSiteRequest(std::string_view sec_fetch_site, std::string_view origin,
                        std::string_view host, std::string_view forwarded_host);

// The local path to return to after logging in: `next` when it is a path on this site ("/…", not
// "//…" or "/\…"), else "/".
std::string SafeNextPath(std::string_view next);

// `text` for a query string value: everything but letters, digits, "-._~/" percent-encoded.
std::string PercentEncode(std::string_view text);

}  // namespace callbrief::http
