#include "pipeline/chunk_record.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::pipeline {

using nlohmann::json;

store::AudioChunk ChunkRecordFrom(const audio::Chunk& chunk) {
  json spans = json::array();
  for (const core::TimeSpan& span : chunk.time_map.spans()) {
    spans.push_back({span.chunk_start_ms, span.original_start_ms, span.length_ms});
  }
  store::AudioChunk record;
  record.index = chunk.index;
  record.speaker = chunk.speaker;
  record.path = chunk.path.string();
  if (!chunk.time_map.spans().empty()) {
    const core::TimeSpan& first = chunk.time_map.spans().front();
    const core::TimeSpan& last = chunk.time_map.spans().back();
    record.start_ms = first.original_start_ms;
    record.end_ms = last.original_start_ms + last.length_ms;
  }
  record.time_map_json =
      json{{"mime_type", chunk.mime_type}, {"seconds", chunk.seconds}, {"spans", spans}}.dump();
  return record;
}

core::Result<asr::ChunkToTranscribe> ChunkToTranscribeFrom(const store::AudioChunk& record) {
  json stored = core::ParseBoundedJson(record.time_map_json);
  if (!stored.is_object() || !stored.contains("spans") || !stored["spans"].is_array()) {
    return core::Error::Permanent(
        fmt::format("chunk {} has no readable time map: prepare the call again", record.index));
  }
  std::vector<core::TimeSpan> spans;
  for (const json& span : stored["spans"]) {
    if (!span.is_array() || span.size() != 3) {
      return core::Error::Permanent(fmt::format("chunk {}: damaged time map", record.index));
    }
    spans.push_back({.chunk_start_ms = span[0].get<std::int64_t>(),
                     .original_start_ms = span[1].get<std::int64_t>(),
                     .length_ms = span[2].get<std::int64_t>()});
  }
  return asr::ChunkToTranscribe{.index = record.index,
                                .path = record.path,
                                .mime_type = stored.value("mime_type", "audio/mpeg"),
                                .speaker = record.speaker,
                                .time_map = core::TimeMap(std::move(spans)),
                                .seconds = stored.value("seconds", 0.0)};
}

}  // namespace callbrief::pipeline
