#pragma once

#include <string>

#include "core/config.h"

namespace callbrief::app {

struct RescoreOptions {
  std::string since;  // A date or date-time (ISO 8601); calls started at or after it.
  std::string until;  // Optional; calls started before it.
};

// `callbrief rescore --since DATE [--until DATE]` (issue 16, item 6): scores the finished calls
// of the period again against the active checklist, from their stored transcripts
// (pipeline::Rescorer): nothing is transcribed, summarized or delivered again. Prints progress (a
// bar with counts and time left on a terminal, a line per call otherwise) and every call that
// could not be scored. Exit code 0 when every scorable call was scored, 1 when some failed, 2 on
// a configuration error (no model key, no active checklist).
int RunRescore(const core::Config& config, const RescoreOptions& options);

}  // namespace callbrief::app
