#include "core/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace callbrief::core {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

IpAddress FromV4(const std::uint8_t* v4) {
  IpAddress out;
  std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), out.bytes.begin());
  std::copy(v4, v4 + 4, out.bytes.begin() + 12);
  return out;
}

// Without IPv6 brackets and zone id, and without a trailing dot.
std::string Bare(std::string_view text) {
  std::string h(text);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (auto zone = h.find('%'); zone != std::string::npos) h.resize(zone);
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool IsPrivateV4(const std::uint8_t* a) {
  return a[0] == 0 || a[0] == 10 || a[0] == 127 ||   // this network, private, loopback
         (a[0] == 100 && (a[1] & 0xC0) == 64) ||     // 100.64/10, carrier-grade NAT
         (a[0] == 169 && a[1] == 254) ||             // link-local
         (a[0] == 172 && (a[1] & 0xF0) == 16) ||     // 172.16/12
         (a[0] == 192 && a[1] == 0 && a[2] == 0) ||  // 192.0.0/24, IETF protocol use
         (a[0] == 192 && a[1] == 168) ||             // 192.168/16
         (a[0] == 198 && (a[1] & 0xFE) == 18) ||     // 198.18/15, benchmarking
         a[0] >= 224;                                // multicast, reserved, broadcast
}

bool AllZero(const std::uint8_t* from, const std::uint8_t* to) {
  return std::all_of(from, to, [](std::uint8_t b) { return b == 0; });
}

}  // namespace

bool IpAddress::IsV4() const {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin());
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string h = Bare(text);
  std::array<std::uint8_t, 16> raw{};
  if (inet_pton(AF_INET, h.c_str(), raw.data()) == 1) return FromV4(raw.data());
  if (inet_pton(AF_INET6, h.c_str(), raw.data()) == 1) return IpAddress{raw};
  return std::nullopt;
}

std::optional<IpAddress> ParseHostAddress(std::string_view host) {
  if (auto strict = ParseIpAddress(host)) return strict;
  std::string h = Bare(host);
  // inet_aton also stops at whitespace and ignores the rest; only digits, hex and dots here.
  bool numeric = !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'x' ||
           c == 'X' || c == '.';
  });
  in_addr v4{};
  if (!numeric || inet_aton(h.c_str(), &v4) == 0) return std::nullopt;
  return FromV4(reinterpret_cast<const std::uint8_t*>(&v4.s_addr));
}

bool IsPrivateAddress(const IpAddress& address) {
  const std::uint8_t* a = address.bytes.data();
  if (address.IsV4()) return IsPrivateV4(a + 12);
  if (AllZero(a, a + 12)) {
    // ::, ::1, and the deprecated IPv4-compatible ::a.b.c.d, which some stacks still route.
    return AllZero(a + 12, a + 15) || IsPrivateV4(a + 12);
  }
  constexpr std::array<std::uint8_t, 12> kNat64 = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(kNat64.begin(), kNat64.end(), a)) return true;  // 64:ff9b::/96
  return (a[0] & 0xFE) == 0xFC ||                                // fc00::/7, unique local
         (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||              // fe80::/10, link-local
         a[0] == 0xFF;                                           // ff00::/8, multicast
}

bool IsPrivateAddressLiteral(std::string_view host) {
  auto address = ParseHostAddress(host);
  return address && IsPrivateAddress(*address);
}

bool IpNetwork::Contains(const IpAddress& address) const {
  int full = prefix_bits / 8;
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + full, address.bytes.begin())) {
    return false;
  }
  int rest = prefix_bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (base.bytes[full] & mask) == (address.bytes[full] & mask);
}

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  auto invalid = [&] {
    return Error::InvalidInput(fmt::format(
        "\"{}\" is not an IP address or range (write 203.0.113.7, 10.0.0.0/8 or fd00::/8)",
        text.substr(0, 64)));
  };
  std::string_view address_text = text.substr(0, text.find('/'));
  auto address = ParseIpAddress(address_text);
  if (!address) return invalid();
  IpNetwork network{.base = *address, .prefix_bits = 128};
  if (address_text.size() < text.size()) {
    std::string_view bits = text.substr(address_text.size() + 1);
    int prefix = -1;
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    int max = address->IsV4() ? 32 : 128;
    if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 ||
        prefix > max) {
      return invalid();
    }
    network.prefix_bits = address->IsV4() ? 96 + prefix : prefix;
  }
  return network;
}

Result<std::vector<IpNetwork>> ParseIpNetworks(std::string_view text) {
  std::vector<IpNetwork> out;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t end = rest.find_first_of(", \t");
    std::string_view entry = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (entry.empty()) continue;
    auto network = ParseIpNetwork(entry);
    if (!network) return network.error();
    out.push_back(*network);
  }
  return out;
}

bool InAnyNetwork(const std::vector<IpNetwork>& networks, const IpAddress& address) {
  return std::any_of(networks.begin(), networks.end(),
                     [&](const IpNetwork& network) { return network.Contains(address); });
}

}  // namespace callbrief::core
