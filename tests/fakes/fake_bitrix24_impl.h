#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <httplib.h>

#include "fakes/fake_bitrix24.h"
#include "fakes/leaky_bucket.h"
#include "fakes/portal_state.h"
#include "fakes/rest_methods.h"

// Shared by fake_bitrix24.cc (server and routing), fake_bitrix24_control.cc (control API) and
// fake_bitrix24_app.cc (the local application: OAuth REST calls, the authorization server).
namespace callbrief::fakes {

core::Result<nlohmann::json> ReadParams(const httplib::Request& request);
void Answer(httplib::Response& response, const MethodReply& reply);
bool Granted(const Portal& portal, const MethodSpec& method);

struct FakeBitrix24::Impl {
  explicit Impl(Options options);

  core::TimePoint Now() const;
  std::chrono::nanoseconds MonotonicNow() const;
  // Sleeps for `duration` unless Stop() comes first; false if it did.
  bool SleepUnlessStopped(std::chrono::milliseconds duration);

  // What every REST request starts with, however it is authorized: the method's name without
  // ".json", its log entry and its parameters (the entry holds them when they parse).
  struct RestRequest {
    std::string name;
    LoggedRequest entry;
    core::Result<nlohmann::json> params;
  };
  RestRequest BeginRest(const httplib::Request& request, std::string name) const;

  void AddRoutes();
  void HandleRest(const httplib::Request& request, httplib::Response& response);
  void HandleDownload(const httplib::Request& request, httplib::Response& response);
  void AnswerOAuth(const httplib::Request& request, httplib::Response& response);
  void HandleOAuthToken(const httplib::Request& request, httplib::Response& response);
  void Log(LoggedRequest entry);

  const Options options;
  mutable std::mutex mu;
  Portal portal;                      // Guarded by mu.
  std::optional<LeakyBucket> bucket;  // Guarded by mu; engaged while rate limiting is on.

  httplib::Server server;
  std::thread thread;
  std::atomic<int> port{0};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;  // Guarded by stop_mu.
};

}  // namespace callbrief::fakes
