#include "app/recording_copy.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include <spdlog/spdlog.h>

namespace callbrief::app {
namespace {

bool IsFile(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

}  // namespace

RecordingCopies::RecordingCopies(bitrix::RestClient* rest, net::HttpClient* http,
                                 pipeline::DownloadSettings settings)
    : rest_(rest), http_(http), download_(rest, http, settings), data_dir_(settings.data_dir) {}

core::Result<std::string> RecordingCopies::LocalCopy(const store::CallDetails& details) {
  const store::CallRecord& call = details.call;
  if (IsFile(call.recording_path)) return call.recording_path;
  // Where the download stage of this instance would have put it (the same path the download
  // below writes).
  const std::string own_copy =
      (std::filesystem::path(pipeline::CallDirectory(data_dir_, call.id)) / "recording").string();

  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return !downloading_.contains(call.id); });
  if (IsFile(own_copy)) return own_copy;
  downloading_.insert(call.id);
  lock.unlock();

  core::Result<std::string> copy = Download(details);

  lock.lock();
  downloading_.erase(call.id);
  done_.notify_all();
  return copy;
}

core::Result<std::string> RecordingCopies::Download(const store::CallDetails& details) {
  if (rest_ == nullptr || http_ == nullptr) {
    return core::Error::Config(
        "the recording was downloaded by another instance, and this one cannot fetch it: "
        "BITRIX24_WEBHOOK_URL is not set");
  }
  auto downloaded = download_.Run(details);
  if (!downloaded.ok()) return downloaded.error();
  if (!downloaded->recording) {
    return core::Error::Permanent("the download gave no recording file");
  }
  spdlog::info(
      "🔊 Fetched the recording of call {} again for the player ({} bytes): it was on "
      "another instance",
      details.call.bitrix_call_id, downloaded->recording->bytes);
  return downloaded->recording->path;
}

}  // namespace callbrief::app
