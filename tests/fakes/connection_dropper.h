#pragma once

#include <httplib.h>

namespace callbrief::fakes {

// Shuts down (both ways) the server-side socket that carries `request`, so the client sees the
// connection end without a byte of the answer, as when a proxy or the portal drops it. The
// handler's own answer is then lost. cpp-httplib does not hand handlers their socket, so this
// finds it among the process's descriptors by its two endpoints (Linux). Returns false if none
// matched. The calling thread must block SIGPIPE, as the fake's server threads do.
bool DropConnection(const httplib::Request& request);

}  // namespace callbrief::fakes
