#pragma once

// Trackers' words found in a transcript: pure functions over the full-text search's words
// (search_text.h), so a tracker matches every form full-text search matches ("договор" finds
// "договора", "договоры") and the two never disagree about what a word is. Nothing outside
// src/store includes this.

#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::store::internal {

// `tracker` as it is to be stored: name and phrases trimmed, empty phrases dropped, repeats (the
// same words in any form) kept once, in the order given. kInvalidInput naming what is wrong: no
// name, a name or phrase too long, a phrase with a line break or without a word, more words or
// phrases than call.h allows, no phrase at all.
core::Result<Tracker> CleanTracker(const Tracker& tracker);

// A tracker ready to be looked for: each phrase as its stemmed words.
struct CompiledTracker {
  const Tracker* tracker = nullptr;                      // Not owned; outlives the compiled form.
  std::vector<std::vector<std::string>> phrase_terms{};  // Parallel to tracker->phrases.
};
std::vector<CompiledTracker> CompileTrackers(std::span<const Tracker> trackers);

// Every place a phrase of a tracker occurs in `segments`: its words next to each other, in
// order, inside one segment, on a line of the tracker's side (a one-side tracker never matches a
// line whose speaker is not known). A phrase found twice in a line is two hits; where phrases of
// one tracker overlap, each is a hit. In transcript order, then tracker order; at most
// kMaxTrackerHitsPerCall. `said` is the transcript's text from the first word to the last.
std::vector<TrackerHit> FindTrackerHits(std::span<const TranscriptSegment> segments,
                                        std::span<const CompiledTracker> trackers);

}  // namespace callbrief::store::internal
