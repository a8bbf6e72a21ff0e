#include "pipeline/download_stage.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/call_facts.h"
#include "bitrix/recording.h"

namespace callbrief::pipeline {

std::string CallDirectory(const std::string& data_dir, std::int64_t call_id) {
  return (std::filesystem::path(data_dir) / "calls" / std::to_string(call_id)).string();
}

DownloadStage::DownloadStage(bitrix::RestClient* rest, net::HttpClient* http,
                             DownloadSettings settings)
    : rest_(rest), http_(http), settings_(std::move(settings)) {}

core::Result<StageResult> DownloadStage::Run(const store::CallDetails& details) {
  const store::CallRecord& call = details.call;
  if (rest_ == nullptr || http_ == nullptr) {
    return core::Error::Config(
        "BITRIX24_WEBHOOK_URL is not set: callbrief cannot download the recording");
  }
  const std::string directory = CallDirectory(settings_.data_dir, call.id);
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return core::Error::Config(fmt::format("cannot create {} ({}): check DATA_DIR and its rights",
                                           directory, ec.message()));
  }
  bitrix::RecordingOptions options{
      .dest_path = (std::filesystem::path(directory) / "recording").string(),
      .max_bytes = settings_.max_bytes,
      .portal_host = settings_.portal_host,
      .extra_hosts = settings_.extra_hosts,
  };

  // The resolve stage stored RECORD_FILE_ID: one disk.file.get (a fresh signed DOWNLOAD_URL) is
  // enough, without asking voximplant.statistic.get again — the portal allows 2 requests a second
  // for everything. Only when that fails for good is the statistic row read again, for its
  // CALL_RECORD_URL.
  core::Result<bitrix::RecordingFile> file =
      core::Error::Permanent("the call has no stored RECORD_FILE_ID");
  if (call.record_file_id) {
    bitrix::CallFacts stored;
    stored.call_id = call.bitrix_call_id;
    stored.record_file_id = call.record_file_id;
    file = bitrix::FetchRecording(*rest_, *http_, stored, options);
    if (!file.ok() && file.error().IsRetryable()) return file.error();
  }
  if (!file.ok()) {
    auto facts = bitrix::FetchCallFacts(*rest_, call.bitrix_call_id);
    if (!facts.ok()) return facts.error();
    if (!facts->has_value()) {
      return core::Error::Permanent(fmt::format(
          "fetching the recording of call {}: voximplant.statistic.get no longer lists the call",
          call.bitrix_call_id));
    }
    // Nothing new to try: keep the first error rather than download the same file again.
    if (call.record_file_id && (**facts).record_url.empty() &&
        (**facts).record_file_id == call.record_file_id) {
      return file.error();
    }
    file = bitrix::FetchRecording(*rest_, *http_, **facts, options);
    if (!file.ok()) return file.error();
  }

  spdlog::info("✅ Got recording URL for call {}: {} bytes of {} ({})", call.bitrix_call_id,
               file->bytes, file->format, file->source);
  return StageResult{
      .next = store::Stage::kPrepare,
      .recording = store::RecordingUpdate{.path = file->path,
                                          .bytes = static_cast<std::int64_t>(file->bytes),
                                          .sha256 = file->sha256_hex}};
}

}  // namespace callbrief::pipeline
