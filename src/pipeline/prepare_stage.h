#pragma once

#include <string>

#include "audio/prepare.h"
#include "pipeline/stage.h"

namespace callbrief::pipeline {

struct PrepareSettings {
  std::string data_dir = "data";
  audio::PrepareOptions audio{};  // work_dir is set per call.
};

// prepare: decodes the downloaded recording, finds who speaks when, cuts silence and hold music,
// and writes the chunks the speech-to-text provider gets (audio::PrepareRecording). The chunk
// plan and the audio report are stored with the move to `transcribe` — or straight to
// `summarize` when no speech was found (nothing is sent for transcription). A recording file
// that is gone (DATA_DIR wiped by a redeploy) sends the call back to `download`.
class PrepareStage final : public StageHandler {
 public:
  explicit PrepareStage(PrepareSettings settings);
  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  const PrepareSettings settings_;
};

}  // namespace callbrief::pipeline
