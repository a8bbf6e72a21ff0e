#pragma once

// Local servers for the tests of callbrief_net: a well-behaved one (cpp-httplib) and a raw socket
// one for the failures real upstreams produce. Both listen on 127.0.0.1 on a port the kernel
// picks, so tests run in parallel without clashing.

#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include "testing/temp_dir.h"

namespace callbrief::net::testing {

// A cpp-httplib server serving `routes` on its own thread from construction to destruction.
// Destroy every client that holds connections to it first: the server waits for idle keep-alive
// connections before it stops.
class LocalHttpServer {
 public:
  explicit LocalHttpServer(const std::function<void(httplib::Server&)>& routes);
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  std::string Url(std::string_view path) const;  // "http://127.0.0.1:<port>" + path

 private:
  httplib::Server server_;
  int listen_socket_ = -1;
  int port_ = -1;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// What MisbehavingServer does with each connection once it has read the request head.
enum class Misbehaviour {
  kNeverAnswer,    // Keeps the connection open and silent until the server is destroyed.
  kReset,          // Resets the connection (RST).
  kTruncatedBody,  // Announces Content-Length: 1000, sends 10 bytes and closes.
};

class MisbehavingServer {
 public:
  explicit MisbehavingServer(Misbehaviour misbehaviour);
  ~MisbehavingServer();
  MisbehavingServer(const MisbehavingServer&) = delete;
  MisbehavingServer& operator=(const MisbehavingServer&) = delete;

  std::string Url(std::string_view path) const;

 private:
  void Serve();

  const Misbehaviour misbehaviour_;
  int listen_fd_ = -1;
  int port_ = -1;
  std::vector<int> silent_connections_;  // Touched by the serving thread only, until it is joined.
  std::thread thread_;
};

// A port on 127.0.0.1 that is bound but not listening, so connecting to it is refused. Holding the
// socket keeps anyone else from taking the port during the test.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  std::string Url(std::string_view path) const;

 private:
  int fd_ = -1;
  int port_ = -1;
};

using callbrief::testing::TempDir;

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, std::string_view content);

// `size` bytes of every value 0..255 in turn: NULs, CR/LF and high bytes included.
std::string BinaryContent(std::size_t size);

std::string Sha256Hex(std::string_view data);

}  // namespace callbrief::net::testing
