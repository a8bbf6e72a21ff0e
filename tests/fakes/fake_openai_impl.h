#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <httplib.h>

#include "fakes/fake_openai.h"

// Shared by fake_openai.cc (server, auth, faults, control), fake_openai_audio.cc and
// fake_openai_chat.cc.
namespace callbrief::fakes {

// An answer a handler computed: status, JSON body, extra headers.
struct OpenAiAnswer {
  int status = 200;
  nlohmann::json body{};
  std::vector<std::pair<std::string, std::string>> headers{};
};

// OpenAI's error body.
OpenAiAnswer ErrorAnswer(int status, const std::string& type, const std::string& code,
                         const std::string& message, const std::string& param = {});

struct FakeOpenAi::Impl {
  explicit Impl(FakeOpenAiOptions options) : options(std::move(options)) {}

  void AddRoutes();
  // Authentication, faults and logging around `handler`.
  void Serve(
      OpenAiEndpoint endpoint, const httplib::Request& request, httplib::Response& response,
      const std::function<OpenAiAnswer(const httplib::Request&, LoggedOpenAiRequest&)>& handler);
  OpenAiAnswer Transcribe(const httplib::Request& request, LoggedOpenAiRequest& entry);
  OpenAiAnswer Chat(const httplib::Request& request, LoggedOpenAiRequest& entry);
  bool SleepUnlessStopped(std::chrono::milliseconds duration);

  const FakeOpenAiOptions options;
  mutable std::mutex mu;
  std::vector<FakeTranscript> marked;                        // Guarded by mu.
  std::deque<FakeTranscript> unmarked;                       // Guarded by mu.
  std::map<OpenAiEndpoint, std::deque<OpenAiFault>> faults;  // Guarded by mu.
  std::deque<ChatReply> chat_replies;                        // Guarded by mu.
  std::map<std::string, nlohmann::json> chat_values;         // Guarded by mu.
  std::set<std::string> invented_quotes;                     // Guarded by mu.
  bool json_schema_supported = true;                         // Guarded by mu.
  std::vector<LoggedOpenAiRequest> log;                      // Guarded by mu.
  int completions = 0;                                       // Guarded by mu.

  httplib::Server server;
  std::thread thread;
  std::atomic<int> port{0};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;  // Guarded by stop_mu.
};

// Rough token count of a text as the emulator bills it: 4 bytes a token.
inline std::int64_t FakeTokens(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + 3) / 4);
}

}  // namespace callbrief::fakes
