#include "http/access_gate.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/redact.h"
#include "http/webhook_intake.h"

namespace callbrief::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The host of "host", "host:port", "[v6]" or "[v6]:port", lower-cased, brackets kept, a trailing
// dot (the fully qualified spelling of the same name) dropped.
std::string HostWithoutPort(std::string_view authority) {
  std::string host;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    host =
        Lower(authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1));
  } else {
    host = Lower(authority.substr(0, authority.find(':')));
  }
  if (host.ends_with('.')) host.pop_back();
  return host;
}

// The host of PUBLIC_URL ("https://calls.example.com:8443/base"), lower-cased.
std::string UrlHost(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return HostWithoutPort(authority);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

AccessGate::AccessGate(AccessGateOptions options, const core::Clock& clock)
    : options_(std::move(options)), public_host_(UrlHost(options_.public_url)), throttle_(clock) {}

bool AccessGate::IsLocalHostHeader(std::string_view host_header) const {
  std::string host = HostWithoutPort(Trim(host_header));
  if (host == "localhost" || host == "127.0.0.1" || host == "[::1]") return true;
  return !public_host_.empty() && host == public_host_;
}

std::string AccessGate::ClientAddress(std::string_view remote_addr,
                                      std::string_view forwarded_for) const {
  auto peer = core::ParseIpAddress(remote_addr);
  if (!peer || !core::InAnyNetwork(options_.trusted_proxies, *peer)) {
    return std::string(remote_addr);
  }
  std::string client(remote_addr);
  while (!forwarded_for.empty()) {
    std::size_t comma = forwarded_for.rfind(',');
    std::string_view entry =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? "" : forwarded_for.substr(0, comma);
    auto address = core::ParseIpAddress(entry);
    // A trusted proxy writes what it saw, always an address: anything else means the chain
    // cannot be read further, and the last trusted hop is the best we know.
    if (!address) break;
    client = std::string(entry);
    if (!core::InAnyNetwork(options_.trusted_proxies, *address)) break;
  }
  return client;
}

std::string AccessGate::ThrottleKey(std::string_view client_address) {
  auto address = core::ParseIpAddress(client_address);
  if (!address) return std::string(client_address);
  const auto& b = address->bytes;
  if (address->IsV4()) return fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
  return fmt::format("{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}::/64", b[0], b[1], b[2],
                     b[3], b[4], b[5], b[6], b[7]);
}

GateDecision AccessGate::Check(const AccessRequest& request) {
  if (options_.admin_password.empty()) {
    if (CheckApiAccess(request.remote_addr, request.forwarded, request.authorization, "") !=
        Access::kAllow) {
      return {GateVerdict::kLoopbackOnly};
    }
    if (!IsLocalHostHeader(request.host)) {
      spdlog::warn(
          "❌ Refused a request for Host \"{}\" from {}: only this machine's names are "
          "served until ADMIN_PASSWORD is set (DNS rebinding?)",
          core::Redact(request.host.substr(0, 100)), request.remote_addr);
      return {GateVerdict::kMisdirected};
    }
    return {GateVerdict::kAllow};
  }
  // A valid session, or no credentials at all: nothing was guessed, nothing to count.
  if (request.valid_session) return {GateVerdict::kAllow};
  if (request.authorization.empty()) return {GateVerdict::kNeedsPassword};
  const std::string client = ClientAddress(request.remote_addr, request.forwarded_for);
  const std::string key = ThrottleKey(client);
  // Before the password is compared: past the limit even the right one waits, so guessing
  // cannot go on during the lock-out.
  if (std::int64_t wait = throttle_.RetryAfterSeconds(key); wait > 0) {
    // "(HTTP Basic)", never "Basic " and a word: the log redactor takes that for credentials.
    spdlog::warn("❌ Password (HTTP Basic) from {} refused: too many wrong passwords, retry in {} s",
                 client, wait);
    return {GateVerdict::kThrottled, wait};
  }
  if (CheckApiAccess(request.remote_addr, request.forwarded, request.authorization,
                     options_.admin_password) == Access::kAllow) {
    throttle_.RecordSuccess(key);
    return {GateVerdict::kAllow};
  }
  throttle_.RecordFailure(key);
  spdlog::warn("❌ Wrong password (HTTP Basic) from {}", client);
  return {GateVerdict::kNeedsPassword};
}

bool BearerTokenMatches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "bearer ";
  if (token.empty() || authorization.size() < kScheme.size() ||
      Lower(authorization.substr(0, kScheme.size())) != kScheme) {
    return false;
  }
  return ConstantTimeEquals(Trim(authorization.substr(kScheme.size())), token);
}

}  // namespace callbrief::http
