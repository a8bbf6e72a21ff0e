#include "fakes/speech_stretches.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace callbrief::fakes {
namespace {

std::uint32_t Le(std::string_view bytes, std::size_t at, std::size_t size) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

struct Pcm {
  int channels = 0;
  int rate = 0;
  std::string_view samples;  // Interleaved little-endian int16.
};

std::optional<Pcm> ReadPcm16(std::string_view wav) {
  if (wav.size() < 12 || wav.substr(0, 4) != "RIFF" || wav.substr(8, 4) != "WAVE") {
    return std::nullopt;
  }
  Pcm pcm;
  bool pcm16 = false;
  for (std::size_t at = 12; at + 8 <= wav.size();) {
    const std::string_view id = wav.substr(at, 4);
    const std::size_t size = Le(wav, at + 4, 4);
    const std::size_t body = at + 8;
    if (id == "fmt " && size >= 16 && body + 16 <= wav.size()) {
      const std::uint32_t format = Le(wav, body, 2);
      pcm.channels = static_cast<int>(Le(wav, body + 2, 2));
      pcm.rate = static_cast<int>(Le(wav, body + 4, 4));
      // 1: PCM; 0xFFFE: WAVE_FORMAT_EXTENSIBLE, which ffmpeg writes for some layouts.
      pcm16 = (format == 1 || format == 0xFFFE) && Le(wav, body + 14, 2) == 16;
    } else if (id == "data") {
      if (!pcm16 || pcm.channels < 1 || pcm.rate < 100) return std::nullopt;
      pcm.samples = wav.substr(body, std::min(size, wav.size() - body));
      return pcm;
    }
    at = body + size + (size & 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<SpeechStretch>> FindSpeechStretches(std::string_view wav,
                                                              const SpeechStretchOptions& options) {
  const std::optional<Pcm> pcm = ReadPcm16(wav);
  if (!pcm) return std::nullopt;
  const std::size_t frame_bytes = static_cast<std::size_t>(pcm->channels) * 2;
  const std::size_t per_frame = static_cast<std::size_t>(pcm->rate) / 100;  // 10 ms
  const std::size_t frames = pcm->samples.size() / frame_bytes / per_frame;
  const double threshold = std::pow(10.0, options.min_level_dbfs / 10.0) * 32768.0 * 32768.0;
  std::vector<SpeechStretch> found;
  for (std::size_t f = 0; f < frames; ++f) {
    double energy = 0;
    for (std::size_t s = 0; s < per_frame; ++s) {
      double mixed = 0;
      for (int c = 0; c < pcm->channels; ++c) {
        const std::size_t at = ((f * per_frame + s) * pcm->channels + c) * 2;
        mixed += static_cast<std::int16_t>(Le(pcm->samples, at, 2));
      }
      mixed /= pcm->channels;
      energy += mixed * mixed;
    }
    if (energy / static_cast<double>(per_frame) < threshold) continue;
    const double start = static_cast<double>(f) / 100.0, end = static_cast<double>(f + 1) / 100.0;
    if (!found.empty() && start - found.back().end < options.join_gap_seconds) {
      found.back().end = end;
    } else {
      found.push_back({start, end});
    }
  }
  std::erase_if(found,
                [&](const SpeechStretch& s) { return s.end - s.start < options.min_seconds; });
  return found;
}

}  // namespace callbrief::fakes
