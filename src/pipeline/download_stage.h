#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bitrix/rest_client.h"
#include "net/http_client.h"
#include "pipeline/stage.h"

namespace callbrief::pipeline {

struct DownloadSettings {
  std::string data_dir = "data";                   // DATA_DIR
  std::uint64_t max_bytes = 200ull * 1024 * 1024;  // RECORDING_MAX_MB
  std::string portal_host;                         // The host of BITRIX24_WEBHOOK_URL.
  std::vector<std::string> extra_hosts;            // RECORDING_HOSTS
};

// Where a call's files live: DATA_DIR/calls/<id>/ (the recording, then the prepared chunks).
std::string CallDirectory(const std::string& data_dir, std::int64_t call_id);

// download: a fresh signed DOWNLOAD_URL from disk.file.get (or CALL_RECORD_URL), streamed into
// the call's directory with the size cap and host allow-list of bitrix::FetchRecording. The
// statistic row is read again first: it is one request, and it carries CALL_RECORD_URL, which we
// never store. A rerun downloads again into the same file (nothing is billed for it).
class DownloadStage final : public StageHandler {
 public:
  // `rest` and `http` are null when BITRIX24_WEBHOOK_URL is not set.
  DownloadStage(bitrix::RestClient* rest, net::HttpClient* http, DownloadSettings settings);

  core::Result<StageResult> Run(const store::CallDetails& call) override;

 private:
  bitrix::RestClient* rest_;
  net::HttpClient* http_;
  const DownloadSettings settings_;
};

}  // namespace callbrief::pipeline
