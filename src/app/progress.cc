#include "app/progress.h"

#include <algorithm>

#include <fmt/format.h>

namespace callbrief::app {

std::string EstimateLeft(std::int64_t done, std::int64_t total, double elapsed_seconds) {
  if (done >= total) return "0:00";
  if (done <= 0) return "?";
  const auto left = static_cast<std::int64_t>(elapsed_seconds / static_cast<double>(done) *
                                              static_cast<double>(total - done));
  return fmt::format("{}:{:02}", left / 60, left % 60);
}

std::string ProgressBar(std::int64_t done, std::int64_t total, int width) {
  const int filled = total > 0 ? static_cast<int>(width * std::clamp(static_cast<double>(done) /
                                                                         static_cast<double>(total),
                                                                     0.0, 1.0))
                               : width;
  return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
}

ProgressLine::ProgressLine(std::int64_t total, std::FILE* out, bool terminal)
    : total_(total), out_(out), terminal_(terminal), started_(std::chrono::steady_clock::now()) {}

void ProgressLine::Update(std::int64_t done, std::string_view counts,
                          std::string_view plain_prefix) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::string text = fmt::format("{}, ETA {}", counts, EstimateLeft(done, total_, elapsed));
  if (terminal_) {
    // Padding wipes what a longer previous line left.
    fmt::print(out_, "\r{}{:<60}", ProgressBar(done, total_), text);
    bar_shown_ = true;
  } else {
    fmt::print(out_, "{}{}\n", plain_prefix, text);
  }
  std::fflush(out_);
}

void ProgressLine::Note(std::string_view line) {
  fmt::print(out_, "{}{}\n", terminal_ && bar_shown_ ? "\r\033[K" : "", line);
  bar_shown_ = false;
  std::fflush(out_);
}

void ProgressLine::Finish() {
  if (terminal_ && bar_shown_) std::fputc('\n', out_);
  bar_shown_ = false;
  std::fflush(out_);
}

}  // namespace callbrief::app
