#pragma once

#include <string_view>

namespace callbrief::http {

enum class Access { kAllow, kNeedsPassword, kLoopbackOnly };

// Who may use the JSON API and the web UI. With ADMIN_PASSWORD set, anyone
// presenting it as HTTP Basic credentials (any user name). Without it, only
// clients on this machine, and not requests relayed by a proxy (any forwarding
// header present), since behind a local reverse proxy every client would
// otherwise look local.
Access CheckApiAccess(std::string_view remote_addr, bool forwarded,
                      std::string_view authorization_header, std::string_view admin_password);

// The rule for the web UI and the API: as CheckApiAccess, and with ADMIN_PASSWORD set a valid
// login session (signed cookie, see session.h) counts like the password.
Access CheckAccess(std::string_view remote_addr, bool forwarded,
                   std::string_view authorization_header, bool valid_session,
                   std::string_view admin_password);

bool IsLoopbackAddress(std::string_view addr);

}  // namespace callbrief::http
