#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"
#include "http/access.h"
#include "http/session.h"

namespace callbrief::http {

struct AccessGateOptions {
  // ADMIN_PASSWORD; empty: loopback-only mode.
  std::string admin_password{};
  // PUBLIC_URL: its host is a name this service may be asked for in loopback-only mode.
  std::string public_url{};
  // TRUSTED_PROXIES: the only peers whose X-Forwarded-For is believed.
  std::vector<core::IpNetwork> trusted_proxies{};
};

// What a request presents to the gate, read from its connection and headers by the server.
struct AccessRequest {
  std::string_view remote_addr{};
  std::string_view host{};           // The Host header.
  std::string_view forwarded_for{};  // The X-Forwarded-For header.
  bool forwarded = false;            // Any forwarding header (see IsProxied).
  std::string_view authorization{};  // The Authorization header.
  bool valid_session = false;        // A valid, unrevoked login cookie was presented.
};

enum class GateVerdict {
  kAllow,
  kNeedsPassword,  // 401 (or the login form).
  kLoopbackOnly,   // 403: no ADMIN_PASSWORD and not a local client.
  kMisdirected,    // 421: no ADMIN_PASSWORD and a Host that is not this machine's (DNS rebinding).
  kThrottled,      // 429: this client failed too often; retry_after_seconds says when to retry.
};

struct GateDecision {
  GateVerdict verdict = GateVerdict::kAllow;
  std::int64_t retry_after_seconds = 0;
};

// Who may use the web UI and the JSON API, per request (CheckAccess), hardened against hostile
// networks:
//  - without ADMIN_PASSWORD a local client must also name this machine in Host (localhost,
//    127.0.0.1, [::1] or the PUBLIC_URL host): a web page whose DNS name rebinds to 127.0.0.1
//    runs in the operator's browser, a local client, but its requests carry its own name as Host;
//  - wrong HTTP Basic passwords count in the same LoginThrottle as the login form, per client
//    address (X-Forwarded-For believed only from TRUSTED_PROXIES), and are logged; a client over
//    its limit is refused (429) before its password is compared, so guessing stops outright.
// Thread-safe.
class AccessGate {
 public:
  AccessGate(AccessGateOptions options, const core::Clock& clock);

  GateDecision Check(const AccessRequest& request);

  // The address a request is counted and logged under: the peer, or, when the peer is a trusted
  // proxy, the right-most X-Forwarded-For entry that is not itself a trusted proxy (entries to
  // its left were written by the client and prove nothing).
  std::string ClientAddress(std::string_view remote_addr, std::string_view forwarded_for) const;
  // The LoginThrottle key of a client address: the address; for IPv6 its /64 network, which one
  // subscriber usually holds whole (so a client cannot step to a fresh address for each guess).
  static std::string ThrottleKey(std::string_view client_address);
  // Whether `host_header` names this machine (loopback-only mode; see above).
  bool IsLocalHostHeader(std::string_view host_header) const;

  // Shared with the login form, so guesses count the same by either path.
  LoginThrottle& throttle() { return throttle_; }

 private:
  AccessGateOptions options_;
  std::string public_host_;  // Lower-case, without port; empty without PUBLIC_URL.
  LoginThrottle throttle_;
};

// Whether an Authorization header carries `token` as a bearer token ("Bearer <token>", the
// scheme in any case, RFC 9110 11.1). Compared with ConstantTimeEquals. False for an empty token.
bool BearerTokenMatches(std::string_view authorization, std::string_view token);

}  // namespace callbrief::http
