#include "store/internal/tracker_match.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "store/internal/search_text.h"

namespace callbrief::store::internal {
namespace {

using core::Error;
using core::Result;

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Code points, as a person counts the characters of a name (invalid bytes count as one each).
size_t Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> terms;
  for (SearchWord& word : SearchWords(text)) terms.push_back(std::move(word.term));
  return terms;
}

// A shortened copy of outside text for an error message, cut between two characters.
std::string Quote(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  size_t cut = 40;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}…", s.substr(0, cut));
}

bool Hears(TrackerSide side, std::string_view speaker) {
  switch (side) {
    case TrackerSide::kBoth:
      return true;
    case TrackerSide::kManager:
      return speaker == "manager";
    case TrackerSide::kClient:
      return speaker == "client";
  }
  return false;
}

struct Candidate {
  const CompiledTracker* compiled;
  size_t phrase;
};

}  // namespace

Result<Tracker> CleanTracker(const Tracker& tracker) {
  Tracker clean = tracker;
  clean.name = std::string(Trim(tracker.name));
  if (clean.name.empty()) return Error::InvalidInput("name: a tracker needs a name");
  if (Chars(clean.name) > kMaxTrackerNameChars) {
    return Error::InvalidInput(fmt::format("name: at most {} characters, got {}",
                                           kMaxTrackerNameChars, Chars(clean.name)));
  }
  if (clean.name.find_first_of("\r\n") != std::string::npos) {
    return Error::InvalidInput("name: one line, without line breaks");
  }
  clean.phrases.clear();
  std::set<std::vector<std::string>> seen;
  for (const std::string& given : tracker.phrases) {
    const std::string_view phrase = Trim(given);
    if (phrase.empty()) continue;
    if (phrase.size() > kMaxTrackerPhraseBytes) {
      return Error::InvalidInput(fmt::format("phrases: \"{}\" is longer than {} bytes",
                                             Quote(phrase), kMaxTrackerPhraseBytes));
    }
    if (phrase.find_first_of("\r\n") != std::string_view::npos) {
      return Error::InvalidInput("phrases: one phrase per item, without line breaks");
    }
    std::vector<std::string> terms = Terms(phrase);
    if (terms.empty()) {
      return Error::InvalidInput(
          fmt::format("phrases: \"{}\" has no word (letters or digits)", Quote(phrase)));
    }
    if (terms.size() > kMaxTrackerPhraseWords) {
      return Error::InvalidInput(fmt::format("phrases: \"{}\" has {} words, at most {} allowed",
                                             Quote(phrase), terms.size(), kMaxTrackerPhraseWords));
    }
    if (!seen.insert(std::move(terms)).second) continue;  // The same words in another form.
    if (clean.phrases.size() == kMaxTrackerPhrases) {
      return Error::InvalidInput(
          fmt::format("phrases: at most {} phrases in one tracker", kMaxTrackerPhrases));
    }
    clean.phrases.emplace_back(phrase);
  }
  if (clean.phrases.empty()) {
    return Error::InvalidInput("phrases: a tracker needs at least one word or phrase");
  }
  return clean;
}

std::vector<CompiledTracker> CompileTrackers(std::span<const Tracker> trackers) {
  std::vector<CompiledTracker> compiled;
  compiled.reserve(trackers.size());
  for (const Tracker& tracker : trackers) {
    CompiledTracker c{.tracker = &tracker};
    for (const std::string& phrase : tracker.phrases) c.phrase_terms.push_back(Terms(phrase));
    compiled.push_back(std::move(c));
  }
  return compiled;
}

std::vector<TrackerHit> FindTrackerHits(std::span<const TranscriptSegment> segments,
                                        std::span<const CompiledTracker> trackers) {
  // Phrases by their first word: each word of the transcript is looked up once, so the cost
  // grows with the transcript, not with transcript × phrases.
  std::unordered_multimap<std::string_view, Candidate> by_first;
  for (const CompiledTracker& compiled : trackers) {
    for (size_t p = 0; p < compiled.phrase_terms.size(); ++p) {
      if (compiled.phrase_terms[p].empty()) continue;
      by_first.emplace(compiled.phrase_terms[p][0], Candidate{&compiled, p});
    }
  }
  std::vector<TrackerHit> hits;
  if (by_first.empty()) return hits;
  for (const TranscriptSegment& segment : segments) {
    const std::vector<SearchWord> words = SearchWords(segment.text);
    for (size_t i = 0; i < words.size(); ++i) {
      auto [from, to] = by_first.equal_range(words[i].term);
      std::vector<Candidate> found;
      for (auto it = from; it != to; ++it) found.push_back(it->second);
      // equal_range's order is unspecified; hits at one word follow the trackers' order.
      std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
        return a.compiled != b.compiled ? a.compiled < b.compiled : a.phrase < b.phrase;
      });
      for (const Candidate& candidate : found) {
        const Tracker& tracker = *candidate.compiled->tracker;
        const std::vector<std::string>& terms = candidate.compiled->phrase_terms[candidate.phrase];
        if (!Hears(tracker.side, segment.speaker) || i + terms.size() > words.size()) continue;
        bool match = true;
        for (size_t k = 1; k < terms.size() && match; ++k) match = words[i + k].term == terms[k];
        if (!match) continue;
        const size_t begin = words[i].begin;
        const size_t end = words[i + terms.size() - 1].end;
        hits.push_back({.tracker_id = tracker.id,
                        .tracker_name = tracker.name,
                        .phrase = tracker.phrases[candidate.phrase],
                        .said = segment.text.substr(begin, end - begin),
                        .speaker = segment.speaker,
                        .start_ms = segment.start_ms});
        if (hits.size() == kMaxTrackerHitsPerCall) return hits;
      }
    }
  }
  return hits;
}

}  // namespace callbrief::store::internal
