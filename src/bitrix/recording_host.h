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
//  - the host must equal the portal host or one of the extra hosts (case-insensitive, a trailing
//    dot ignored). An extra host starting with a dot is a suffix rule: ".voximplant.com" allows
//    every name under voximplant.com (storage-gw-ru-03.voximplant.com), not voximplant.com
//    itself. CALL_RECORD_URL points to Voximplant's storage or an external PBX, never the portal
//    (vi_history.php stores the record URL Voximplant reports), and the storage host varies;
//  - a suffix rule needs at least two labels (".com" or "." never matches anything): see
//    IsValidRecordingHostRule;
//  - a host that is a literal address in a non-public range (core::IsPrivateAddress: private,
//    shared, loopback, link-local, multicast, reserved, NAT64 and the like, also spelled as a
//    plain number such as 2130706433 or in octal or hex) is refused even when listed, unless it
//    is the portal host itself (a portal on a private network, or tests on 127.0.0.1).
// Only literal addresses are checked: a listed *name* that DNS resolves to a private address is
// trusted, because checking that would need resolving here and again in libcurl (which could
// answer differently). The operator vouches for every name in RECORDING_HOSTS.
// Failures are kPermanent; the message names the host (never the URL, whose query may hold a
// download signature) and says what the operator can do.
core::Status CheckRecordingHost(std::string_view url, const RecordingHosts& hosts);

// Whether an entry of RECORDING_HOSTS can match anything: a host name, or a suffix rule
// (".example.com") with at least two labels after the dot. "", ".", ".com", "*.x.com" and names
// with a scheme, port or path are not. Pure; for the configuration check.
bool IsValidRecordingHostRule(std::string_view rule);

// CheckRecordingHost as a DownloadOptions::allow_redirect predicate. When it refuses a URL it
// stores the reason in `*refusal` (if not null), so the caller can report it instead of the HTTP
// client's terser message. The predicate owns copies of `hosts`; `refusal` must outlive it.
std::function<bool(const std::string& url)> MakeRedirectApproval(RecordingHosts hosts,
                                                                 std::string* refusal);

// Whether `host` (as UrlHost returns it; IPv6 in brackets or not) is a literal IP address in one
// of the ranges of core::IsPrivateAddress. Names are never private by this test.
bool IsPrivateAddressLiteral(std::string_view host);

}  // namespace callbrief::bitrix
