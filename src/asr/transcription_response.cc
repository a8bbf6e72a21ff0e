#include "asr/transcription_response.h"

#include <cmath>

#include "asr/json_scan.h"
#include "core/json_bounded.h"
#include "net/http_error.h"

namespace callbrief::asr {
namespace {

using json = nlohmann::json;

double Number(const json& object, const char* key, double fallback = 0) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string String(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t Millis(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1000));
}

std::string Trim(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool IsSentenceEnd(std::string_view text, std::size_t at, std::size_t* length) {
  if (text[at] == '.' || text[at] == '!' || text[at] == '?') {
    *length = 1;
    return true;
  }
  if (text.substr(at, 3) == "\xE2\x80\xA6") {  // …
    *length = 3;
    return true;
  }
  return false;
}

// The general (slow) reader, for answers the fast scanner does not take: same result, or nullopt
// when the body is not a transcription object at all.
std::optional<internal::ScannedResponse> ParseWithDom(std::string_view body) {
  json parsed = core::ParseBoundedJson(body);
  if (!parsed.is_object()) return std::nullopt;
  internal::ScannedResponse out;
  if (parsed.contains("text") && parsed["text"].is_string()) out.text = String(parsed, "text");
  out.language = String(parsed, "language");
  if (parsed.contains("duration") && parsed["duration"].is_number()) {
    out.duration = parsed["duration"].get<double>();
  }
  if (auto segments = parsed.find("segments"); segments != parsed.end() && segments->is_array()) {
    for (const json& item : *segments) {
      if (!item.is_object()) continue;
      out.segments.push_back({Number(item, "start"), Number(item, "end"), String(item, "text"),
                              Number(item, "no_speech_prob"), Number(item, "avg_logprob"),
                              Number(item, "compression_ratio")});
    }
  }
  if (auto usage = parsed.find("usage"); usage != parsed.end() && usage->is_object()) {
    out.usage_type = String(*usage, "type");
    out.usage_seconds = Number(*usage, "seconds", -1);
    out.input_tokens = internal::TokenCount(Number(*usage, "input_tokens"));
    out.output_tokens = internal::TokenCount(Number(*usage, "output_tokens"));
    if (auto details = usage->find("input_token_details");
        details != usage->end() && details->is_object()) {
      for (auto [key, count] : {std::pair{"audio_tokens", &out.audio_tokens},
                                std::pair{"text_tokens", &out.text_tokens}}) {
        if (auto it = details->find(key); it != details->end() && it->is_number()) {
          *count = internal::TokenCount(it->get<double>());
        }
      }
    }
  }
  return out;
}

}  // namespace

std::vector<RawSegment> EstimateSegments(std::string_view text, std::int64_t chunk_ms) {
  std::vector<std::string> sentences;
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    std::size_t length = 0;
    if (!IsSentenceEnd(text, at, &length)) continue;
    std::size_t end = at + length;
    while (end < text.size() && IsSentenceEnd(text, end, &length)) end += length;
    if (end < text.size() && text[end] != ' ' && text[end] != '\n') continue;  // "3.5", "т.е"
    std::string sentence = Trim(text.substr(start, end - start));
    if (!sentence.empty()) sentences.push_back(std::move(sentence));
    start = end;
    at = end - 1;
  }
  std::string tail = Trim(text.substr(std::min(start, text.size())));
  if (!tail.empty()) sentences.push_back(std::move(tail));

  std::size_t total = 0;
  for (const auto& sentence : sentences) total += CodePoints(sentence);
  std::vector<RawSegment> segments;
  std::size_t done = 0;
  for (auto& sentence : sentences) {
    RawSegment segment;
    segment.start_ms = total == 0 ? 0 : static_cast<std::int64_t>(chunk_ms * done / total);
    done += CodePoints(sentence);
    segment.end_ms = total == 0 ? 0 : static_cast<std::int64_t>(chunk_ms * done / total);
    segment.text = std::move(sentence);
    segments.push_back(std::move(segment));
  }
  return segments;
}

core::Result<ChunkTranscript> ParseTranscriptionResponse(std::string_view body,
                                                         std::int64_t chunk_ms) {
  std::optional<internal::ScannedResponse> scanned = internal::ScanTranscriptionResponse(body);
  if (!scanned) scanned = ParseWithDom(body);
  if (!scanned || !scanned->text) {
    return core::Error::Transient("the transcription answer is not the expected JSON: " +
                                  net::BodyExcerpt(body));
  }
  ChunkTranscript out;
  out.text = Trim(*scanned->text);
  out.language = std::move(scanned->language);
  out.usage.audio_seconds = scanned->duration.value_or(static_cast<double>(chunk_ms) / 1000.0);
  if (scanned->usage_type == "duration") {
    if (scanned->usage_seconds >= 0) out.usage.audio_seconds = scanned->usage_seconds;
  } else {
    out.usage.input_tokens = scanned->input_tokens;
    out.usage.input_audio_tokens = scanned->audio_tokens;
    out.usage.input_text_tokens = scanned->text_tokens;
    out.usage.output_tokens = scanned->output_tokens;
  }
  if (!scanned->segments.empty()) {
    out.segments.reserve(scanned->segments.size());
    for (internal::ScannedSegment& item : scanned->segments) {
      RawSegment segment;
      segment.start_ms = Millis(item.start);
      segment.end_ms = std::max(segment.start_ms, Millis(item.end));
      segment.text = Trim(item.text);
      segment.no_speech_prob = item.no_speech_prob;
      segment.avg_logprob = item.avg_logprob;
      segment.compression_ratio = item.compression_ratio;
      out.segments.push_back(std::move(segment));
    }
  } else {
    out.segments = EstimateSegments(out.text, chunk_ms);
    out.timestamps_estimated = true;
    out.possibly_truncated = out.usage.output_tokens >= kTruncationSuspectTokens;
  }
  return out;
}

// Serialization for the pipeline's per-chunk store.

nlohmann::json ChunkTranscript::ToJson() const {
  json segments_json = json::array();
  for (const RawSegment& s : segments) {
    segments_json.push_back({{"start_ms", s.start_ms},
                             {"end_ms", s.end_ms},
                             {"text", s.text},
                             {"no_speech_prob", s.no_speech_prob},
                             {"avg_logprob", s.avg_logprob},
                             {"compression_ratio", s.compression_ratio}});
  }
  auto count = [](const std::optional<std::int64_t>& n) { return n ? json(*n) : json(nullptr); };
  json usage_json = {{"provider", usage.provider},
                     {"model", usage.model},
                     {"operation", usage.operation},
                     {"audio_seconds", usage.audio_seconds},
                     {"input_tokens", usage.input_tokens},
                     {"input_audio_tokens", count(usage.input_audio_tokens)},
                     {"input_text_tokens", count(usage.input_text_tokens)},
                     {"output_tokens", usage.output_tokens},
                     {"latency_ms", usage.latency_ms},
                     {"cost_usd", usage.cost_usd ? json(*usage.cost_usd) : json(nullptr)}};
  return {{"version", 1},
          {"index", index},
          {"segments", std::move(segments_json)},
          {"text", text},
          {"language", language},
          {"timestamps_estimated", timestamps_estimated},
          {"possibly_truncated", possibly_truncated},
          {"usage", std::move(usage_json)}};
}

core::Result<ChunkTranscript> ChunkTranscript::FromJson(const nlohmann::json& in) {
  try {
    if (!in.is_object() || in.value("version", 0) != 1) {
      return core::Error::Permanent("stored chunk transcript: unknown format");
    }
    ChunkTranscript out;
    out.index = in.at("index").get<int>();
    for (const json& s : in.at("segments")) {
      out.segments.push_back({s.at("start_ms").get<std::int64_t>(),
                              s.at("end_ms").get<std::int64_t>(), s.at("text").get<std::string>(),
                              s.value("no_speech_prob", 0.0), s.value("avg_logprob", 0.0),
                              s.value("compression_ratio", 0.0)});
    }
    out.text = in.at("text").get<std::string>();
    out.language = in.value("language", "");
    out.timestamps_estimated = in.value("timestamps_estimated", false);
    out.possibly_truncated = in.value("possibly_truncated", false);
    const json& u = in.at("usage");
    out.usage.provider = u.value("provider", "");
    out.usage.model = u.value("model", "");
    out.usage.operation = u.value("operation", "");
    out.usage.audio_seconds = u.value("audio_seconds", 0.0);
    out.usage.input_tokens = u.value("input_tokens", std::int64_t{0});
    // Absent in records written before the split was kept: unknown, as then.
    for (auto [key, count] : {std::pair{"input_audio_tokens", &out.usage.input_audio_tokens},
                              std::pair{"input_text_tokens", &out.usage.input_text_tokens}}) {
      if (u.contains(key) && u[key].is_number_integer()) *count = u[key].get<std::int64_t>();
    }
    out.usage.output_tokens = u.value("output_tokens", std::int64_t{0});
    out.usage.latency_ms = u.value("latency_ms", std::int64_t{0});
    if (u.contains("cost_usd") && u["cost_usd"].is_number()) {
      out.usage.cost_usd = u["cost_usd"].get<double>();
    }
    return out;
  } catch (const json::exception& e) {
    return core::Error::Permanent(std::string("stored chunk transcript: ") + e.what());
  }
}

}  // namespace callbrief::asr
