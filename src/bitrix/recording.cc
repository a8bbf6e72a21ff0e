#include "bitrix/recording.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bitrix/json_fields.h"
#include "bitrix/recording_host.h"
#include "core/redact.h"

namespace callbrief::bitrix {
namespace {

using core::Error;

constexpr std::string_view kFromDisk = "disk";
constexpr std::string_view kFromCallRecordUrl = "call_record_url";

// Where the recording is. `url` may carry a download signature: it lives only on the stack of
// FetchRecording, and only its host may be shown.
struct RecordingLink {
  std::string url;
  std::string_view source;
};

core::Result<RecordingLink> FindRecordingLink(RestClient& rest, const CallFacts& call) {
  const bool has_url = !call.record_url.empty();
  if (!call.record_file_id) {
    if (has_url) return RecordingLink{call.record_url, kFromCallRecordUrl};
    return Error::Permanent(
        "the call has no recording (neither RECORD_FILE_ID nor CALL_RECORD_URL)");
  }
  auto reply = rest.Call("disk.file.get", {{"id", *call.record_file_id}});
  if (!reply) {
    const Error& e = reply.error();
    if (has_url && (e.code == "ERROR_NOT_FOUND" || e.code == "ACCESS_DENIED")) {
      spdlog::info("call {}: disk.file.get refused file {} ({}); using CALL_RECORD_URL instead",
                   call.call_id, *call.record_file_id, e.message);
      return RecordingLink{call.record_url, kFromCallRecordUrl};
    }
    return e;
  }
  std::string url = reply->result.is_object() ? TextField(reply->result, "DOWNLOAD_URL") : "";
  if (!url.empty()) return RecordingLink{std::move(url), kFromDisk};
  if (has_url) return RecordingLink{call.record_url, kFromCallRecordUrl};
  return Error::Permanent(
      fmt::format("disk.file.get answered no DOWNLOAD_URL for file {}", *call.record_file_id));
}

// Up to `n` bytes from the start of the file at `path`.
core::Result<std::string> ReadHead(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Transient("cannot read the downloaded file back");
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

void RemoveQuietly(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

core::Status CheckIsAudio(const std::string& path, std::string* format) {
  auto head = ReadHead(path, 16);
  if (!head) {
    RemoveQuietly(path);
    return head.error();
  }
  if (head->empty()) {
    RemoveQuietly(path);
    return Error::Permanent("the recording is empty (0 bytes)");
  }
  if (auto sniffed = SniffAudioFormat(*head)) {
    *format = *sniffed;
    return core::Ok();
  }
  RemoveQuietly(path);
  return Error::Permanent(
      fmt::format("the recording is not audio (starts with {}; Bitrix24 may have answered with a "
                  "login page: the webhook user must be an administrator)",
                  DescribeFirstBytes(*head)));
}

core::Result<RecordingFile> Fetch(RestClient& rest, net::HttpClient& http, const CallFacts& call,
                                  const RecordingOptions& options) {
  if (options.portal_host.empty()) {
    return Error::Config("the portal's host is unknown: set BITRIX24_WEBHOOK_URL");
  }
  if (options.dest_path.empty()) return Error::Permanent("no destination path was given");
  auto link = FindRecordingLink(rest, call);
  if (!link) return link.error();
  RecordingHosts hosts{options.portal_host, options.extra_hosts};
  if (auto allowed = CheckRecordingHost(link->url, hosts); !allowed) return allowed.error();

  net::HttpRequest request;
  request.method = "GET";
  request.url = std::move(link->url);
  request.headers = {{"Accept", "*/*"},
                     {"Accept-Language", "ru, en;q=0.8"},
                     {"Referer", fmt::format("https://{}/", options.portal_host)}};
  request.timeout = options.timeout;
  std::string refusal;  // Why a redirect was refused, in our words.
  net::DownloadOptions download{.path = options.dest_path,
                                .max_bytes = options.max_bytes,
                                .allow_redirect = MakeRedirectApproval(hosts, &refusal)};
  auto result = http.Download(request, download);
  if (!result) {
    if (!refusal.empty()) return Error::Permanent("following a redirect: " + refusal);
    return result.error();
  }
  RecordingFile file{.path = options.dest_path,
                     .bytes = result->bytes,
                     .sha256_hex = result->sha256_hex,
                     .content_type = result->content_type,
                     .format = {},
                     .source = std::string(link->source)};
  if (auto audio = CheckIsAudio(options.dest_path, &file.format); !audio) return audio.error();
  return file;
}

}  // namespace

core::Result<RecordingFile> FetchRecording(RestClient& rest, net::HttpClient& http,
                                           const CallFacts& call, const RecordingOptions& options) {
  auto file = Fetch(rest, http, call, options);
  if (!file) {
    return file.error().WithContext(fmt::format("fetching the recording of call {}", call.call_id));
  }
  return file;
}

std::optional<std::string> SniffAudioFormat(std::string_view b) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  auto at = [&](std::size_t pos, std::string_view magic) {
    return b.size() >= pos + magic.size() && b.substr(pos, magic.size()) == magic;
  };
  if (at(0, "ID3")) return "mp3";
  if (b.size() >= 2 && byte(0) == 0xFF && (byte(1) & 0xE0) == 0xE0) {
    // Layer bits 00 are reserved in MPEG audio and mark an ADTS (AAC) header instead.
    return (byte(1) & 0x06) == 0 ? "aac" : "mp3";
  }
  if (at(0, "RIFF") && at(8, "WAVE")) return "wav";
  if (at(0, "OggS")) return "ogg";
  if (at(0, "fLaC")) return "flac";
  if (at(4, "ftyp")) return "mp4";
  return std::nullopt;
}

std::string DescribeFirstBytes(std::string_view first_bytes, std::size_t max_bytes) {
  std::string out = "\"";
  for (unsigned char c : first_bytes.substr(0, max_bytes)) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  out += first_bytes.size() > max_bytes ? "…\"" : "\"";
  return core::Redact(out);
}

}  // namespace callbrief::bitrix
