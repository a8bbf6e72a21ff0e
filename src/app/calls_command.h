#pragma once

#include <string>

#include "core/config.h"

namespace callbrief::app {

struct CallsListOptions {
  int limit = 20;
  std::string stage;  // Comma-separated stage names; empty for any.
};

// `callbrief calls list|show|retry`: the Calls page for a terminal. Each returns the process exit
// code; output goes to stdout, errors to stderr as one line.
int RunCallsList(const core::Config& config, const CallsListOptions& options);
int RunCallsShow(const core::Config& config, const std::string& id);
// Sends a failed or skipped call back to the stage where it stopped; a running `callbrief serve`
// on the same database picks it up within its idle poll (2 s).
int RunCallsRetry(const core::Config& config, const std::string& id);

}  // namespace callbrief::app
