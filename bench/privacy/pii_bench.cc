// Precision and recall of personal-data masking (privacy::MaskPersonalData) on the Russian corpus
// bench/privacy/corpus.tsv. Run by scripts/bench privacy (bench/privacy/run.sh); prints Markdown.
//
// Corpus lines: `id<TAB>expected<TAB>sentence`; `expected` is `-` or `type=value|type=value…`,
// each value a substring of the sentence that must be masked as that type. A found span counts
// as a true positive when it overlaps an expected value of the same type (each expected value
// matches once); "exact" counts those whose bounds equal the value's. Lines starting with '#'
// are comments.
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "privacy/pii_mask.h"

namespace {

using callbrief::privacy::PiiType;

struct Expected {
  PiiType type;
  size_t begin = 0;
  size_t end = 0;
  bool matched = false;
};

struct Tally {
  int tp = 0, fp = 0, fn = 0, exact = 0;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at = s.find(sep); at != std::string::npos; at = s.find(sep, start)) {
    parts.push_back(s.substr(start, at - start));
    start = at + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string Percent(int part, int whole) {
  return whole == 0 ? "—" : fmt::format("{:.1f} %", 100.0 * part / whole);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "bench/privacy/corpus.tsv";
  std::ifstream in(path);
  if (!in) {
    std::cerr << "pii_bench: cannot read " << path << "\n";
    return 2;
  }
  std::map<PiiType, Tally> tallies;
  int sentences = 0, with_data = 0, values = 0;
  std::vector<std::string> misses;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = Split(line, '\t');
    if (fields.size() != 3) {
      std::cerr << path << ":" << line_number << ": expected 3 tab-separated fields\n";
      return 2;
    }
    const std::string& sentence = fields[2];
    std::vector<Expected> expected;
    if (fields[1] != "-") {
      for (const std::string& item : Split(fields[1], '|')) {
        const size_t eq = item.find('=');
        auto type = eq == std::string::npos
                        ? std::nullopt
                        : callbrief::privacy::PiiTypeFromName(item.substr(0, eq));
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        const size_t at = sentence.find(value);
        if (!type || value.empty() || at == std::string::npos) {
          std::cerr << path << ":" << line_number << ": bad annotation \"" << item << "\"\n";
          return 2;
        }
        expected.push_back({.type = *type, .begin = at, .end = at + value.size()});
      }
    }
    ++sentences;
    if (!expected.empty()) ++with_data;
    values += static_cast<int>(expected.size());
    const auto result = callbrief::privacy::MaskPersonalData(sentence);
    for (const auto& span : result.spans) {
      bool hit = false;
      for (Expected& e : expected) {
        if (!e.matched && e.type == span.type && span.begin < e.end && e.begin < span.end) {
          e.matched = hit = true;
          ++tallies[span.type].tp;
          if (span.begin == e.begin && span.end == e.end) ++tallies[span.type].exact;
          break;
        }
      }
      if (!hit) {
        ++tallies[span.type].fp;
        misses.push_back(
            fmt::format("false positive ({}): {} → {}", fields[0], sentence, result.text));
      }
    }
    for (const Expected& e : expected) {
      if (e.matched) continue;
      ++tallies[e.type].fn;
      misses.push_back(fmt::format("missed {} ({}): {}", callbrief::privacy::PiiTypeName(e.type),
                                   fields[0], sentence));
    }
  }
  fmt::print("{} sentences, {} with personal data ({} values), {} without.\n\n", sentences,
             with_data, values, sentences - with_data);
  fmt::print(
      "| type | expected | found right | false positives | missed | precision | recall "
      "| exact bounds |\n|---|---|---|---|---|---|---|---|\n");
  Tally all;
  for (PiiType type : {PiiType::kPhone, PiiType::kCard, PiiType::kPassport, PiiType::kSnils,
                       PiiType::kInn, PiiType::kEmail, PiiType::kAddress}) {
    const Tally t = tallies[type];
    all.tp += t.tp, all.fp += t.fp, all.fn += t.fn, all.exact += t.exact;
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} |\n", callbrief::privacy::PiiTypeName(type),
               t.tp + t.fn, t.tp, t.fp, t.fn, Percent(t.tp, t.tp + t.fp),
               Percent(t.tp, t.tp + t.fn), Percent(t.exact, t.tp));
  }
  fmt::print("| **all** | {} | {} | {} | {} | **{}** | **{}** | {} |\n", all.tp + all.fn, all.tp,
             all.fp, all.fn, Percent(all.tp, all.tp + all.fp), Percent(all.tp, all.tp + all.fn),
             Percent(all.exact, all.tp));
  if (!misses.empty()) {
    fmt::print("\nErrors:\n\n");
    for (const std::string& m : misses) fmt::print("- {}\n", m);
  }
  return 0;
}
