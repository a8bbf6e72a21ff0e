#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "bitrix/rest_client.h"
#include "core/result.h"
#include "net/http_client.h"
#include "pipeline/download_stage.h"
#include "store/call.h"

namespace callbrief::app {

// The recording of a call on this instance, for the call page's player. With several instances
// on one database, the recording lives only in the DATA_DIR of the instance that downloaded it;
// any other instance asked to play it downloads it again from the portal — disk.file.get by the
// stored RECORD_FILE_ID, as the download stage does — into its own DATA_DIR/calls/<id>/ and keeps
// it there (RETAIN_AUDIO_DAYS deletes it like any other). One download per call at a time: a
// second request for the same call waits for the first instead of downloading it twice.
class RecordingCopies {
 public:
  // `rest` and `http` are null when BITRIX24_WEBHOOK_URL is not set: only local files are found.
  RecordingCopies(bitrix::RestClient* rest, net::HttpClient* http,
                  pipeline::DownloadSettings settings);

  // The path of a readable copy of the call's recording: the stored one when it is on this
  // instance, else this instance's own copy, else a fresh download. Errors keep the kind of the
  // download's failure; kConfig without BITRIX24_WEBHOOK_URL. Thread-safe.
  core::Result<std::string> LocalCopy(const store::CallDetails& call);

 private:
  core::Result<std::string> Download(const store::CallDetails& call);

  bitrix::RestClient* rest_;
  net::HttpClient* http_;
  pipeline::DownloadStage download_;
  const std::string data_dir_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::set<std::int64_t> downloading_;  // Call ids being downloaded; guarded by mutex_.
};

}  // namespace callbrief::app
