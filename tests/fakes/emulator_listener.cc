#include "fakes/emulator_listener.h"

#include <csignal>

#include <chrono>
#include <string>

namespace callbrief::fakes {

core::Result<int> ListenInBackground(httplib::Server& server, int port, std::size_t pool_threads,
                                     std::string_view who, std::thread& thread) {
  server.set_tcp_nodelay(true);
  // One request per connection ("Connection: close" on every answer): cpp-httplib's stop() waits
  // for each open connection's keep-alive timeout (0.11 process_server_socket_core polls the idle
  // socket for the whole timeout before it looks at the server again), which cost every test that
  // stopped an emulator 2 s while its client still held a connection. Clients must work with a
  // server that closes (the real ones do whenever they like), so nothing they do is lost.
  server.set_keep_alive_max_count(1);
  server.set_keep_alive_timeout(2);
  server.new_task_queue = [pool_threads] { return new httplib::ThreadPool(pool_threads); };
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return core::Error::Transient(std::string(who) +
                                  ": cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  thread = std::thread([&server] {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    server.listen_after_bind();
  });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void StopListening(httplib::Server& server, std::thread& thread) {
  if (!thread.joinable()) return;
  server.stop();
  thread.join();
}

}  // namespace callbrief::fakes
