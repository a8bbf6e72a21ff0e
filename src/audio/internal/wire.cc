#include "audio/internal/wire.h"

#include <array>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"

namespace callbrief::audio::internal {
namespace {

using nlohmann::json;

constexpr std::array kErrorKinds = {core::ErrorKind::kTransient, core::ErrorKind::kRateLimited,
                                    core::ErrorKind::kPermanent, core::ErrorKind::kConfig,
                                    core::ErrorKind::kInvalidInput};

std::optional<core::ErrorKind> ErrorKindFromName(std::string_view name) {
  for (core::ErrorKind kind : kErrorKinds) {
    if (core::ErrorKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<Layout> LayoutFromName(std::string_view name) {
  for (Layout layout : {Layout::kMono, Layout::kTwoPartyStereo, Layout::kMonoMixStereo}) {
    if (LayoutName(layout) == name) return layout;
  }
  return std::nullopt;
}

json OptionsToJson(const PrepareOptions& o) {
  return {{"work_dir", o.work_dir.string()},
          {"format", ChunkFormatName(o.format)},
          {"bitrate", o.bitrate},
          {"max_chunk_seconds", o.max_chunk_seconds},
          {"max_chunk_bytes", o.max_chunk_bytes},
          {"max_recording_seconds", o.max_recording_seconds},
          {"max_transcribed_seconds", o.max_transcribed_seconds},
          {"manager_on_left", o.manager_on_left},
          {"vad_threshold_db", o.vad_threshold_db},
          {"vad_min_level_dbfs", o.vad_min_level_dbfs},
          {"vad_hangover_ms", o.vad_hangover_ms},
          {"crosstalk_margin_db", o.crosstalk_margin_db},
          {"crosstalk_window_ms", o.crosstalk_window_ms},
          {"pad_before_ms", o.pad_before_ms},
          {"pad_after_ms", o.pad_after_ms},
          {"min_cut_pause_ms", o.min_cut_pause_ms},
          {"split_overlap_ms", o.split_overlap_ms}};
}

// Reads `json` into `out` when it holds a value of the same type; false otherwise. Both sides of
// the wire are built from one commit, so a missing or mistyped field is a bug to report, not a
// value to default.
template <typename T>
bool Read(const json& object, const char* key, T& out) {
  auto it = object.find(key);
  if (it == object.end()) return false;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) return false;
  } else {
    if (!it->is_number_integer()) return false;
  }
  out = it->get<T>();
  return true;
}

bool OptionsFromJson(const json& j, PrepareOptions& o) {
  std::string work_dir;
  std::string format;
  if (!j.is_object() || !Read(j, "work_dir", work_dir) || !Read(j, "format", format)) return false;
  o.work_dir = work_dir;
  auto chunk_format = ChunkFormatFromName(format);
  if (!chunk_format) return false;
  o.format = *chunk_format;
  return Read(j, "bitrate", o.bitrate) && Read(j, "max_chunk_seconds", o.max_chunk_seconds) &&
         Read(j, "max_chunk_bytes", o.max_chunk_bytes) &&
         Read(j, "max_recording_seconds", o.max_recording_seconds) &&
         Read(j, "max_transcribed_seconds", o.max_transcribed_seconds) &&
         Read(j, "manager_on_left", o.manager_on_left) &&
         Read(j, "vad_threshold_db", o.vad_threshold_db) &&
         Read(j, "vad_min_level_dbfs", o.vad_min_level_dbfs) &&
         Read(j, "vad_hangover_ms", o.vad_hangover_ms) &&
         Read(j, "crosstalk_margin_db", o.crosstalk_margin_db) &&
         Read(j, "crosstalk_window_ms", o.crosstalk_window_ms) &&
         Read(j, "pad_before_ms", o.pad_before_ms) && Read(j, "pad_after_ms", o.pad_after_ms) &&
         Read(j, "min_cut_pause_ms", o.min_cut_pause_ms) &&
         Read(j, "split_overlap_ms", o.split_overlap_ms);
}

json ReportToJson(const AudioReport& r) {
  json out = {{"duration_seconds", r.duration_seconds},
              {"channels", r.channels},
              {"sample_rate", r.sample_rate},
              {"container", r.container},
              {"codec", r.codec},
              {"layout", LayoutName(r.layout)},
              {"channel_speech_seconds", r.channel_speech_seconds},
              {"manager_speech_seconds", r.manager_speech_seconds},
              {"client_speech_seconds", r.client_speech_seconds},
              {"speech_seconds", r.speech_seconds},
              {"overlap_seconds", r.overlap_seconds},
              {"silence_ratio", r.silence_ratio},
              {"channel_correlation", r.channel_correlation},
              {"billed_seconds", r.billed_seconds},
              {"chunk_count", r.chunk_count},
              {"chunk_format", r.chunk_format},
              {"damaged_packets", r.damaged_packets},
              {"transcribed_until_seconds", nullptr}};
  if (r.transcribed_until_seconds) out["transcribed_until_seconds"] = *r.transcribed_until_seconds;
  return out;
}

bool ReportFromJson(const json& j, AudioReport& r) {
  std::string layout;
  if (!j.is_object() || !Read(j, "layout", layout)) return false;
  auto parsed_layout = LayoutFromName(layout);
  if (!parsed_layout) return false;
  r.layout = *parsed_layout;
  auto speech = j.find("channel_speech_seconds");
  if (speech == j.end() || !speech->is_array()) return false;
  for (const json& seconds : *speech) {
    if (!seconds.is_number()) return false;
    r.channel_speech_seconds.push_back(seconds.get<double>());
  }
  auto until = j.find("transcribed_until_seconds");
  if (until == j.end() || !(until->is_null() || until->is_number())) return false;
  if (until->is_number()) r.transcribed_until_seconds = until->get<double>();
  return Read(j, "duration_seconds", r.duration_seconds) && Read(j, "channels", r.channels) &&
         Read(j, "sample_rate", r.sample_rate) && Read(j, "container", r.container) &&
         Read(j, "codec", r.codec) && Read(j, "manager_speech_seconds", r.manager_speech_seconds) &&
         Read(j, "client_speech_seconds", r.client_speech_seconds) &&
         Read(j, "speech_seconds", r.speech_seconds) &&
         Read(j, "overlap_seconds", r.overlap_seconds) &&
         Read(j, "silence_ratio", r.silence_ratio) &&
         Read(j, "channel_correlation", r.channel_correlation) &&
         Read(j, "billed_seconds", r.billed_seconds) && Read(j, "chunk_count", r.chunk_count) &&
         Read(j, "chunk_format", r.chunk_format) && Read(j, "damaged_packets", r.damaged_packets);
}

json ChunkToJson(const Chunk& c) {
  json spans = json::array();
  for (const core::TimeSpan& s : c.time_map.spans()) {
    spans.push_back({s.chunk_start_ms, s.original_start_ms, s.length_ms});
  }
  return {{"index", c.index},     {"path", c.path.string()}, {"mime_type", c.mime_type},
          {"speaker", c.speaker}, {"spans", spans},          {"seconds", c.seconds},
          {"bytes", c.bytes}};
}

bool ChunkFromJson(const json& j, Chunk& c) {
  std::string path;
  if (!j.is_object() || !Read(j, "path", path)) return false;
  c.path = path;
  auto spans = j.find("spans");
  if (spans == j.end() || !spans->is_array()) return false;
  std::vector<core::TimeSpan> parsed;
  for (const json& s : *spans) {
    if (!s.is_array() || s.size() != 3 || !s[0].is_number_integer() || !s[1].is_number_integer() ||
        !s[2].is_number_integer()) {
      return false;
    }
    parsed.push_back({.chunk_start_ms = s[0].get<std::int64_t>(),
                      .original_start_ms = s[1].get<std::int64_t>(),
                      .length_ms = s[2].get<std::int64_t>()});
  }
  c.time_map = core::TimeMap(std::move(parsed));
  return Read(j, "index", c.index) && Read(j, "mime_type", c.mime_type) &&
         Read(j, "speaker", c.speaker) && Read(j, "seconds", c.seconds) &&
         Read(j, "bytes", c.bytes);
}

}  // namespace

std::string RequestToJson(const HelperRequest& request) {
  return json{{"version", kWireVersion},
              {"recording", request.recording.string()},
              {"options", OptionsToJson(request.options)},
              {"max_memory_bytes", request.max_memory_bytes},
              {"log_format", request.log_format == core::LogFormat::kJson ? "json" : "text"},
              {"log_level", request.log_level},
              {"call_id", request.call_id},
              {"parent_pid", request.parent_pid}}
      .dump();
}

core::Result<HelperRequest> RequestFromJson(std::string_view text) {
  const json j = core::ParseBoundedJson(text);
  int version = 0;
  if (!j.is_object() || !Read(j, "version", version) || version != kWireVersion) {
    return core::Error::InvalidInput(fmt::format(
        "not a request of version {} (callbrief and callbrief-audio must come from the same build)",
        kWireVersion));
  }
  HelperRequest request;
  std::string recording;
  std::string log_format;
  auto options = j.find("options");
  if (!Read(j, "recording", recording) || options == j.end() ||
      !OptionsFromJson(*options, request.options) ||
      !Read(j, "max_memory_bytes", request.max_memory_bytes) ||
      !Read(j, "log_format", log_format) || !Read(j, "log_level", request.log_level) ||
      !Read(j, "call_id", request.call_id) || !Read(j, "parent_pid", request.parent_pid)) {
    return core::Error::InvalidInput("the request lacks a field or has one of the wrong type");
  }
  request.recording = recording;
  request.log_format = log_format == "json" ? core::LogFormat::kJson : core::LogFormat::kText;
  return request;
}

std::string AnswerToJson(const core::Result<PreparedAudio>& answer) {
  if (!answer.ok()) {
    const core::Error& error = answer.error();
    return json{{"error",
                 {{"kind", core::ErrorKindName(error.kind)},
                  {"message", error.message},
                  {"code", error.code}}}}
        .dump(-1, ' ', false, json::error_handler_t::replace);
  }
  json chunks = json::array();
  for (const Chunk& chunk : answer->chunks) chunks.push_back(ChunkToJson(chunk));
  // Paths and FFmpeg's container/codec names are bytes from the file system and the recording:
  // invalid UTF-8 is replaced rather than thrown on.
  return json{{"report", ReportToJson(answer->report)}, {"chunks", chunks}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

core::Result<PreparedAudio> AnswerFromJson(std::string_view text) {
  const json j = core::ParseBoundedJson(text);
  const core::Error unreadable = core::Error::Permanent(
      "callbrief-audio gave an answer callbrief cannot read (are both from the same build?)");
  if (!j.is_object()) return unreadable;
  if (auto error = j.find("error"); error != j.end()) {
    std::string kind_name;
    core::Error parsed;
    if (!error->is_object() || !Read(*error, "kind", kind_name) ||
        !Read(*error, "message", parsed.message) || !Read(*error, "code", parsed.code)) {
      return unreadable;
    }
    auto kind = ErrorKindFromName(kind_name);
    if (!kind) return unreadable;
    parsed.kind = *kind;
    return parsed;
  }
  PreparedAudio prepared;
  auto report = j.find("report");
  auto chunks = j.find("chunks");
  if (report == j.end() || !ReportFromJson(*report, prepared.report) || chunks == j.end() ||
      !chunks->is_array()) {
    return unreadable;
  }
  for (const json& chunk : *chunks) {
    if (!ChunkFromJson(chunk, prepared.chunks.emplace_back())) return unreadable;
  }
  return prepared;
}

}  // namespace callbrief::audio::internal
