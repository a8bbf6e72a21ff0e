// Speed of personal-data masking (privacy::MaskPersonalData): a one-hour call's transcript
// (~9,000 words) masked as one text and line by line as the pipeline does it, and hostile texts
// that must cost their length. Run by scripts/bench privacy (bench/privacy/run.sh); prints
// Markdown. Usage: privacy_speed_bench CORPUS [SECONDS_PER_CASE]
#include <sys/resource.h>

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

struct Timing {
  double median_ms = 0;
  int runs = 0;
  int found = 0;
};

// Runs `lines` through the masker again and again for about `seconds`; the median of the runs.
Timing Time(const std::vector<std::string>& lines, double seconds) {
  std::vector<double> runs_ms;
  int found = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    const auto start = Clock::now();
    found = 0;
    for (const std::string& line : lines) {
      found += callbrief::privacy::MaskPersonalData(line).total();
    }
    runs_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  } while (Clock::now() < end || runs_ms.size() < 3);
  std::nth_element(runs_ms.begin(), runs_ms.begin() + runs_ms.size() / 2, runs_ms.end());
  return {.median_ms = runs_ms[runs_ms.size() / 2],
          .runs = static_cast<int>(runs_ms.size()),
          .found = found};
}

void Row(const std::string& what, const std::vector<std::string>& lines, double seconds) {
  size_t bytes = 0;
  for (const std::string& line : lines) bytes += line.size();
  const Timing t = Time(lines, seconds);
  fmt::print("| {} | {:.2f} MB | {} | {:.2f} ms | {:.1f} MB/s | {} | {} MiB |\n", what, bytes / 1e6,
             t.found, t.median_ms, bytes / 1e6 / (t.median_ms / 1e3), t.runs, PeakRssKiB() / 1024);
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
      "| input | size | values masked | time (median) | throughput | runs | peak RSS after |\n"
      "|---|---|---|---|---|---|---|\n");
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
