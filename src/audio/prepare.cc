#include "audio/prepare.h"

#include <algorithm>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "audio/internal/decoder.h"
#include "audio/internal/encoder.h"
#include "audio/internal/energy.h"
#include "audio/internal/layout.h"
#include "audio/internal/plan.h"
#include "audio/internal/render.h"
#include "audio/internal/spool.h"
#include "audio/internal/vad.h"

namespace callbrief::audio {
namespace {

using internal::ChunkPlan;
using internal::Energies;
using internal::kFrameMs;
using internal::kRate;
using internal::Region;
using internal::Source;

constexpr char kChunkPrefix[] = "chunk-";
constexpr std::int64_t kContainerSlackBytes = 64 * 1024;

std::int64_t Frames(int ms) { return std::max(0, ms) / kFrameMs; }
double Seconds(std::int64_t frames) { return static_cast<double>(frames) * kFrameMs / 1000.0; }

// One thing to transcribe: a speaker's channel, or the whole recording.
struct Stream {
  std::string speaker;
  Source source = Source::kFirst;
  std::vector<Region> speech;
  std::span<const float> frame_db;
};

struct PlannedChunk {
  const Stream* stream = nullptr;
  ChunkPlan plan;
};

core::Status Validate(const PrepareOptions& o) {
  if (o.work_dir.empty()) return core::Error::Config("audio: no work directory given");
  if (o.max_chunk_seconds < 10) return core::Error::Config("audio: max chunk length under 10 s");
  if (o.max_chunk_bytes < 256 * 1024) return core::Error::Config("audio: max chunk size < 256 kB");
  if (o.bitrate < 8000 || o.bitrate > 320000) {
    return core::Error::Config("audio: bitrate must be 8000–320000 bits/s");
  }
  if (o.max_recording_seconds <= 0) return core::Error::Config("audio: max recording length <= 0");
  if (o.max_transcribed_seconds <= 0) {
    return core::Error::Config("audio: max transcribed length <= 0");
  }
  return core::Ok();
}

// Removes this stage's files from an earlier attempt, or from a failed one.
void RemoveChunkFiles(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(kChunkPrefix)) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

internal::VadOptions ToVad(const PrepareOptions& o) {
  return {.threshold_db = o.vad_threshold_db,
          .min_level_db = o.vad_min_level_dbfs,
          .hangover_frames = static_cast<int>(Frames(o.vad_hangover_ms))};
}

// Speech per stream, after deciding how to read the channels.
struct Analysis {
  Layout layout = Layout::kMono;
  std::vector<Stream> streams;
  std::vector<double> channel_speech_seconds;
  std::vector<Region> anyone;  // frames where anybody speaks
  std::int64_t overlap_frames = 0;
  std::vector<std::vector<float>> suppressed;  // owns two-party streams' levels
};

Analysis Analyse(const Energies& e, const PrepareOptions& o) {
  Analysis a;
  const internal::VadOptions vad = ToVad(o);
  if (e.channel_db.size() == 1) {
    auto speech = internal::DetectSpeech(e.channel_db[0], vad).regions;
    a.channel_speech_seconds = {Seconds(internal::TotalFrames(speech))};
    a.anyone = speech;
    a.streams.push_back({"", Source::kFirst, std::move(speech), e.channel_db[0]});
    return a;
  }
  // Each side's speech without what leaks from the other side (echo, crosstalk), judged against
  // the side's own noise floor; the layout is decided on that, so echo does not look like both
  // parties talking at once.
  const int echo = static_cast<int>(Frames(o.crosstalk_window_ms));
  a.suppressed = {
      internal::SuppressCrosstalk(e.channel_db[0], e.channel_db[1], o.crosstalk_margin_db, echo),
      internal::SuppressCrosstalk(e.channel_db[1], e.channel_db[0], o.crosstalk_margin_db, echo)};
  internal::VadOptions left_vad = vad, right_vad = vad;
  left_vad.noise_floor_db = internal::NoiseFloorDb(e.channel_db[0], vad.noise_percentile);
  right_vad.noise_floor_db = internal::NoiseFloorDb(e.channel_db[1], vad.noise_percentile);
  auto left_speech = internal::DetectSpeech(a.suppressed[0], left_vad).regions;
  auto right_speech = internal::DetectSpeech(a.suppressed[1], right_vad).regions;
  a.channel_speech_seconds = {Seconds(internal::TotalFrames(left_speech)),
                              Seconds(internal::TotalFrames(right_speech))};
  a.layout = internal::DecideStereoLayout(e.correlation, left_speech, right_speech);
  if (a.layout == Layout::kMonoMixStereo) {
    a.suppressed.clear();
    auto speech = internal::DetectSpeech(e.mix_db, vad).regions;
    a.anyone = speech;
    a.streams.push_back({"", Source::kMix, std::move(speech), e.mix_db});
    return a;
  }
  a.anyone = internal::Union(left_speech, right_speech);
  a.overlap_frames = internal::OverlapFrames(left_speech, right_speech);
  const char* left_name = o.manager_on_left ? "manager" : "client";
  const char* right_name = o.manager_on_left ? "client" : "manager";
  a.streams.push_back({left_name, Source::kFirst, std::move(left_speech), a.suppressed[0]});
  a.streams.push_back({right_name, Source::kSecond, std::move(right_speech), a.suppressed[1]});
  return a;
}

std::vector<PlannedChunk> PlanAll(const Analysis& a, std::int64_t total_frames,
                                  const PrepareOptions& o) {
  const internal::CutOptions cut{.pad_before_frames = Frames(o.pad_before_ms),
                                 .pad_after_frames = Frames(o.pad_after_ms),
                                 .min_cut_pause_frames = Frames(o.min_cut_pause_ms)};
  const double bytes_per_second = internal::EstimatedBytesPerSecond(o.format, o.bitrate);
  const auto seconds_by_size = static_cast<std::int64_t>(
      static_cast<double>(o.max_chunk_bytes - kContainerSlackBytes) / bytes_per_second);
  const internal::ChunkLimits limits{
      .max_frames = std::min(o.max_chunk_seconds, seconds_by_size) * 1000 / kFrameMs,
      .overlap_frames = Frames(o.split_overlap_ms)};
  std::vector<PlannedChunk> planned;
  for (const Stream& stream : a.streams) {
    const auto kept = internal::KeptSpans(stream.speech, total_frames, cut);
    for (ChunkPlan& plan : internal::PlanChunks(kept, stream.frame_db, limits)) {
      planned.push_back({&stream, std::move(plan)});
    }
  }
  std::stable_sort(planned.begin(), planned.end(), [](const auto& x, const auto& y) {
    return x.plan.spans.front().begin < y.plan.spans.front().begin;
  });
  return planned;
}

AudioReport BaseReport(const internal::SourceInfo& info, const Energies& e, const Analysis& a,
                       const PrepareOptions& o, int damaged) {
  AudioReport r;
  r.duration_seconds = e.seconds();
  r.channels = info.channels;
  r.sample_rate = info.sample_rate;
  r.container = info.container;
  r.codec = info.codec;
  r.layout = a.layout;
  r.channel_speech_seconds = a.channel_speech_seconds;
  if (a.layout == Layout::kTwoPartyStereo) {
    r.manager_speech_seconds = a.channel_speech_seconds[o.manager_on_left ? 0 : 1];
    r.client_speech_seconds = a.channel_speech_seconds[o.manager_on_left ? 1 : 0];
  }
  r.speech_seconds = Seconds(internal::TotalFrames(a.anyone));
  r.overlap_seconds = Seconds(a.overlap_frames);
  r.silence_ratio = r.duration_seconds > 0
                        ? std::clamp(1.0 - r.speech_seconds / r.duration_seconds, 0.0, 1.0)
                        : 1.0;
  r.channel_correlation = info.output_channels == 2 ? e.correlation : 1.0;
  r.chunk_format = std::string(ChunkFormatName(o.format));
  r.damaged_packets = damaged;
  return r;
}

core::Result<PreparedAudio> Prepare(const std::filesystem::path& recording,
                                    const PrepareOptions& o) {
  // One decode: the 16 kHz samples feed speech detection and are kept in the spool, from which
  // the chunks are encoded once the layout and the cuts are known.
  auto decoder = internal::Decoder::Open(recording, kRate);
  if (!decoder) return decoder.error();
  const internal::SourceInfo info = (*decoder)->info();
  auto spool = internal::Spool::Create(o.work_dir, info.output_channels);
  if (!spool) return spool.error();
  internal::EnergyAnalyzer analyzer(info.output_channels, kRate);
  core::Status spooled;
  const std::int64_t max_samples = o.max_transcribed_seconds * kRate;
  std::int64_t samples = 0;
  bool cut = false;
  core::Status decoded = (*decoder)->Run(
      [&](const float* const* planes, int count) {
        if (samples + count > max_samples) {  // Audio past the limit: keep up to it, then stop.
          count = static_cast<int>(max_samples - samples);
          cut = true;
        }
        samples += count;
        if (count > 0) {
          analyzer.Add(planes, count);
          spooled = (*spool)->Append(planes, count);
        }
        return spooled.ok() && !cut;
      },
      // Decoding stops at the cut, so the length limit must not fire before it does.
      std::max(o.max_recording_seconds, o.max_transcribed_seconds + 60));
  if (!spooled) return spooled.error();
  if (!decoded) return decoded.error();
  if (core::Status flushed = (*spool)->Flush(); !flushed) return flushed.error();
  const int damaged = (*decoder)->damaged_packets();
  decoder->reset();

  const Energies energies = analyzer.Finish();
  const Analysis analysis = Analyse(energies, o);
  const std::vector<PlannedChunk> planned = PlanAll(analysis, energies.frames, o);

  std::vector<internal::RenderTarget> targets;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const Stream& stream = *planned[i].stream;
    const std::string name =
        fmt::format("{}{:03}{}{}{}", kChunkPrefix, i, stream.speaker.empty() ? "" : "-",
                    stream.speaker, internal::FileExtension(o.format));
    targets.push_back({o.work_dir / name, stream.source, planned[i].plan.spans});
  }
  auto rendered = internal::Render(**spool, targets, o.format, o.bitrate);
  if (!rendered) return rendered.error();

  PreparedAudio result;
  result.report = BaseReport(info, energies, analysis, o, damaged);
  if (cut) {
    result.report.transcribed_until_seconds = static_cast<double>(o.max_transcribed_seconds);
    // The whole length as the file declares it; a file that declares none is at least this long.
    result.report.duration_seconds =
        std::max(info.declared_seconds, static_cast<double>(o.max_transcribed_seconds));
  }
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const internal::RenderedChunk& file = (*rendered)[i];
    if (file.bytes > o.max_chunk_bytes) {
      return core::Error::Permanent(fmt::format("chunk {} came out at {} bytes, over the {} limit",
                                                i, file.bytes, o.max_chunk_bytes));
    }
    result.chunks.push_back({.index = static_cast<int>(i),
                             .path = targets[i].path,
                             .mime_type = std::string(internal::MimeType(o.format)),
                             .speaker = planned[i].stream->speaker,
                             .time_map = internal::ToTimeMap(planned[i].plan),
                             .seconds = static_cast<double>(file.samples) / kRate,
                             .bytes = file.bytes});
    result.report.billed_seconds += result.chunks.back().seconds;
  }
  result.report.chunk_count = static_cast<int>(result.chunks.size());
  return result;
}

}  // namespace

core::Result<PreparedAudio> PrepareRecording(const std::filesystem::path& recording,
                                             const PrepareOptions& options) {
  if (core::Status valid = Validate(options); !valid) return valid.error();
  std::error_code ec;
  std::filesystem::create_directories(options.work_dir, ec);
  if (ec) {
    return core::Error::Transient(
        fmt::format("audio: cannot create {}: {}", options.work_dir.string(), ec.message()));
  }
  RemoveChunkFiles(options.work_dir);
  auto prepared = Prepare(recording, options);
  if (!prepared) {
    RemoveChunkFiles(options.work_dir);
    return prepared.error().WithContext("preparing audio " + recording.string());
  }
  return prepared;
}

}  // namespace callbrief::audio
