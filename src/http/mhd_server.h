#pragma once

// The HTTP edge: reads requests from the network with libmicrohttpd, enforces edge_limits.h while
// reading, and hands complete requests to a handler on a separate thread pool, so a slow handler
// (a durable commit, a database query) never holds up reading or writing other connections.
// Nothing else in callbrief knows the library.

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/edge_limits.h"
#include "http/http_message.h"

namespace callbrief::http {

struct EdgeOptions {
  std::string host = "0.0.0.0";
  int port = 8080;           // 0 picks a free port.
  int handler_threads = 16;  // Requests handled at once; connections are not bounded by it.
  EdgeLimits limits{};
};

class HttpEdge {
 public:
  // Answers a request that passed the limits. Runs on a handler thread.
  using Handle = std::function<void(Request&, Response&)>;
  // Told of every refusal (to count and log it), and builds the answer for those that get one.
  // Runs on an I/O or the watchdog thread: must not block. `req` has what was read of the head
  // (may be empty).
  using Refused = std::function<Response(Refusal, const Request& req)>;
  // Whether `handle` may answer this request on the network thread itself (it never blocks).
  using Inline = std::function<bool(const Request& req)>;

  HttpEdge(EdgeOptions options, Handle handle, Refused refused, Inline runs_inline = {});
  ~HttpEdge();

  // Binds and listens; after success port() is the real port.
  core::Status Bind();
  // Serves until Stop(); then stops accepting, lets requests being handled finish (up to the
  // request deadline) and closes every connection.
  void Run();
  // Thread-safe; may be called before Run() or from a signal-handling thread.
  void Stop();
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callbrief::http
