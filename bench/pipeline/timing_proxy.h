#pragma once

// A reverse proxy in front of one emulator that times every request and can add a fixed delay to
// some paths, for bench/pipeline. callbrief talks to the proxy; the proxy forwards to the emulator.
//
// "Time inside a provider request" is what the proxy measures: from the moment the request's
// headers have arrived (httplib's pre-routing hook, before the body is read) to the moment the
// whole answer has been written to the socket (httplib's logger, after the write). The body
// upload, the emulator's work, any injected delay and the download of the answer are inside it;
// callbrief's own work before sending (connecting, building the request) and after receiving
// (parsing) is outside.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace callbrief::bench {

// Microseconds since the Unix epoch (the system clock, like the service's own timestamps).
std::int64_t NowMicros();

// One request as the proxy saw it.
struct Interval {
  std::string label;  // "bitrix voximplant.statistic.get", "download", "transcribe", …
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  int status = 0;
};

class TimingProxy {
 public:
  // `name` prefixes labels ("bitrix", "openai", "telegram"). With `rewrite_authority`, every
  // "127.0.0.1:<upstream>" in answers becomes "127.0.0.1:<proxy>", so links the emulator hands
  // out (Bitrix24's DOWNLOAD_URL) lead through the proxy as well.
  TimingProxy(std::string name, int upstream_port, bool rewrite_authority);
  ~TimingProxy();
  TimingProxy(const TimingProxy&) = delete;
  TimingProxy& operator=(const TimingProxy&) = delete;

  bool Start();
  void Stop();
  int port() const { return port_; }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Requests whose path contains `path_part` wait `delay` before they are forwarded.
  void SetDelay(const std::string& path_part, std::chrono::milliseconds delay);
  void ClearDelays();

  std::vector<Interval> Intervals() const;
  void ClearIntervals();
  // Waits until a request labelled `label` ended after `after_us`; false on timeout.
  bool WaitForEnd(const std::string& label, std::int64_t after_us,
                  std::chrono::milliseconds timeout);

 private:
  std::string Label(const std::string& path) const;
  std::chrono::milliseconds DelayFor(const std::string& path) const;
  void Forward(const httplib::Request& req, httplib::Response& res);

  const std::string name_;
  const int upstream_port_;
  const bool rewrite_authority_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mu_;
  std::condition_variable ended_;
  std::map<std::string, std::chrono::milliseconds> delays_;  // Guarded by mu_.
  std::vector<Interval> intervals_;                          // Guarded by mu_.
};

// The length of the union of `intervals` clipped to [from_us, to_us], in microseconds: time in
// which at least one request was in flight.
std::int64_t CoveredMicros(std::vector<Interval> intervals, std::int64_t from_us,
                           std::int64_t to_us);

}  // namespace callbrief::bench
