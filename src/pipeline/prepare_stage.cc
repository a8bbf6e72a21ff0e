#include "pipeline/prepare_stage.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/chunk_record.h"
#include "pipeline/download_stage.h"

namespace callbrief::pipeline {

PrepareStage::PrepareStage(PrepareSettings settings) : settings_(std::move(settings)) {}

core::Result<StageResult> PrepareStage::Run(const store::CallDetails& details) {
  const store::CallRecord& call = details.call;
  std::error_code ec;
  if (call.recording_path.empty() || !std::filesystem::exists(call.recording_path, ec)) {
    return StageResult{.next = store::Stage::kDownload,
                       .note =
                           "the recording file is gone (was DATA_DIR wiped?): downloading "
                           "it again"};
  }
  audio::PrepareOptions options = settings_.audio;
  options.work_dir = std::filesystem::path(CallDirectory(settings_.data_dir, call.id)) / "chunks";
  auto prepared = settings_.prepare(call.recording_path, options);
  if (!prepared.ok()) return prepared.error();

  const audio::AudioReport& report = prepared->report;
  spdlog::info(
      "🔊 Prepared the audio of call {}: {} ({} ch), {:.0f} s, speech {:.0f} s, {} chunk(s), "
      "{:.0f} s to transcribe",
      call.bitrix_call_id, audio::LayoutName(report.layout), report.channels,
      report.duration_seconds, report.speech_seconds, report.chunk_count, report.billed_seconds);
  if (report.transcribed_until_seconds) {
    spdlog::warn(
        "✂️ Call {}: only the first {:.0f} min of the recording ({}) are transcribed "
        "(MAX_CALL_MINUTES); the rest is reported with the call, not transcribed",
        call.bitrix_call_id, *report.transcribed_until_seconds / 60,
        report.duration_seconds > *report.transcribed_until_seconds
            ? fmt::format("{:.0f} min", report.duration_seconds / 60)
            : std::string("of undeclared length"));
  }
  std::vector<store::AudioChunk> chunks;
  for (const audio::Chunk& chunk : prepared->chunks) chunks.push_back(ChunkRecordFrom(chunk));
  const bool has_speech = !chunks.empty();
  return StageResult{.next = has_speech ? store::Stage::kTranscribe : store::Stage::kSummarize,
                     .audio_report_json = report.ToJson(),
                     .chunks = std::move(chunks),
                     .segments = has_speech
                                     ? std::nullopt
                                     : std::optional(std::vector<store::TranscriptSegment>{})};
}

}  // namespace callbrief::pipeline
