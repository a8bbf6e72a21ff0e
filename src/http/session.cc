#include "http/session.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "http/webhook_intake.h"

namespace callbrief::http {
namespace {

constexpr std::string_view kVersion = "v1";

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::int64_t UnixSeconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "host:port" of an Origin ("https://host:port"), lowercased.
std::string OriginHost(std::string_view origin) {
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return Lower(origin);
  return Lower(origin.substr(scheme_end + 3));
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return Hex(mac, size);
}

std::string RandomHex(std::size_t count) {
  std::vector<unsigned char> bytes(count);
  if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the operating system's random source failed");
  }
  return Hex(bytes.data(), bytes.size());
}

SessionSigner::SessionSigner(std::string_view secret, std::string_view admin_password)
    : key_(HmacSha256Hex(secret, fmt::format("callbrief session key\n{}", admin_password))) {}

std::string SessionSigner::Issue(core::TimePoint now) const {
  std::string body =
      fmt::format("{}.{}.{}", kVersion, UnixSeconds(now) + kLifetimeSeconds, RandomHex(16));
  return body + "." + HmacSha256Hex(key_, body);
}

bool SessionSigner::Verify(std::string_view token, core::TimePoint now) const {
  auto parts = Split(token, '.');
  if (parts.size() != 4 || parts[0] != kVersion) return false;
  size_t body_size = token.size() - parts[3].size() - 1;
  if (!ConstantTimeEquals(HmacSha256Hex(key_, token.substr(0, body_size)), parts[3])) return false;
  std::int64_t expires = 0;
  auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), expires);
  if (ec != std::errc() || ptr != parts[1].data() + parts[1].size()) return false;
  return UnixSeconds(now) < expires;
}

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  for (std::string_view pair : Split(header, ';')) {
    pair = Trim(pair);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return std::string(value);
  }
  return std::nullopt;
}

std::string SessionCookieHeader(std::string_view token, bool secure) {
  std::string header = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Lax", kSessionCookie, token);
  header +=
      token.empty() ? "; Max-Age=0" : fmt::format("; Max-Age={}", SessionSigner::kLifetimeSeconds);
  if (secure) header += "; Secure";
  return header;
}

LoginThrottle::Window& LoginThrottle::Current(Window& window, core::TimePoint now) {
  if (now - window.started >= kWindow) window = {.started = now, .failures = 0};
  return window;
}

std::int64_t LoginThrottle::Wait(const Window& window, int limit, core::TimePoint now) const {
  if (window.failures < limit) return 0;
  auto left = std::chrono::ceil<std::chrono::seconds>(window.started + kWindow - now).count();
  return std::max<std::int64_t>(left, 1);
}

std::int64_t LoginThrottle::RetryAfterSeconds(const std::string& client) {
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.Now();
  auto it = clients_.find(client);
  // A client without a failure in this window is never held back, whatever others do: the
  // global limit slows a spread-out attack without locking the operator out.
  if (it == clients_.end() || Current(it->second, now).failures == 0) return 0;
  return std::max(Wait(it->second, kMaxFailures, now),
                  Wait(Current(global_, now), kMaxGlobalFailures, now));
}

void LoginThrottle::RecordFailure(const std::string& client) {
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.Now();
  PruneLocked(now);
  Current(global_, now).failures++;
  auto [it, inserted] = clients_.try_emplace(client, Window{.started = now, .failures = 0});
  Current(it->second, now).failures++;
}

void LoginThrottle::RecordSuccess(const std::string& client) {
  std::lock_guard lock(mutex_);
  clients_.erase(client);
}

std::size_t LoginThrottle::tracked_clients() {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

void LoginThrottle::PruneLocked(core::TimePoint now) {
  if (clients_.size() < kMaxTrackedClients) return;
  std::erase_if(clients_, [&](const auto& entry) { return now - entry.second.started >= kWindow; });
  // Still more than half full: that many clients failed within one window, so the global limit
  // is reached and every client that fails once is held back anyway. Forgetting them all bounds
  // the memory (a flood from fresh addresses, e.g. the IPv6 /64s of a larger block) and gives
  // each at most one more guess, as a fresh address would get; clearing rather than trimming
  // keeps the scan above rare (at most once per kMaxTrackedClients / 2 failures).
  if (clients_.size() > kMaxTrackedClients / 2) clients_.clear();
}

bool IsCrossSiteRequest(std::string_view sec_fetch_site, std::string_view origin,
                        std::string_view host, std::string_view forwarded_host) {
  // A browser that names the relation is believed; with Referrer-Policy: no-referrer it also
  // sends "Origin: null" for our own form posts, so the origin cannot decide then.
  if (!sec_fetch_site.empty()) return sec_fetch_site != "same-origin" && sec_fetch_site != "none";
  if (origin.empty()) return false;
  if (origin == "null") return true;
  std::string origin_host = OriginHost(origin);
  std::string_view asked = forwarded_host.empty() ? host : Trim(Split(forwarded_host, ',')[0]);
  return origin_host != Lower(asked);
}

std::string SafeNextPath(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 1000) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\\') return "/";
  }
  return std::string(next);
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace callbrief::http
