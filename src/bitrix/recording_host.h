#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace callbrief::bitrix {

// The hosts a call recording may be downloaded from: the portal's own host (from
// BITRIX24_WEBHOOK_URL) and the operator's RECORDING_HOSTS. Host names only: no scheme, no port.
struct RecordingHosts {
  std::string portal_host;
  std::vector<std::string> extra_hosts;
};

// Whether `url` may be downloaded from (the first URL and every redirect alike). Pure: no DNS.
//  - the host must equal the portal host or one of the extra hosts exactly (case-insensitive, a
//    trailing dot ignored; no wildcards, no subdomains);
//  - a host that is a literal private, loopback, link-local or unspecified IP address (10/8,
//    172.16/12, 192.168/16, 127/8, 169.254/16, 0/8; ::1, ::, fc00::/7, fe80::/10, and IPv4-mapped
//    IPv6 of those) is refused even when listed, unless it is the portal host itself (a portal on
//    a private network, or tests on 127.0.0.1).
// Only literal addresses are checked: a listed *name* that DNS resolves to a private address is
// trusted, because checking that would need resolving here and again in libcurl (which could
// answer differently). The operator vouches for every name in RECORDING_HOSTS.
// Failures are kPermanent; the message names the host (never the URL, whose query may hold a
// download signature) and says what the operator can do.
core::Status CheckRecordingHost(std::string_view url, const RecordingHosts& hosts);

// CheckRecordingHost as a DownloadOptions::allow_redirect predicate. When it refuses a URL it
// stores the reason in `*refusal` (if not null), so the caller can report it instead of the HTTP
// client's terser message. The predicate owns copies of `hosts`; `refusal` must outlive it.
std::function<bool(const std::string& url)> MakeRedirectApproval(RecordingHosts hosts,
                                                                 std::string* refusal);

// Whether `host` (as UrlHost returns it; IPv6 in brackets or not) is a literal IP address in one
// of the ranges above. Names are never private by this test.
bool IsPrivateAddressLiteral(std::string_view host);

}  // namespace callbrief::bitrix
