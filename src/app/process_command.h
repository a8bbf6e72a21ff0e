#pragma once

#include <string>

#include "core/config.h"

namespace callbrief::app {

struct ProcessOptions {
  std::string file{};       // A local recording: mp3, wav, ogg/opus, m4a, …
  std::string from{};       // Who called (shown as "От").
  std::string to{};         // Who was called ("Кому").
  std::string direction{};  // "incoming" or "outgoing"; empty: unknown.
  bool deliver = false;     // Also send the message to TELEGRAM_TARGET_CHAT_ID.
  bool html = false;        // Print the Telegram HTML as sent instead of plain text.
};

// `callbrief process FILE`: runs prepare → transcribe → summarize (and with --deliver the
// Telegram delivery) on a local recording with the configured providers, through the same stage
// code as `callbrief serve` but on a scratch database in a temporary directory, so the call never
// appears on the Calls page. Prints the Telegram message to stdout and the stages' log lines to
// stderr. Transient provider errors are retried a few times; a configuration error stops at once
// with what to set. Returns the process exit code.
int RunProcess(const core::Config& config, const ProcessOptions& options);

}  // namespace callbrief::app
