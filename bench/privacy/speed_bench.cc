// Speed of personal-data masking (privacy::MaskPersonalData): a one-hour call's transcript
// (~9,000 words) masked as one text and line by line as the pipeline does it, and hostile texts
// that must cost their length. Run by scripts/bench privacy (bench/privacy/run.sh); prints
// Markdown. Usage: privacy_speed_bench CORPUS [SECONDS_PER_CASE]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "privacy/pii_mask.h"

namespace {

using Clock = std::chrono::steady_clock;

// The corpus' sentences, in order (third column of bench/privacy/corpus.tsv).
std::vector<std::string> ReadSentences(const std::string& path) {
  std::vector<std::string> sentences;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t', line.find('\t') + 1);
    if (tab != std::string::npos) sentences.push_back(line.substr(tab + 1));
  }
  return sentences;
}

size_t Words(const std::string& text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n';
    words += !space && !in_word;
    in_word = !space;
  }
  return words;
}

long PeakRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// CPU time of this process: on a machine shared with other work, what the masker itself cost,
// whatever the scheduler gave to others meanwhile.
double CpuMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double Median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

struct Timing {
  double cpu_ms = 0;   // Median of the runs.
  double wall_ms = 0;  // Median of the runs.
  int runs = 0;
  int found = 0;
};

// Runs `lines` through the masker again and again for about `seconds` (at least 3 runs).
Timing Time(const std::vector<std::string>& lines, double seconds) {
  std::vector<double> cpu_ms, wall_ms;
  int found = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    const auto start = Clock::now();
    const double cpu_start = CpuMs();
    found = 0;
    for (const std::string& line : lines) {
      found += callbrief::privacy::MaskPersonalData(line).total();
    }
    cpu_ms.push_back(CpuMs() - cpu_start);
    wall_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  } while (Clock::now() < end || cpu_ms.size() < 3);
  return {.cpu_ms = Median(cpu_ms),
          .wall_ms = Median(wall_ms),
          .runs = static_cast<int>(cpu_ms.size()),
          .found = found};
}

void Row(const std::string& what, const std::vector<std::string>& lines, double seconds) {
  size_t bytes = 0;
  for (const std::string& line : lines) bytes += line.size();
  const Timing t = Time(lines, seconds);
  fmt::print("| {} | {:.2f} MB | {} | {:.2f} ms | {:.1f} MB/s | {:.2f} ms | {} | {} MiB |\n", what,
             bytes / 1e6, t.found, t.cpu_ms, bytes / 1e6 / (t.cpu_ms / 1e3), t.wall_ms, t.runs,
             PeakRssKiB() / 1024);
}

std::string Repeat(std::string_view piece, size_t bytes) {
  std::string out;
  while (out.size() + piece.size() <= bytes) out.append(piece);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "bench/privacy/corpus.tsv";
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  const std::vector<std::string> sentences = ReadSentences(path);
  if (sentences.empty()) {
    std::cerr << "speed_bench: no sentences in " << path << "\n";
    return 2;
  }
  // A one-hour call: ~150 words a minute for both sides. The corpus' sentences in turn, one
  // transcript line each; half of them carry personal data, far more than a real call.
  std::vector<std::string> lines;
  std::string whole;
  size_t words = 0;
  for (size_t k = 0; words < 9000; ++k) {
    const std::string& sentence = sentences[k % sentences.size()];
    lines.push_back(sentence);
    whole += sentence + "\n";
    words += Words(sentence);
  }
  fmt::print("A one-hour transcript: {} words, {} lines, {:.1f} KB.\n\n", words, lines.size(),
             whole.size() / 1e3);
  fmt::print(
      "| input | size | values masked | CPU time | throughput (CPU) | wall time | runs | peak RSS "
      "after |\n|---|---|---|---|---|---|---|---|\n");
  Row("one-hour transcript, line by line (as the pipeline masks it)", lines, seconds);
  Row("one-hour transcript as one text", {whole}, seconds);
  std::vector<std::string> ten_hours(1, "");
  for (int k = 0; k < 10; ++k) ten_hours[0] += whole;
  Row("ten hours as one text", ten_hours, seconds);
  Row("hostile: \"1 \" repeated (one run of one-digit groups), 4 MB", {Repeat("1 ", 4'000'000)},
      seconds);
  Row("hostile: \"!1\" repeated (runs with no word between), 4 MB", {Repeat("!1", 4'000'000)},
      seconds);
  Row("hostile: \"восемь \" repeated (spoken digits), 4 MB", {Repeat("восемь ", 4'000'000)},
      seconds);
  Row("hostile: \",\" repeated (a token a byte), 16 MB", {Repeat(",", 16'000'000)}, seconds);
  return 0;
}
