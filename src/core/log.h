#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include "core/config.h"

namespace callbrief::core {

// The sink InitLogging uses by default, writing to `stream` (stdout; stderr for commands whose
// stdout is their result, like `callbrief process`).
std::shared_ptr<spdlog::sinks::sink> MakeLineSink(LogFormat format, std::FILE* stream);

// Sets up the default spdlog logger: one line per event to stdout (what Render, systemd and Docker
// collect), as text or JSON, at `level`. Every line passes through GlobalRedactor(), and lines
// logged inside a CallLogScope carry that call's id (`call=ID` in text, "call_id" in JSON).
// `sink` replaces stdout, for tests.
void InitLogging(LogFormat format, std::string_view level,
                 std::shared_ptr<spdlog::sinks::sink> sink = nullptr);

// While alive, log lines written by this thread are about `call_id`. Scopes nest; the innermost
// wins. Logging is synchronous, so the id is read on the thread that logs.
class CallLogScope {
 public:
  explicit CallLogScope(std::string call_id);
  ~CallLogScope();
  CallLogScope(const CallLogScope&) = delete;
  CallLogScope& operator=(const CallLogScope&) = delete;

 private:
  std::string previous_;
};

// The call id of the innermost CallLogScope on this thread, or "".
std::string_view CurrentLogCallId();

// The formatter behind InitLogging, exposed for tests.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

}  // namespace callbrief::core
