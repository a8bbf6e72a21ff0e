#include "audio/internal/decoder.h"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
}

namespace callbrief::audio::internal {
namespace {

// Demuxers we open: audio containers only. Playlists (hls, concat) and image/video formats that
// could reference other files or URLs are refused.
constexpr char kFormatWhitelist[] =
    "mp3,wav,w64,ogg,mov,flac,aac,matroska,asf,amr,amrnb,amrwb,aiff,caf,au,wv,mpc,ape";

// A recording is "damaged" when more than this share of its packets cannot be decoded.
constexpr int kDamagedPacketsPercent = 10;
constexpr int kDamagedPacketsAllowed = 8;
// Truncated: the header promised more than this beyond what could be decoded.
constexpr double kTruncatedToleranceSeconds = 1.0;
constexpr double kTruncatedToleranceShare = 0.02;

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

// FFmpeg's own log goes to our debug log instead of stderr: our errors carry the context.
void ForwardFfmpegLog(void* avcl, int level, const char* format, va_list args) {
  if (level > AV_LOG_WARNING) return;
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (logger == nullptr || !logger->should_log(spdlog::level::debug)) return;
  char line[512];
  int print_prefix = 1;
  av_log_format_line2(avcl, level, format, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  logger->debug("ffmpeg: {}", text);
}

void InstallLogForwarding() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(ForwardFfmpegLog); });
}

core::Error Permanent(std::string message) { return core::Error::Permanent(std::move(message)); }

}  // namespace

struct Decoder::State {
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  SwrContext* swr = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  int stream_index = -1;
  SourceInfo info;
  std::int64_t samples = 0;
  std::int64_t max_samples = 0;
  int packets = 0;
  int damaged = 0;
  bool stopped = false;
  // What the resampler was set up for.
  AVChannelLayout swr_layout = {};
  int swr_rate = 0;
  int swr_format = -1;
  std::vector<float> out[2];

  ~State() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    swr_free(&swr);
    av_channel_layout_uninit(&swr_layout);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
  }

  core::Status OpenInput(const std::filesystem::path& path);
  core::Status OpenDecoder(int output_rate);
  core::Status ConfigureResampler(const AVFrame& source);
  core::Status Resample(const AVFrame* source, const BlockSink& sink);
  core::Status Deliver(int count, const BlockSink& sink);
  core::Status DrainDecoder(const BlockSink& sink);
};

core::Status Decoder::State::ConfigureResampler(const AVFrame& source) {
  AVChannelLayout in_layout = {};
  if (source.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || source.ch_layout.nb_channels <= 0) {
    av_channel_layout_default(&in_layout, std::max(1, source.ch_layout.nb_channels));
  } else if (av_channel_layout_copy(&in_layout, &source.ch_layout) < 0) {
    return Permanent("cannot read the channel layout");
  }
  const bool same = swr != nullptr && swr_rate == source.sample_rate &&
                    swr_format == source.format &&
                    av_channel_layout_compare(&swr_layout, &in_layout) == 0;
  if (same) {
    av_channel_layout_uninit(&in_layout);
    return core::Ok();
  }
  swr_free(&swr);
  av_channel_layout_uninit(&swr_layout);
  swr_layout = in_layout;
  swr_rate = source.sample_rate;
  swr_format = source.format;
  AVChannelLayout out_layout = {};
  av_channel_layout_default(&out_layout, info.output_channels);
  int rc = swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_FLTP, info.output_rate, &swr_layout,
                               static_cast<AVSampleFormat>(source.format), source.sample_rate, 0,
                               nullptr);
  av_channel_layout_uninit(&out_layout);
  if (rc >= 0) rc = swr_init(swr);
  if (rc < 0) {
    return Permanent(fmt::format("cannot convert {} channel(s) at {} Hz: {}",
                                 swr_layout.nb_channels, source.sample_rate, AvError(rc)));
  }
  return core::Ok();
}

core::Status Decoder::State::Deliver(int count, const BlockSink& sink) {
  if (count <= 0 || stopped) return core::Ok();
  if (samples + count > max_samples) {
    return Permanent(fmt::format("the recording is longer than the {} s allowed",
                                 max_samples / info.output_rate));
  }
  const float* planes[2] = {out[0].data(), out[1].data()};
  samples += count;
  if (!sink(planes, count)) stopped = true;
  return core::Ok();
}

// Converts `source` (or, when null, flushes what the resampler holds) and hands it to `sink`.
core::Status Decoder::State::Resample(const AVFrame* source, const BlockSink& sink) {
  if (source != nullptr) {
    if (source->nb_samples <= 0 || source->sample_rate <= 0) return core::Ok();
    if (swr != nullptr && (swr_rate != source->sample_rate || swr_format != source->format ||
                           swr_layout.nb_channels != source->ch_layout.nb_channels)) {
      if (core::Status flushed = Resample(nullptr, sink); !flushed) return flushed;
    }
    if (core::Status configured = ConfigureResampler(*source); !configured) return configured;
  } else if (swr == nullptr) {
    return core::Ok();
  }
  const int in_count = source != nullptr ? source->nb_samples : 0;
  const int capacity = swr_get_out_samples(swr, in_count);
  if (capacity < 0) return Permanent("cannot resample: " + AvError(capacity));
  if (capacity == 0) return core::Ok();
  for (int c = 0; c < info.output_channels; ++c) {
    if (out[c].size() < static_cast<std::size_t>(capacity)) out[c].resize(capacity);
  }
  std::uint8_t* planes[2] = {reinterpret_cast<std::uint8_t*>(out[0].data()),
                             reinterpret_cast<std::uint8_t*>(out[1].data())};
  const int count = swr_convert(
      swr, planes, capacity,
      source != nullptr ? const_cast<const std::uint8_t**>(source->extended_data) : nullptr,
      in_count);
  if (count < 0) return Permanent("cannot resample: " + AvError(count));
  return Deliver(count, sink);
}

core::Status Decoder::State::DrainDecoder(const BlockSink& sink) {
  while (!stopped) {
    const int rc = avcodec_receive_frame(codec, frame);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return core::Ok();
    if (rc < 0) {
      ++damaged;
      return core::Ok();
    }
    core::Status converted = Resample(frame, sink);
    av_frame_unref(frame);
    if (!converted) return converted;
  }
  return core::Ok();
}

Decoder::Decoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
Decoder::~Decoder() = default;

const SourceInfo& Decoder::info() const { return state_->info; }
std::int64_t Decoder::samples() const { return state_->samples; }
int Decoder::damaged_packets() const { return state_->damaged; }

core::Status Decoder::State::OpenInput(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Permanent("cannot read the file: " + ec.message());
  if (size == 0) return Permanent("the file is empty");
  AVDictionary* options = nullptr;
  av_dict_set(&options, "format_whitelist", kFormatWhitelist, 0);
  av_dict_set(&options, "protocol_whitelist", "file", 0);
  // "file:" so that a name with a colon is never taken for another protocol.
  const std::string url = "file:" + std::filesystem::absolute(path, ec).string();
  int rc = avformat_open_input(&format, url.c_str(), nullptr, &options);
  av_dict_free(&options);
  if (rc < 0) return Permanent("not an audio file FFmpeg can read (" + AvError(rc) + ")");
  rc = avformat_find_stream_info(format, nullptr);
  if (rc < 0) return Permanent("cannot read the audio stream's parameters: " + AvError(rc));
  return core::Ok();
}

core::Status Decoder::State::OpenDecoder(int output_rate) {
  const AVCodec* decoder = nullptr;
  int rc = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
  if (rc == AVERROR_DECODER_NOT_FOUND) return Permanent("no decoder for the audio codec");
  if (rc < 0) return Permanent("the file has no audio stream");
  stream_index = rc;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (static_cast<int>(i) != rc) format->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVCodecParameters& parameters = *format->streams[rc]->codecpar;
  const int channels = parameters.ch_layout.nb_channels;
  const int rate = parameters.sample_rate;
  if (channels <= 0 || channels > 64 || rate < 1000 || rate > 768000) {
    return Permanent(
        fmt::format("implausible audio stream ({} channels at {} Hz)", channels, rate));
  }
  codec = avcodec_alloc_context3(decoder);
  packet = av_packet_alloc();
  frame = av_frame_alloc();
  if (codec == nullptr || packet == nullptr || frame == nullptr) return Permanent("out of memory");
  rc = avcodec_parameters_to_context(codec, &parameters);
  codec->thread_count = 1;
  if (rc >= 0) rc = avcodec_open2(codec, decoder, nullptr);
  if (rc < 0) {
    return Permanent(fmt::format("cannot open the {} decoder: {}", decoder->name, AvError(rc)));
  }
  info.container = format->iformat->name;
  info.codec = decoder->name;
  info.channels = channels;
  info.sample_rate = rate;
  info.output_channels = channels == 2 ? 2 : 1;
  info.output_rate = output_rate > 0 ? output_rate : rate;
  if (format->duration > 0 && format->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE) {
    info.declared_seconds = static_cast<double>(format->duration) / AV_TIME_BASE;
  }
  return core::Ok();
}

core::Result<std::unique_ptr<Decoder>> Decoder::Open(const std::filesystem::path& path,
                                                     int output_rate) {
  InstallLogForwarding();
  auto state = std::make_unique<State>();
  if (core::Status opened = state->OpenInput(path); !opened) return opened.error();
  if (core::Status opened = state->OpenDecoder(output_rate); !opened) return opened.error();
  return std::unique_ptr<Decoder>(new Decoder(std::move(state)));
}

core::Status Decoder::Run(const BlockSink& sink, std::int64_t max_seconds) {
  State& s = *state_;
  s.max_samples = max_seconds * s.info.output_rate;
  bool at_end = false;
  while (!s.stopped && !at_end) {
    const int rc = av_read_frame(s.format, s.packet);
    if (rc == AVERROR_EOF) {
      at_end = true;
      avcodec_send_packet(s.codec, nullptr);
    } else if (rc < 0) {
      return Permanent(fmt::format("the file is damaged after {:.1f} s: {}",
                                   static_cast<double>(s.samples) / s.info.output_rate,
                                   AvError(rc)));
    } else {
      if (s.packet->stream_index != s.stream_index) {
        av_packet_unref(s.packet);
        continue;
      }
      ++s.packets;
      int sent = avcodec_send_packet(s.codec, s.packet);
      if (sent == AVERROR(EAGAIN)) {  // the decoder is full: take its frames, then resend
        if (core::Status drained = s.DrainDecoder(sink); !drained) return drained;
        sent = avcodec_send_packet(s.codec, s.packet);
      }
      av_packet_unref(s.packet);
      if (sent < 0) ++s.damaged;
    }
    if (core::Status drained = s.DrainDecoder(sink); !drained) return drained;
  }
  if (s.stopped) return core::Ok();
  if (core::Status flushed = s.Resample(nullptr, sink); !flushed) return flushed;

  if (s.damaged > kDamagedPacketsAllowed && s.damaged * 100 > s.packets * kDamagedPacketsPercent) {
    return Permanent(fmt::format("the audio is damaged: {} of {} packets cannot be decoded",
                                 s.damaged, s.packets));
  }
  if (s.samples == 0) return Permanent("the file holds no decodable audio");
  const double decoded = static_cast<double>(s.samples) / s.info.output_rate;
  const double declared = s.info.declared_seconds;
  if (declared > 0 && declared - decoded > std::max(kTruncatedToleranceSeconds,
                                                    declared * kTruncatedToleranceShare)) {
    return Permanent(fmt::format(
        "the file is truncated: its header declares {:.1f} s but only {:.1f} s can be decoded",
        declared, decoded));
  }
  return core::Ok();
}

}  // namespace callbrief::audio::internal
