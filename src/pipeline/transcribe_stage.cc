#include "pipeline/transcribe_stage.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "asr/stitch.h"
#include "core/json_bounded.h"
#include "pipeline/chunk_record.h"
#include "pipeline/pii_report.h"
#include "pipeline/usage.h"

namespace callbrief::pipeline {

TranscribeStage::TranscribeStage(asr::Transcriber* transcriber, store::CallStore& store,
                                 const core::Clock& clock, int parallelism,
                                 core::Observer& observer, bool mask_stored_transcript)
    : transcriber_(transcriber),
      store_(store),
      clock_(clock),
      parallelism_(parallelism),
      observer_(observer),
      mask_stored_transcript_(mask_stored_transcript) {}

namespace {

// The chunk's transcript as it may be stored: its texts masked when asked to.
asr::ChunkTranscript Storable(const asr::ChunkTranscript& transcript, bool mask) {
  if (!mask) return transcript;
  asr::ChunkTranscript masked = transcript;
  for (asr::RawSegment& segment : masked.segments) {
    segment.text = privacy::MaskPersonalData(segment.text).text;
  }
  masked.text = privacy::MaskPersonalData(masked.text).text;
  return masked;
}

}  // namespace

core::Result<StageResult> TranscribeStage::Run(const store::CallDetails& details) {
  const store::CallRecord& call = details.call;
  if (transcriber_ == nullptr) {
    return core::Error::Config(
        "OPENAI_API_KEY (or TRANSCRIBE_API_KEY) is not set: callbrief cannot transcribe calls");
  }
  auto records = store_.LoadChunks(call.id);
  if (!records.ok()) return records.error();

  std::vector<std::pair<asr::ChunkToTranscribe, asr::ChunkTranscript>> done;
  std::vector<asr::ChunkToTranscribe> missing;
  for (const store::AudioChunk& record : *records) {
    auto chunk = ChunkToTranscribeFrom(record);
    if (!chunk.ok()) return chunk.error();
    if (record.transcript_json) {
      auto stored = asr::ChunkTranscript::FromJson(core::ParseBoundedJson(*record.transcript_json));
      if (stored.ok()) {
        done.emplace_back(std::move(*chunk), std::move(*stored));
        continue;
      }
      spdlog::warn("the stored transcript of chunk {} is unreadable; transcribing it again",
                   record.index);
    }
    std::error_code ec;
    if (!std::filesystem::exists(chunk->path, ec)) {
      return StageResult{.next = store::Stage::kDownload,
                         .note =
                             "the audio chunks are gone (was DATA_DIR wiped?): downloading "
                             "the recording again"};
    }
    missing.push_back(std::move(*chunk));
  }
  if (!missing.empty()) {
    spdlog::info("Transcribing {} chunk(s) of call {} ({} already done)", missing.size(),
                 call.bitrix_call_id, done.size());
  }

  auto keep = [&](const asr::ChunkToTranscribe& chunk,
                  const asr::ChunkTranscript& transcript) -> core::Status {
    const std::int64_t now_ms = core::ToUnixMillis(clock_.Now());
    if (auto saved = store_.SaveChunkTranscript(
            call.id, chunk.index, Storable(transcript, mask_stored_transcript_).ToJson().dump(),
            now_ms);
        !saved.ok()) {
      return saved;
    }
    observer_.ProviderSpent(transcript.usage);  // Paid for, whether or not it is recorded.
    return store_.RecordUsage(call.id,
                              UsageRowFrom(store::Stage::kTranscribe, transcript.usage, now_ms));
  };
  auto fresh = asr::TranscribeAll(*transcriber_, missing, parallelism_, keep);
  if (!fresh.ok()) return fresh.error();
  for (size_t i = 0; i < missing.size(); ++i) {
    done.emplace_back(std::move(missing[i]), std::move((*fresh)[i]));
  }

  asr::StitchedTranscript stitched = asr::Stitch(done);
  std::vector<store::TranscriptSegment> segments;
  PiiCounts masked;
  for (const asr::TranscriptSegment& s : stitched.segments) {
    std::string text = s.text;
    if (mask_stored_transcript_) {
      text = privacy::MaskPersonalData(text).text;
      for (const auto& [type, count] : privacy::CountPlaceholders(text)) masked[type] += count;
    }
    segments.push_back({.index = static_cast<int>(segments.size()),
                        .start_ms = s.start_ms,
                        .end_ms = s.end_ms,
                        .speaker = s.speaker,
                        .text = std::move(text)});
  }
  std::optional<std::string> pii_report;
  if (mask_stored_transcript_) {
    PiiReport report = PiiReport::FromJson(call.pii_report_json);
    report.stored_transcript = std::move(masked);
    pii_report = report.ToJson();
  }
  spdlog::info("✅ Transcription completed for call {}: {} segment(s), {} hallucination(s) dropped",
               call.bitrix_call_id, segments.size(), stitched.dropped_hallucinations);
  return StageResult{.next = store::Stage::kSummarize,
                     .pii_report_json = std::move(pii_report),
                     .segments = std::move(segments)};
}

}  // namespace callbrief::pipeline
