#pragma once

#include "asr/transcriber.h"
#include "core/clock.h"
#include "core/observer.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

// transcribe: sends the call's chunks to speech-to-text, at most `parallelism` at once, and keeps
// each chunk's transcript (and its cost) the moment it arrives — a retry after a failure or a
// crash sends only the chunks still missing, so no audio is paid for twice. When every chunk is
// in, they are stitched on the recording's timeline with speaker labels and hallucinations
// dropped (asr::Stitch), and the segments are stored with the move to `summarize`. With
// `mask_stored_transcript` (PII_MASKING_STORE) personal data is masked before anything is stored
// — each chunk's transcript and the stitched segments — and the count stored with the call.
class TranscribeStage final : public StageHandler {
 public:
  // `transcriber` is null when no speech-to-text key is configured: calls then park. `observer`
  // is told of every chunk's cost as it is recorded, and must outlive the stage.
  TranscribeStage(asr::Transcriber* transcriber, store::CallStore& store, const core::Clock& clock,
                  int parallelism, core::Observer& observer = core::NullObserver(),
                  bool mask_stored_transcript = false);
  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  asr::Transcriber* transcriber_;
  store::CallStore& store_;
  const core::Clock& clock_;
  const int parallelism_;
  core::Observer& observer_;
  const bool mask_stored_transcript_;
};

}  // namespace callbrief::pipeline
