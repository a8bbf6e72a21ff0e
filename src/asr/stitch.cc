#include "asr/stitch.h"

#include <fmt/format.h>

#include <algorithm>

#include "asr/hallucination.h"

namespace callbrief::asr {
namespace {

struct Candidate {
  TranscriptSegment segment;
  std::string normal;  // NormalizeForComparison(text)
  int chunk_index = 0;
  int order = 0;  // Position across all chunks, for a stable merge.
};

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

std::optional<DropReason> QualityDrop(const RawSegment& raw, const std::string& normal,
                                      const StitchOptions& options) {
  if (IsKnownHallucinationNormalized(normal)) return DropReason::kKnownPhrase;
  bool unlikely = raw.avg_logprob < options.low_logprob;
  if (raw.no_speech_prob >= options.no_speech_prob_alone ||
      (raw.no_speech_prob >= options.no_speech_prob_unsure && unlikely)) {
    return DropReason::kNoSpeech;
  }
  if (raw.compression_ratio > options.max_compression_ratio && unlikely) {
    return DropReason::kGarbled;
  }
  return std::nullopt;
}

void Drop(const Candidate& c, DropReason reason, StitchedTranscript* out) {
  out->dropped.push_back(
      {c.chunk_index, c.segment.start_ms, c.segment.speaker, c.segment.text, reason});
  if (reason == DropReason::kOverlap) {
    ++out->dropped_overlaps;
  } else {
    ++out->dropped_hallucinations;
  }
}

// Keeps the first line of each run of identical lines that looks like a loop.
std::vector<Candidate> DropRepetitions(std::vector<Candidate> lines, const StitchOptions& options,
                                       StitchedTranscript* out) {
  std::vector<Candidate> kept;
  for (std::size_t begin = 0; begin < lines.size();) {
    std::size_t end = begin + 1;
    while (end < lines.size() && lines[end].normal == lines[begin].normal) ++end;
    std::size_t run = end - begin;
    bool loop = static_cast<int>(run) >= options.repeats_to_drop ||
                (run >= 2 && CodePoints(lines[begin].normal) >= options.long_line_chars);
    kept.push_back(std::move(lines[begin]));
    for (std::size_t i = begin + 1; i < end; ++i) {
      if (loop) {
        Drop(lines[i], DropReason::kRepetition, out);
      } else {
        kept.push_back(std::move(lines[i]));
      }
    }
    begin = end;
  }
  return kept;
}

bool SameWords(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  return a == b || a.find(b) != std::string::npos || b.find(a) != std::string::npos;
}

// True when `later` repeats an earlier segment of the same speaker from another chunk: the
// overlapping tail of one chunk transcribed again at the head of the next.
bool RepeatsOverlap(const Candidate& later, const std::vector<Candidate>& kept,
                    const StitchOptions& options) {
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    const Candidate& earlier = *it;
    if (earlier.segment.end_ms < later.segment.start_ms - 120000) break;
    if (earlier.chunk_index == later.chunk_index ||
        earlier.segment.speaker != later.segment.speaker) {
      continue;
    }
    std::int64_t overlap = std::min(earlier.segment.end_ms, later.segment.end_ms) -
                           std::max(earlier.segment.start_ms, later.segment.start_ms);
    std::int64_t shorter = std::min(earlier.segment.end_ms - earlier.segment.start_ms,
                                    later.segment.end_ms - later.segment.start_ms);
    if (overlap > 0 && overlap >= options.overlap_fraction * static_cast<double>(shorter) &&
        SameWords(earlier.normal, later.normal)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kKnownPhrase:
      return "known_phrase";
    case DropReason::kNoSpeech:
      return "no_speech";
    case DropReason::kGarbled:
      return "garbled";
    case DropReason::kRepetition:
      return "repetition";
    case DropReason::kOverlap:
      return "overlap";
  }
  return "unknown";
}

StitchedTranscript Stitch(const std::vector<std::pair<ChunkToTranscribe, ChunkTranscript>>& chunks,
                          const StitchOptions& options) {
  StitchedTranscript out;
  std::vector<Candidate> all;
  std::size_t total = 0;
  for (const auto& chunk : chunks) total += chunk.second.segments.size();
  all.reserve(total);
  int order = 0;
  for (const auto& [chunk, transcript] : chunks) {
    out.timestamps_estimated |= transcript.timestamps_estimated;
    out.possibly_truncated |= transcript.possibly_truncated;
    std::vector<Candidate> lines;
    for (const RawSegment& raw : transcript.segments) {
      Candidate c;
      c.chunk_index = chunk.index;
      c.order = order++;
      c.segment.text = raw.text;
      c.segment.speaker = chunk.speaker;
      c.segment.start_ms = chunk.time_map.ToOriginal(raw.start_ms);
      c.segment.end_ms = std::max(c.segment.start_ms, chunk.time_map.ToOriginal(raw.end_ms));
      c.normal = NormalizeForComparison(raw.text);
      if (c.normal.empty()) continue;  // Punctuation only: nothing to keep or to count.
      if (auto reason = QualityDrop(raw, c.normal, options)) {
        Drop(c, *reason, &out);
        continue;
      }
      lines.push_back(std::move(c));
    }
    for (Candidate& c : DropRepetitions(std::move(lines), options, &out)) {
      all.push_back(std::move(c));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    if (a.segment.start_ms != b.segment.start_ms) return a.segment.start_ms < b.segment.start_ms;
    return a.order < b.order;
  });
  std::vector<Candidate> kept;
  kept.reserve(all.size());
  for (Candidate& c : all) {
    if (RepeatsOverlap(c, kept, options)) {
      Drop(c, DropReason::kOverlap, &out);
      continue;
    }
    kept.push_back(std::move(c));
  }
  out.segments.reserve(kept.size());
  for (Candidate& c : kept) out.segments.push_back(std::move(c.segment));
  return out;
}

nlohmann::json StitchedTranscript::ToJson() const {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& s : segments) {
    lines.push_back(
        {{"start_ms", s.start_ms}, {"end_ms", s.end_ms}, {"speaker", s.speaker}, {"text", s.text}});
  }
  nlohmann::json drops = nlohmann::json::array();
  for (const auto& d : dropped) {
    drops.push_back({{"chunk", d.chunk_index},
                     {"start_ms", d.start_ms},
                     {"speaker", d.speaker},
                     {"text", d.text},
                     {"reason", DropReasonName(d.reason)}});
  }
  return {{"segments", std::move(lines)},
          {"dropped_hallucinations", dropped_hallucinations},
          {"dropped_overlaps", dropped_overlaps},
          {"dropped", std::move(drops)},
          {"timestamps_estimated", timestamps_estimated},
          {"possibly_truncated", possibly_truncated}};
}

std::string_view SpeakerLabel(std::string_view speaker, std::string_view language) {
  bool russian = language.empty() || language == "ru";
  if (speaker == "manager") return russian ? "Менеджер" : "Manager";
  if (speaker == "client") return russian ? "Клиент" : "Client";
  return speaker;
}

std::string RenderTranscript(const std::vector<TranscriptSegment>& segments,
                             std::string_view language) {
  std::string out;
  for (const auto& s : segments) {
    std::int64_t seconds = s.start_ms / 1000;
    if (seconds >= 3600) {
      out += fmt::format("[{}:{:02}:{:02}] ", seconds / 3600, seconds / 60 % 60, seconds % 60);
    } else {
      out += fmt::format("[{:02}:{:02}] ", seconds / 60, seconds % 60);
    }
    std::string_view label = SpeakerLabel(s.speaker, language);
    if (!label.empty()) out += fmt::format("{}: ", label);
    out += s.text;
    out += '\n';
  }
  return out;
}

}  // namespace callbrief::asr
