#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.h"
#include "support/call_seeder.h"

namespace callbrief::testing {

// Hand-written calls in Russian for the browser tests and screenshots, all within the last day:
// two with a spoken recording (WAV and MP3 under `data_dir`/recordings), done calls with
// summaries, one failed at transcription, one skipped as too short, one still in progress.
// Client numbers start +7916/+7903/+7925 (random calls use +7495), so searches find them alone.
core::Result<std::vector<SeedCall>> DemoCalls(std::int64_t now_ms,
                                              const std::filesystem::path& data_dir);

// `count` varied calls spread evenly over the `days` days before `now_ms` (deterministic for a
// given seed): about 90% done with a short transcript and a summary, the rest skipped, failed or
// in progress; ten managers; no recordings.
std::vector<SeedCall> RandomCalls(int count, int days, std::int64_t now_ms, std::uint32_t seed);

}  // namespace callbrief::testing
