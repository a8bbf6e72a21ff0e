#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audio/prepare.h"

namespace callbrief::audio {
namespace {

double Round(double value, double scale = 100) { return std::round(value * scale) / scale; }

}  // namespace

std::string_view ChunkFormatName(ChunkFormat format) {
  switch (format) {
    case ChunkFormat::kMp3:
      return "mp3";
    case ChunkFormat::kOpus:
      return "opus";
    case ChunkFormat::kFlac:
      return "flac";
    case ChunkFormat::kWav:
      return "wav";
  }
  return "mp3";
}

std::optional<ChunkFormat> ChunkFormatFromName(std::string_view name) {
  for (ChunkFormat format :
       {ChunkFormat::kMp3, ChunkFormat::kOpus, ChunkFormat::kFlac, ChunkFormat::kWav}) {
    if (ChunkFormatName(format) == name) return format;
  }
  return std::nullopt;
}

std::string_view LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kMono:
      return "mono";
    case Layout::kTwoPartyStereo:
      return "two_party_stereo";
    case Layout::kMonoMixStereo:
      return "mono_mix_stereo";
  }
  return "mono";
}

std::string AudioReport::ToJson() const {
  nlohmann::json json = {
      {"duration_seconds", Round(duration_seconds)},
      {"channels", channels},
      {"sample_rate", sample_rate},
      {"container", container},
      {"codec", codec},
      {"layout", std::string(LayoutName(layout))},
      {"speech_seconds", Round(speech_seconds)},
      {"silence_ratio", Round(silence_ratio, 1000)},
      {"channel_correlation", Round(channel_correlation, 1000) + 0.0},  // no "-0.0"
      {"billed_seconds", Round(billed_seconds)},
      {"chunk_count", chunk_count},
      {"chunk_format", chunk_format},
      {"damaged_packets", damaged_packets},
  };
  nlohmann::json per_channel = nlohmann::json::array();
  for (double seconds : channel_speech_seconds) per_channel.push_back(Round(seconds));
  json["channel_speech_seconds"] = per_channel;
  if (transcribed_until_seconds) {
    json["transcribed_until_seconds"] = Round(*transcribed_until_seconds);
  }
  if (layout == Layout::kTwoPartyStereo) {
    json["speaker_speech_seconds"] = {{"manager", Round(manager_speech_seconds)},
                                      {"client", Round(client_speech_seconds)}};
    json["overlap_seconds"] = Round(overlap_seconds);
  }
  return json.dump();
}

}  // namespace callbrief::audio
