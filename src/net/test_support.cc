#include "net/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace callbrief::net::testing {
namespace {

std::string LoopbackUrl(int port, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
}

// A TCP socket bound to 127.0.0.1 on a port the kernel picks; returns the socket and the port.
std::pair<int, int> BindLoopback() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a loopback socket");
  }
  return {fd, ntohs(address.sin_port)};
}

// Reads until the blank line that ends a request head (the tests send no bodies here).
void ReadRequestHead(int fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    head.append(buffer, static_cast<std::size_t>(got));
  }
}

}  // namespace

LocalHttpServer::LocalHttpServer(const std::function<void(httplib::Server&)>& routes) {
  // Enough threads that every pooled client connection, kept alive, still leaves one free.
  server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(1);
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = sock;
  });
  routes(server_);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("cannot bind the test HTTP server");
  // cpp-httplib 0.11 listens with a backlog of 5; eight threads connecting at once need more.
  ::listen(listen_socket_, SOMAXCONN);
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    finished_ = true;
  });
}

LocalHttpServer::~LocalHttpServer() {
  // stop() is a no-op until the accept loop runs, so wait for it to start (not for any time).
  while (!server_.is_running() && !finished_) std::this_thread::yield();
  server_.stop();
  thread_.join();
}

std::string LocalHttpServer::Url(std::string_view path) const { return LoopbackUrl(port_, path); }

MisbehavingServer::MisbehavingServer(Misbehaviour misbehaviour) : misbehaviour_(misbehaviour) {
  std::tie(listen_fd_, port_) = BindLoopback();
  if (::listen(listen_fd_, SOMAXCONN) != 0) throw std::runtime_error("cannot listen");
  thread_ = std::thread([this] { Serve(); });
}

MisbehavingServer::~MisbehavingServer() {
  ::shutdown(listen_fd_, SHUT_RDWR);  // Wakes the blocked accept().
  thread_.join();
  ::close(listen_fd_);
  for (int fd : silent_connections_) ::close(fd);
}

void MisbehavingServer::Serve() {
  static constexpr std::string_view kTruncated =
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n0123456789";
  while (true) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0 && errno == EINTR) continue;
    if (fd < 0) return;
    ReadRequestHead(fd);
    switch (misbehaviour_) {
      case Misbehaviour::kNeverAnswer:
        silent_connections_.push_back(fd);
        break;
      case Misbehaviour::kReset: {
        linger abort_on_close{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
        ::close(fd);
        break;
      }
      case Misbehaviour::kTruncatedBody:
        (void)!::send(fd, kTruncated.data(), kTruncated.size(), MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
        ::close(fd);
        break;
    }
  }
}

std::string MisbehavingServer::Url(std::string_view path) const { return LoopbackUrl(port_, path); }

RefusingPort::RefusingPort() { std::tie(fd_, port_) = BindLoopback(); }
RefusingPort::~RefusingPort() { ::close(fd_); }
std::string RefusingPort::Url(std::string_view path) const { return LoopbackUrl(port_, path); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::string BinaryContent(std::size_t size) {
  std::string content(size, '\0');
  for (std::size_t i = 0; i < size; ++i) content[i] = static_cast<char>(i % 256);
  return content;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

}  // namespace callbrief::net::testing
