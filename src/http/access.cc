#include "http/access.h"

#include <optional>
#include <string>

#include "http/webhook_intake.h"

namespace callbrief::http {
namespace {

std::optional<std::string> DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// The password of "Basic base64(user:password)", or nullopt.
std::optional<std::string> BasicPassword(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (!header.starts_with(kScheme)) return std::nullopt;
  auto decoded = DecodeBase64(header.substr(kScheme.size()));
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return decoded->substr(colon + 1);
}

}  // namespace

bool IsLoopbackAddress(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

Access CheckApiAccess(std::string_view remote_addr, bool forwarded,
                      std::string_view authorization_header, std::string_view admin_password) {
  if (!admin_password.empty()) {
    auto password = BasicPassword(authorization_header);
    return password && ConstantTimeEquals(*password, admin_password) ? Access::kAllow
                                                                     : Access::kNeedsPassword;
  }
  return IsLoopbackAddress(remote_addr) && !forwarded ? Access::kAllow : Access::kLoopbackOnly;
}

Access CheckAccess(std::string_view remote_addr, bool forwarded,
                   std::string_view authorization_header, bool valid_session,
                   std::string_view admin_password) {
  if (!admin_password.empty() && valid_session) return Access::kAllow;
  return CheckApiAccess(remote_addr, forwarded, authorization_header, admin_password);
}

}  // namespace callbrief::http
