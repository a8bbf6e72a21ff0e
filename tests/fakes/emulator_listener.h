#pragma once

#include <httplib.h>

#include <cstddef>
#include <string_view>
#include <thread>

#include "core/result.h"

namespace callbrief::fakes {

// How every emulator serves: on 127.0.0.1, on its own thread, with SIGPIPE blocked (a client that
// hangs up mid-answer must not kill the test process; the pool's threads inherit the mask), one
// request per connection (answered "Connection: close", so Stop() never waits for an idle
// keep-alive connection and no client races the server closing one) and `pool_threads` request
// threads. Returns the port (`port` 0: one the kernel picks), once the server accepts.
// `who` names the emulator in the error ("fake OpenAI").
core::Result<int> ListenInBackground(httplib::Server& server, int port, std::size_t pool_threads,
                                     std::string_view who, std::thread& thread);

// Stops a server started by ListenInBackground and joins its thread. Idempotent.
void StopListening(httplib::Server& server, std::thread& thread);

}  // namespace callbrief::fakes
