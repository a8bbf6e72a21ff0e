#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "audio/internal/spool.h"
#include "audio/internal/vad.h"
#include "audio/prepare.h"
#include "core/result.h"

namespace callbrief::audio::internal {

enum class Source {
  kFirst,   // channel 0 (the only one of a mono recording, LEFT of a stereo one)
  kSecond,  // channel 1 (RIGHT)
  kMix,     // (LEFT + RIGHT) / 2
};

// One chunk file to write: the frames `spans` (ordered, of the original) of `source`, joined.
struct RenderTarget {
  std::filesystem::path path = {};
  Source source = Source::kFirst;
  std::vector<Region> spans = {};
};

struct RenderedChunk {
  std::int64_t bytes = 0;
  std::int64_t samples = 0;
};

// Reads the decoded recording back from `spool` in one forward sweep and writes every target,
// each file open only while its spans are being read, so memory and open files stay bounded.
// Audio no target needs (the cut silence) is skipped unread. On error, the file being written is
// removed (finished ones are left to the caller).
core::Result<std::vector<RenderedChunk>> Render(Spool& spool,
                                                const std::vector<RenderTarget>& targets,
                                                ChunkFormat format, int bitrate);

}  // namespace callbrief::audio::internal
