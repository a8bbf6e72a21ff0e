#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitrix/call_facts.h"
#include "bitrix/rest_client.h"
#include "core/result.h"
#include "net/http_client.h"

namespace callbrief::bitrix {

struct RecordingOptions {
  std::string dest_path{};  // Where the file ends up; its directory must exist.
  std::uint64_t max_bytes = 200ull * 1024 * 1024;  // A larger recording is refused.
  std::string portal_host{};                       // net::UrlHost(BITRIX24_WEBHOOK_URL).
  std::vector<std::string> extra_hosts{};          // RECORDING_HOSTS.
  // The whole download; a stalled transfer fails sooner (net::DownloadOptions::stall_timeout).
  std::chrono::milliseconds timeout = std::chrono::minutes(30);
};

struct RecordingFile {
  std::string path;
  std::uint64_t bytes = 0;
  std::string sha256_hex;
  std::string content_type;  // As the server declared it; may be generic or empty.
  std::string format;        // What the first bytes say: see SniffAudioFormat.
  std::string source;        // "disk" (disk.file.get DOWNLOAD_URL) or "call_record_url".
};

// Downloads the recording of a finished call into options.dest_path — the download stage's
// Bitrix24 side.
//  - With RECORD_FILE_ID: disk.file.get gives a signed DOWNLOAD_URL, fetched right before the
//    download because it expires with the webhook's token. The URL is never stored, logged or put
//    in an error (only its host is). CALL_RECORD_URL is the fallback when there is no
//    RECORD_FILE_ID, or when disk.file.get answers ERROR_NOT_FOUND or ACCESS_DENIED.
//  - The download and every redirect must stay on the portal's host or RECORDING_HOSTS (see
//    CheckRecordingHost). Accept: */* and Referer: https://<portal>/ are sent, as Bitrix24 asks
//    for signed links.
//  - A body that is not audio (an HTML login page, when the webhook's user may not read the file)
//    is deleted and refused.
// On any failure no file is left at dest_path. Errors keep the kind of the step that failed (a
// lost connection stays kTransient; a refused host, a non-audio body, a recording over max_bytes,
// a call without a recording are kPermanent; an unset portal host is kConfig) and every message
// starts with "fetching the recording of call <CALL_ID>". Thread-safe if the clients are.
core::Result<RecordingFile> FetchRecording(RestClient& rest, net::HttpClient& http,
                                           const CallFacts& call, const RecordingOptions& options);

// The audio container the first bytes of a file announce: "mp3" (an ID3 tag or an MPEG audio
// frame sync), "aac" (an ADTS frame sync), "wav" (RIFF....WAVE), "ogg" (OggS), "flac" (fLaC),
// "mp4" (....ftyp, m4a and friends). nullopt for anything else, such as HTML. Pure; 12 bytes are
// enough.
std::optional<std::string> SniffAudioFormat(std::string_view first_bytes);

// The first bytes of a file for an error message: printable ASCII as is, anything else as \xNN,
// at most `max_bytes` of input, in quotes. Pure.
std::string DescribeFirstBytes(std::string_view first_bytes, std::size_t max_bytes = 16);

}  // namespace callbrief::bitrix
