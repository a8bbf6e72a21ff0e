#pragma once

// Progress of a long command (backfill, rescore): on a terminal one line that rewrites itself —
// a bar, the counts and the time left; in logs and pipes plain lines, one per update, that read
// on their own.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace callbrief::app {

// "1:05" of the time left at the pace so far; "?" before the first item, "0:00" when done. Pure.
std::string EstimateLeft(std::int64_t done, std::int64_t total, double elapsed_seconds);

// "[#########.....................] " for `done` of `total` (full when total is 0). Pure.
std::string ProgressBar(std::int64_t done, std::int64_t total, int width = 30);

class ProgressLine {
 public:
  // `terminal`: whether `out` is a terminal (isatty), decided by the caller so tests can say.
  ProgressLine(std::int64_t total, std::FILE* out, bool terminal);

  // `counts`: what was done so far ("12/40 calls, 11 re-scored, 1 failed"); the time left is
  // added. `plain_prefix` starts the plain line ("page 3: ").
  void Update(std::int64_t done, std::string_view counts, std::string_view plain_prefix = "");
  // A line of its own (an error about one item), kept above the bar on a terminal.
  void Note(std::string_view line);
  // Ends the bar's line on a terminal.
  void Finish();

 private:
  std::int64_t total_;
  std::FILE* out_;
  bool terminal_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace callbrief::app
