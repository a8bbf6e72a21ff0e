#include "bitrix/recording_host.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/ip_address.h"
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
    return core::ParseIpAddress(normal).has_value();
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
  return core::IsPrivateAddressLiteral(NormalHost(host));
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
