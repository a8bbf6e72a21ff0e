#pragma once

// Talk metrics of one call, computed from its transcript's timings (issue 16, item 1): who spoke
// how much, the longest monologues, interruptions, silences, speaking rate, questions. Measured,
// not asked of a model: each side of a two-party stereo call has its own channel and its own
// transcript segments, so overlaps are exact rather than guessed by diarization. Every metric and
// threshold is defined in docs/analytics.md; the rules below are the same ones, in short.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace callbrief::analytics {

// One transcript segment on the recording's timeline (the store's TranscriptSegment, without
// depending on the store).
struct Segment {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string speaker{};  // "manager", "client", or "" for a mono recording.
  std::string text{};
};

// The thresholds (docs/analytics.md explains each choice).
// A side's speech resumed after a pause shorter than this, with the other side silent during
// the pause, continues the same monologue.
inline constexpr std::int64_t kMonologueMaxPauseMs = 1'500;
// One side starting to speak while the other is speaking is an interruption only when both then
// speak together at least this long: shorter overlaps are backchannels ("угу") and ordinary
// turn-taking.
inline constexpr std::int64_t kInterruptionMinOverlapMs = 500;

struct SideMetrics {
  double talk_seconds = 0;                   // the union of the side's segments
  double talk_share = 0;                     // talk_seconds / (manager + client talk_seconds)
  double longest_monologue_seconds = 0;      // see kMonologueMaxPauseMs
  int interruptions = 0;                     // started by this side, see kInterruptionMinOverlapMs
  std::optional<double> words_per_minute{};  // null when the side never spoke
  int questions = 0;
  int words = 0;
};

struct AbsentMetric {
  std::string metric;  // the JSON field name, e.g. "talk_share_manager"
  std::string reason;
};

struct TalkMetrics {
  // "two_party": every segment is the manager's or the client's; "mono": at least one segment has
  // no side (a mono recording, or a stereo one carrying the same mix on both channels).
  std::string layout{};
  // From the start of the first segment to the end of the last: the conversation. Lead-in (ringing,
  // greeting music) and trailing silence are not part of it.
  double conversation_seconds = 0;
  double speech_seconds = 0;                 // anyone speaking (union of all segments)
  double overlap_seconds = 0;                // both sides at once (two-party only, else 0)
  double mutual_silence_seconds = 0;         // nobody speaking, within the conversation
  double mutual_silence_share = 0;           // of conversation_seconds
  double longest_silence_seconds = 0;        // the longest stretch of mutual silence
  std::optional<double> words_per_minute{};  // all words over speech_seconds
  int questions = 0;
  int words = 0;
  // Two-party only.
  std::optional<SideMetrics> manager{};
  std::optional<SideMetrics> client{};
  // Seconds from the start of the recording to the client's first segment; null when the client
  // never spoke or the recording is mono.
  std::optional<double> time_to_first_client_word_seconds{};
  std::vector<AbsentMetric> absent{};  // the metrics that could not be measured, and why
};

// Null when there is nothing to measure (no segments). Segments may come in any order; a segment
// whose end is before its start counts as empty, negative times as 0 — bad timings cannot make a
// metric negative or crash. Time: O(n log n) in the number of segments.
std::optional<TalkMetrics> ComputeTalkMetrics(std::span<const Segment> segments);

// Words in a text: whitespace-separated tokens containing a letter or a digit (any non-ASCII
// character but Latin-1 punctuation and U+2000–U+2FFF counts as a letter, so Cyrillic words count
// and a lone "—" or "…" does not).
int CountWords(std::string_view text);
// Questions in a text: sentences ending in "?" — each run of "?" and "!" that contains a "?" and
// ends the text or is followed by a space or a closing quote or bracket ("Что?!" is one; the "?"
// of "index.php?id=1" is none).
int CountQuestions(std::string_view text);

// The `metrics` object of GET /api/calls/{id} (docs/api.md): every field is present; a metric
// that cannot be measured is null and named in `absent` with the reason.
nlohmann::json TalkMetricsToJson(const TalkMetrics& metrics);

}  // namespace callbrief::analytics
