#pragma once

#include "asr/transcriber.h"
#include "audio/prepare.h"
#include "core/result.h"
#include "store/call.h"

namespace callbrief::pipeline {

// A prepared chunk as the store keeps it (audio_chunks): the time map, MIME type and length go
// into its time_map JSON, so the transcribe stage can rebuild what the asr client needs after a
// restart. Pure.
store::AudioChunk ChunkRecordFrom(const audio::Chunk& chunk);
core::Result<asr::ChunkToTranscribe> ChunkToTranscribeFrom(const store::AudioChunk& record);

}  // namespace callbrief::pipeline
