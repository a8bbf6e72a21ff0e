// Prepares one recording the way the pipeline's prepare stage does and prints the report and the
// chunks as JSON on stdout. Used by bench/audio/run.sh (which times it) and handy for trying a
// real recording by hand:
//   callbrief_audio_bench RECORDING WORK_DIR [mp3|opus|flac|wav]
#include <cstdio>
#include <iostream>

#include "audio/prepare.h"

int main(int argc, char** argv) {
  using namespace callbrief;
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " RECORDING WORK_DIR [mp3|opus|flac|wav]\n";
    return 2;
  }
  audio::PrepareOptions options{.work_dir = argv[2]};
  if (argc > 3) {
    auto format = audio::ChunkFormatFromName(argv[3]);
    if (!format) {
      std::cerr << "unknown chunk format " << argv[3] << "\n";
      return 2;
    }
    options.format = *format;
  }
  auto prepared = audio::PrepareRecording(argv[1], options);
  if (!prepared) {
    std::cerr << core::ErrorKindName(prepared.error().kind) << ": " << prepared.error().message
              << "\n";
    return 1;
  }
  std::cout << "{\"report\":" << prepared->report.ToJson() << ",\"chunks\":[";
  for (const audio::Chunk& chunk : prepared->chunks) {
    std::cout << (chunk.index == 0 ? "" : ",") << "{\"path\":\"" << chunk.path.string()
              << "\",\"speaker\":\"" << chunk.speaker << "\",\"seconds\":" << chunk.seconds
              << ",\"bytes\":" << chunk.bytes << ",\"spans\":" << chunk.time_map.spans().size()
              << "}";
  }
  std::cout << "]}\n";
  return 0;
}
