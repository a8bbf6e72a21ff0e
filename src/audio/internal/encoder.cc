#include "audio/internal/encoder.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "audio/internal/decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
}

namespace callbrief::audio::internal {
namespace {

constexpr int kLameQuality = 7;

struct FormatSpec {
  const char* muxer;
  const char* encoder;
  const char* mime;
  const char* extension;
};

FormatSpec Spec(ChunkFormat format) {
  switch (format) {
    case ChunkFormat::kMp3:
      return {"mp3", "libmp3lame", "audio/mpeg", ".mp3"};
    case ChunkFormat::kOpus:
      return {"ogg", "libopus", "audio/ogg", ".ogg"};
    case ChunkFormat::kFlac:
      return {"flac", "flac", "audio/flac", ".flac"};
    case ChunkFormat::kWav:
      return {"wav", "pcm_s16le", "audio/wav", ".wav"};
  }
  return {"mp3", "libmp3lame", "audio/mpeg", ".mp3"};
}

std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

// Float sample formats first: no conversion; 16-bit ones are filled by hand.
AVSampleFormat PickSampleFormat(const AVCodec& codec) {
  static constexpr AVSampleFormat kPreferred[] = {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT,
                                                  AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16};
  if (codec.sample_fmts == nullptr) return AV_SAMPLE_FMT_S16;
  for (AVSampleFormat wanted : kPreferred) {
    for (const AVSampleFormat* f = codec.sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
      if (*f == wanted) return wanted;
    }
  }
  return AV_SAMPLE_FMT_NONE;
}

}  // namespace

std::string_view MimeType(ChunkFormat format) { return Spec(format).mime; }
std::string_view FileExtension(ChunkFormat format) { return Spec(format).extension; }

double EstimatedBytesPerSecond(ChunkFormat format, int bitrate) {
  switch (format) {
    case ChunkFormat::kMp3:
    case ChunkFormat::kOpus:
      return bitrate / 8.0 * 1.05;  // frame and page headers
    case ChunkFormat::kFlac:        // never larger than PCM plus frame headers
    case ChunkFormat::kWav:
      return kRate * 2.0 * 1.02;
  }
  return kRate * 2.0;
}

struct ChunkWriter::State {
  std::filesystem::path path;
  AVFormatContext* muxer = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  bool file_open = false;
  bool finished = false;
  int frame_size = 1024;
  bool small_last_frame = false;
  std::vector<float> pending;
  std::int64_t next_pts = 0;
  std::int64_t written = 0;

  ~State() {
    if (file_open) avio_closep(&muxer->pb);
    if (!finished && file_open) {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
    av_packet_free(&packet);
    av_frame_free(&frame);
    avcodec_free_context(&codec);
    avformat_free_context(muxer);
  }
};

ChunkWriter::ChunkWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChunkWriter::~ChunkWriter() = default;
std::int64_t ChunkWriter::samples_written() const { return state_->written; }

core::Result<std::unique_ptr<ChunkWriter>> ChunkWriter::Open(const std::filesystem::path& path,
                                                             ChunkFormat format, int bitrate) {
  const FormatSpec spec = Spec(format);
  const AVCodec* encoder = avcodec_find_encoder_by_name(spec.encoder);
  if (encoder == nullptr) {
    return core::Error::Config(fmt::format("this FFmpeg has no {} encoder", spec.encoder));
  }
  auto state = std::make_unique<State>();
  state->path = path;
  int rc = avformat_alloc_output_context2(&state->muxer, nullptr, spec.muxer, nullptr);
  if (rc < 0) return core::Error::Config(fmt::format("no {} muxer: {}", spec.muxer, AvError(rc)));
  state->codec = avcodec_alloc_context3(encoder);
  state->frame = av_frame_alloc();
  state->packet = av_packet_alloc();
  if (state->codec == nullptr || state->frame == nullptr || state->packet == nullptr) {
    return core::Error::Transient("out of memory for the encoder");
  }
  AVCodecContext& codec = *state->codec;
  codec.sample_rate = kRate;
  codec.sample_fmt = PickSampleFormat(*encoder);
  if (codec.sample_fmt == AV_SAMPLE_FMT_NONE) {
    return core::Error::Config(fmt::format("{} takes no float or 16-bit samples", spec.encoder));
  }
  av_channel_layout_default(&codec.ch_layout, 1);
  if (format == ChunkFormat::kMp3 || format == ChunkFormat::kOpus) codec.bit_rate = bitrate;
  // LAME's quality 7 (`lame -q 7`, its fast mode) instead of the default 3: the bit rate is fixed,
  // so the files are just as large, and libmp3lame needs half the CPU (bench/README.md). It only
  // searches less for where to put the quantization noise; speech at 16 kHz does not suffer.
  if (format == ChunkFormat::kMp3) codec.compression_level = kLameQuality;
  codec.time_base = AVRational{1, kRate};
  codec.thread_count = 1;
  if ((state->muxer->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    codec.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  rc = avcodec_open2(&codec, encoder, nullptr);
  if (rc < 0) {
    return core::Error::Config(fmt::format("cannot open {}: {}", spec.encoder, AvError(rc)));
  }
  const bool variable = (encoder->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0;
  state->frame_size = codec.frame_size > 0 && !variable ? codec.frame_size : 1024;
  state->small_last_frame = variable || (encoder->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME);

  state->stream = avformat_new_stream(state->muxer, nullptr);
  if (state->stream == nullptr) return core::Error::Transient("out of memory for the muxer");
  state->stream->time_base = codec.time_base;
  rc = avcodec_parameters_from_context(state->stream->codecpar, &codec);
  if (rc >= 0) rc = avio_open(&state->muxer->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) {
    return core::Error::Transient(fmt::format("cannot create {}: {}", path.string(), AvError(rc)));
  }
  state->file_open = true;
  rc = avformat_write_header(state->muxer, nullptr);
  if (rc < 0) {
    return core::Error::Transient(fmt::format("writing {}: {}", path.string(), AvError(rc)));
  }
  return std::unique_ptr<ChunkWriter>(new ChunkWriter(std::move(state)));
}

core::Status ChunkWriter::Write(const float* samples, int count) {
  State& s = *state_;
  s.pending.insert(s.pending.end(), samples, samples + count);
  s.written += count;
  std::size_t used = 0;
  while (s.pending.size() - used >= static_cast<std::size_t>(s.frame_size)) {
    if (core::Status encoded = EncodeFrame(s.pending.data() + used, s.frame_size); !encoded) {
      return encoded;
    }
    used += s.frame_size;
  }
  s.pending.erase(s.pending.begin(), s.pending.begin() + static_cast<std::ptrdiff_t>(used));
  return core::Ok();
}

// Encodes `count` samples (padded with silence up to a full frame when the encoder needs one).
core::Status ChunkWriter::EncodeFrame(const float* samples, int count) {
  State& s = *state_;
  AVFrame* frame = s.frame;
  // One buffer for the whole chunk, unless the encoder still holds a reference to it.
  if (frame->buf[0] == nullptr) {
    frame->nb_samples = s.frame_size;
    frame->format = s.codec->sample_fmt;
    frame->sample_rate = kRate;
    if (av_channel_layout_copy(&frame->ch_layout, &s.codec->ch_layout) < 0 ||
        av_frame_get_buffer(frame, 0) < 0) {
      return core::Error::Transient("out of memory for an audio frame");
    }
  } else if (av_frame_make_writable(frame) < 0) {
    return core::Error::Transient("out of memory for an audio frame");
  }
  frame->nb_samples = s.small_last_frame ? count : s.frame_size;
  const int n = frame->nb_samples;
  if (s.codec->sample_fmt == AV_SAMPLE_FMT_FLTP || s.codec->sample_fmt == AV_SAMPLE_FMT_FLT) {
    auto* out = reinterpret_cast<float*>(frame->data[0]);
    std::copy_n(samples, count, out);
    std::fill(out + count, out + n, 0.0F);
  } else {
    auto* out = reinterpret_cast<std::int16_t*>(frame->data[0]);
    for (int i = 0; i < n; ++i) {
      const float x = i < count ? std::clamp(samples[i], -1.0F, 1.0F) : 0.0F;
      out[i] = static_cast<std::int16_t>(std::lrintf(x * 32767.0F));
    }
  }
  frame->pts = s.next_pts;
  s.next_pts += n;
  const int rc = avcodec_send_frame(s.codec, frame);
  if (rc < 0) return core::Error::Transient("encoding a chunk: " + AvError(rc));
  return Drain();
}

core::Status ChunkWriter::Drain() {
  State& s = *state_;
  while (true) {
    int rc = avcodec_receive_packet(s.codec, s.packet);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return core::Ok();
    if (rc < 0) return core::Error::Transient("encoding a chunk: " + AvError(rc));
    av_packet_rescale_ts(s.packet, s.codec->time_base, s.stream->time_base);
    s.packet->stream_index = s.stream->index;
    rc = av_interleaved_write_frame(s.muxer, s.packet);
    if (rc < 0) {
      return core::Error::Transient(fmt::format("writing {}: {}", s.path.string(), AvError(rc)));
    }
  }
}

core::Result<std::int64_t> ChunkWriter::Finish() {
  State& s = *state_;
  if (!s.pending.empty()) {
    if (core::Status encoded = EncodeFrame(s.pending.data(), static_cast<int>(s.pending.size()));
        !encoded) {
      return encoded.error();
    }
    s.pending.clear();
  }
  int rc = avcodec_send_frame(s.codec, nullptr);
  if (rc < 0) return core::Error::Transient("flushing the encoder: " + AvError(rc));
  if (core::Status drained = Drain(); !drained) return drained.error();
  rc = av_write_trailer(s.muxer);
  const int closed = avio_closep(&s.muxer->pb);
  s.file_open = false;
  if (rc < 0 || closed < 0) {
    std::error_code ignored;
    std::filesystem::remove(s.path, ignored);
    return core::Error::Transient(
        fmt::format("writing {}: {}", s.path.string(), AvError(rc < 0 ? rc : closed)));
  }
  s.finished = true;
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(s.path, ec);
  if (ec) return core::Error::Transient("reading the size of " + s.path.string());
  return static_cast<std::int64_t>(bytes);
}

}  // namespace callbrief::audio::internal
