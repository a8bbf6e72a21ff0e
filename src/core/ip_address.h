#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

// IP address literals: parsing (including the numeric IPv4 spellings resolvers accept), the
// ranges that must never be reached from outside input (recording downloads), and address
// ranges an operator lists (TRUSTED_PROXIES). Pure: no DNS.
namespace callbrief::core {

// An IPv4 or IPv6 address. IPv4 is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so one
// comparison covers a client that connects over either family.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  bool IsV4() const;  // An IPv4(-mapped) address.
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// A literal address: dotted-quad IPv4, or IPv6 (in brackets or not, a zone id "%eth0" ignored,
// "::ffff:1.2.3.4" included). Nothing else; nullopt for names.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// As ParseIpAddress, and also every other spelling of an IPv4 address that inet_aton, libcurl
// and browsers take for one: "2130706433", "0x7f000001", "0177.0.0.1", "127.1". For deciding
// whether a host in a URL is an address at all.
std::optional<IpAddress> ParseHostAddress(std::string_view host);

// Whether `address` is in a range that is not the public internet: unspecified 0/8, private
// 10/8, 172.16/12, 192.168/16, shared 100.64/10, loopback 127/8, link-local 169.254/16, IETF
// 192.0.0/24, benchmarking 198.18/15, multicast 224/4, reserved 240/4 (broadcast included);
// IPv6 ::, ::1, unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8, the NAT64
// prefix 64:ff9b::/96 (it reaches IPv4 through a translator), and IPv4 addresses embedded in
// IPv4-compatible ::/96 by the IPv4 rules.
bool IsPrivateAddress(const IpAddress& address);

// ParseHostAddress then IsPrivateAddress; false for names (which are never private by this test).
bool IsPrivateAddressLiteral(std::string_view host);

// An address range: "10.0.0.0/8", "fd00::/8", or a single address ("192.0.2.7", a /32 or /128).
struct IpNetwork {
  IpAddress base;
  int prefix_bits = 128;  // Counted on the 128-bit form (an IPv4 /8 is 96 + 8).

  bool Contains(const IpAddress& address) const;
};

// One range as above; InvalidInput naming `text` when it is not one.
Result<IpNetwork> ParseIpNetwork(std::string_view text);

// A comma- or space-separated list of ranges (TRUSTED_PROXIES); InvalidInput naming the first
// entry that is not a range.
Result<std::vector<IpNetwork>> ParseIpNetworks(std::string_view text);

bool InAnyNetwork(const std::vector<IpNetwork>& networks, const IpAddress& address);

}  // namespace callbrief::core
