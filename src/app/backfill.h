#pragma once

#include <optional>
#include <string>

#include "core/config.h"

namespace callbrief::app {

struct BackfillOptions {
  std::string since;  // A date or date-time (ISO 8601); calls started at or after it.
  std::string until;  // Optional; calls started before it.
  bool dry_run = false;
};

// `callbrief backfill`: records the calls of a period from Bitrix24's call history so the
// pipeline processes them like announced ones. Prints progress (a bar with counts and ETA on a
// terminal, one line per page otherwise). Returns the process exit code.
int RunBackfill(const core::Config& config, const BackfillOptions& options);

}  // namespace callbrief::app
