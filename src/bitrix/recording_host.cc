#include "bitrix/recording_host.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "core/redact.h"
#include "net/http_client.h"

namespace callbrief::bitrix {
namespace {

// Lower-cased, without IPv6 brackets or a zone id, without a trailing dot.
std::string NormalHost(std::string_view host) {
  std::string h(host);
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (auto zone = h.find('%'); zone != std::string::npos) h.resize(zone);
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool IsPrivateV4(const std::array<std::uint8_t, 4>& a) {
  return a[0] == 10 || a[0] == 127 || a[0] == 0 || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
         (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
}

bool IsPrivateV6(const std::array<std::uint8_t, 16>& a) {
  bool zero_prefix = std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; });
  if (zero_prefix && a[10] == 0xFF && a[11] == 0xFF) {  // ::ffff:a.b.c.d, IPv4-mapped.
    return IsPrivateV4({a[12], a[13], a[14], a[15]});
  }
  bool zero_head =
      zero_prefix && a[10] == 0 && a[11] == 0 && a[12] == 0 && a[13] == 0 && a[14] == 0;
  if (zero_head && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1.
  if ((a[0] & 0xFE) == 0xFC) return true;                    // fc00::/7, unique local.
  return a[0] == 0xFE && (a[1] & 0xC0) == 0x80;              // fe80::/10, link-local.
}

// Whether `host` (normalised) is allowed by one RECORDING_HOSTS entry.
bool MatchesRule(const std::string& host, std::string_view rule) {
  if (!IsValidRecordingHostRule(rule)) return false;
  std::string normal = NormalHost(rule);
  if (normal.front() != '.') return host == normal;
  return host.size() > normal.size() &&
         host.compare(host.size() - normal.size(), normal.size(), normal) == 0;
}

}  // namespace

bool IsValidRecordingHostRule(std::string_view rule) {
  std::string normal = NormalHost(rule);
  if (normal.empty()) return false;
  if (normal.find(':') != std::string::npos) {  // Only an IPv6 literal has colons.
    std::array<std::uint8_t, 16> v6{};
    return inet_pton(AF_INET6, normal.c_str(), v6.data()) == 1;
  }
  for (char c : normal) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-') return false;
  }
  if (normal.front() != '.') return normal.find("..") == std::string::npos;
  std::string_view domain = std::string_view(normal).substr(1);
  return !domain.empty() && domain.find('.') != std::string_view::npos && domain.front() != '.' &&
         domain.back() != '.' && domain.find("..") == std::string::npos;
}

bool IsPrivateAddressLiteral(std::string_view host) {
  std::string h = NormalHost(host);
  std::array<std::uint8_t, 4> v4{};
  if (inet_pton(AF_INET, h.c_str(), v4.data()) == 1) return IsPrivateV4(v4);
  std::array<std::uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, h.c_str(), v6.data()) == 1) return IsPrivateV6(v6);
  return false;
}

core::Status CheckRecordingHost(std::string_view url, const RecordingHosts& hosts) {
  std::string host = NormalHost(net::UrlHost(url));
  if (host.empty()) {
    return core::Error::Permanent("the recording link has no host");
  }
  std::string shown = core::Redact(host);
  bool is_portal = host == NormalHost(hosts.portal_host);
  if (!is_portal && IsPrivateAddressLiteral(host)) {
    return core::Error::Permanent(fmt::format(
        "refusing to download the recording from {}: a private, loopback or link-local address "
        "that is not the portal's own (only the host of BITRIX24_WEBHOOK_URL may be one)",
        shown));
  }
  if (is_portal) return core::Ok();
  for (const auto& extra : hosts.extra_hosts) {
    if (MatchesRule(host, extra)) return core::Ok();
  }
  return core::Error::Permanent(fmt::format(
      "refusing to download the recording from {}: neither the portal's host nor listed in "
      "RECORDING_HOSTS (add it, or a suffix rule such as .voximplant.com, to RECORDING_HOSTS if "
      "it is trusted)",
      shown));
}

std::function<bool(const std::string& url)> MakeRedirectApproval(RecordingHosts hosts,
                                                                 std::string* refusal) {
  return [hosts = std::move(hosts), refusal](const std::string& url) {
    auto status = CheckRecordingHost(url, hosts);
    if (!status.ok() && refusal != nullptr) *refusal = status.error().message;
    return status.ok();
  };
}

}  // namespace callbrief::bitrix
