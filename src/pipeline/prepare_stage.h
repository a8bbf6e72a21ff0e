#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "audio/prepare.h"
#include "pipeline/stage.h"

namespace callbrief::pipeline {

// How a recording becomes chunks: audio::PrepareRecordingInChildProcess in the service (FFmpeg in
// the callbrief-audio helper process), audio::PrepareRecording itself in tests that link it.
using PrepareRecordingFunction = std::function<core::Result<audio::PreparedAudio>(
    const std::filesystem::path& recording, const audio::PrepareOptions& options)>;

struct PrepareSettings {
  std::string data_dir = "data";
  audio::PrepareOptions audio{};  // work_dir is set per call.
  PrepareRecordingFunction prepare;
};

// prepare: decodes the downloaded recording, finds who speaks when, cuts silence and hold music,
// and writes the chunks the speech-to-text provider gets (PrepareSettings::prepare). The chunk
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
