#include "audio/internal/render.h"

#include <algorithm>
#include <memory>

#include "audio/internal/decoder.h"
#include "audio/internal/encoder.h"
#include "audio/internal/energy.h"

namespace callbrief::audio::internal {
namespace {

struct Progress {
  const RenderTarget* target = nullptr;
  std::unique_ptr<ChunkWriter> writer = nullptr;
  std::size_t span = 0;  // the next span (or the one being written)
  bool done = false;
  RenderedChunk result = {};
};

class Renderer {
 public:
  Renderer(const std::vector<RenderTarget>& targets, ChunkFormat format, int bitrate)
      : format_(format), bitrate_(bitrate) {
    for (const RenderTarget& target : targets) {
      progress_.push_back({.target = &target});
      needs_mix_ = needs_mix_ || target.source == Source::kMix;
    }
  }

  // The decoder's sink: routes one block to every chunk that wants part of it.
  bool Take(const float* const* planes, int channels, int count) {
    if (needs_mix_ && channels == 2) {
      mix_.resize(static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i) mix_[i] = 0.5F * (planes[0][i] + planes[1][i]);
    }
    const std::int64_t block_end = position_ + count;
    bool all_done = true;
    for (Progress& p : progress_) {
      if (!p.done) status_ = Feed(p, planes, channels, block_end);
      if (!status_) return false;
      all_done = all_done && p.done;
    }
    position_ = block_end;
    return !all_done;
  }

  // The first sample any unfinished chunk still needs (at least the current position);
  // `end` when none does.
  std::int64_t NextNeeded(std::int64_t end) const {
    std::int64_t next = end;
    for (const Progress& p : progress_) {
      if (p.done || p.span >= p.target->spans.size()) continue;
      next = std::min(next, std::max(position_, p.target->spans[p.span].begin * kFrameSamples));
    }
    return next;
  }
  // Moves past audio no chunk needs (position <= NextNeeded()).
  void SkipTo(std::int64_t position) { position_ = std::max(position_, position); }

  // After the last block: finishes chunks whose last span reached past the decoded end (by less
  // than a frame); a chunk that never started means the file changed since the analysis.
  core::Result<std::vector<RenderedChunk>> Finish() {
    if (!status_) return status_.error();
    std::vector<RenderedChunk> results;
    for (Progress& p : progress_) {
      if (!p.done) {
        if (p.writer == nullptr) {
          return core::Error::Permanent("a chunk begins after the end of the recording");
        }
        if (core::Status finished = Close(p); !finished) return finished.error();
      }
      results.push_back(p.result);
    }
    return results;
  }

 private:
  core::Status Feed(Progress& p, const float* const* planes, int channels, std::int64_t block_end) {
    const std::vector<Region>& spans = p.target->spans;
    const float* plane = planes[0];
    if (p.target->source == Source::kSecond && channels == 2) plane = planes[1];
    if (p.target->source == Source::kMix && channels == 2) plane = mix_.data();
    while (p.span < spans.size()) {
      const std::int64_t begin = spans[p.span].begin * kFrameSamples;
      const std::int64_t end = spans[p.span].end * kFrameSamples;
      if (begin >= block_end) break;
      if (p.writer == nullptr) {
        auto writer = ChunkWriter::Open(p.target->path, format_, bitrate_);
        if (!writer) return writer.error();
        p.writer = std::move(*writer);
      }
      const std::int64_t from = std::max(begin, position_);
      const std::int64_t to = std::min(end, block_end);
      if (to > from) {
        core::Status written =
            p.writer->Write(plane + (from - position_), static_cast<int>(to - from));
        if (!written) return written;
      }
      if (end > block_end) break;
      ++p.span;
    }
    if (p.span == spans.size()) return Close(p);
    return core::Ok();
  }

  core::Status Close(Progress& p) {
    p.done = true;
    if (p.writer == nullptr) return core::Ok();
    p.result.samples = p.writer->samples_written();
    auto bytes = p.writer->Finish();
    p.writer.reset();
    if (!bytes) return bytes.error();
    p.result.bytes = *bytes;
    return core::Ok();
  }

  ChunkFormat format_;
  int bitrate_;
  std::vector<Progress> progress_;
  bool needs_mix_ = false;
  std::vector<float> mix_;
  std::int64_t position_ = 0;
  core::Status status_;
};

}  // namespace

core::Result<std::vector<RenderedChunk>> Render(Spool& spool,
                                                const std::vector<RenderTarget>& targets,
                                                ChunkFormat format, int bitrate) {
  if (targets.empty()) return std::vector<RenderedChunk>{};
  // One second per read: large enough that system calls do not matter, small enough to stay in
  // the cache.
  constexpr int kBlock = kRate;
  const int channels = spool.channels();
  std::vector<float> block[2];
  for (int c = 0; c < channels; ++c) block[c].resize(kBlock);
  float* planes[2] = {block[0].data(), channels == 2 ? block[1].data() : nullptr};
  Renderer renderer(targets, format, bitrate);
  const std::int64_t end = spool.samples();
  while (true) {
    const std::int64_t from = renderer.NextNeeded(end);
    if (from >= end) break;
    renderer.SkipTo(from);
    const int count = static_cast<int>(std::min<std::int64_t>(kBlock, end - from));
    if (core::Status read = spool.Read(from, count, planes); !read) return read.error();
    if (!renderer.Take(planes, channels, count)) break;
  }
  return renderer.Finish();
}

}  // namespace callbrief::audio::internal
