#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/webhook_intake.h"
#include "store/call_store.h"

namespace callbrief::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0 picks a free port (tests).
  int threads = 128;
  std::string admin_password;
  std::size_t max_body_bytes = 256 * 1024;
};

// The HTTP surface of `callbrief serve`: the Bitrix24 webhook endpoints, the JSON API and the
// health probes. Handlers only parse, delegate and answer; they never call a provider.
class Server {
 public:
  Server(ServerOptions options, WebhookIntake& intake, store::CallStore& store);
  ~Server();

  // Binds the listening socket; after success port() is the real port.
  core::Status Bind();
  // Serves until Stop(); returns when the listener is closed and in-flight requests are done.
  void Run();
  // Thread-safe; may be called from a signal-handling thread.
  void Stop();
  int port() const { return port_; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace callbrief::http
