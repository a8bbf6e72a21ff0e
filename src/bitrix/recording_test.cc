#include "bitrix/recording.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

constexpr const char* kCallId = "5E316880469A6376.1773306964.8740011";
constexpr const char* kDownloadUrl =
    // An inbound webhook's Disk link: the webhook code in the path, a signed token, no auth=.
    "https://portal.bitrix24.ru/rest/1/AUTHSECRET/download/?token=disk%7CSIGNED";
constexpr const char* kRecordUrl = "https://storage.voximplant.com/records/a.mp3?sig=VOXSECRET";

const std::string kMp3 = std::string("ID3\x04\x00\x00\x00\x00\x00\x21", 10) + "frames";

std::string Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos ? "" : "«" + needle + "» not in: " + haystack;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string HeaderOf(const net::HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return "";
}

class FetchRecordingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("recording_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_ = {.dest_path = (dir_ / "call.audio").string(),
                .max_bytes = 1 << 20,
                .portal_host = "portal.bitrix24.ru",
                .extra_hosts = {"storage.voximplant.com"}};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static CallFacts Call(std::optional<std::int64_t> file_id, std::string record_url) {
    CallFacts call;
    call.statistic_id = 1042;
    call.call_id = kCallId;
    call.record_file_id = file_id;
    call.record_url = std::move(record_url);
    return call;
  }
  void DiskAnswers(const std::string& download_url) {
    http_.Reply(200, nlohmann::json{{"result",
                                     {{"ID", "9043"},
                                      {"NAME", "2026-03-11 17-28-46 79001234567.mp3"},
                                      {"DOWNLOAD_URL", download_url}}}}
                         .dump());
  }
  core::Result<RecordingFile> Fetch(const CallFacts& call) {
    return FetchRecording(*rest_, http_, call, options_);
  }
  bool FileLeft() const { return std::filesystem::exists(options_.dest_path); }

  FakeHttpClient http_;
  std::unique_ptr<RestClient> rest_ =
      MakeRestClient(http_, nullptr, {.webhook_url = "https://portal.bitrix24.ru/rest/1/hook/"});
  std::filesystem::path dir_;
  RecordingOptions options_;
};

TEST_F(FetchRecordingTest, DownloadsTheDiskFileThroughAFreshDownloadUrl) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload({.body = kMp3, .content_type = "audio/mpeg"});
  auto file = Fetch(Call(9043, ""));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->source, "disk");
  EXPECT_EQ(file->path, options_.dest_path);
  EXPECT_EQ(file->bytes, kMp3.size());
  EXPECT_EQ(file->sha256_hex, "fake-sha256");
  EXPECT_EQ(file->content_type, "audio/mpeg");
  EXPECT_EQ(file->format, "mp3");
  EXPECT_EQ(ReadFile(options_.dest_path), kMp3);

  auto rest_call = http_.requests().at(0);
  EXPECT_EQ(rest_call.url, "https://portal.bitrix24.ru/rest/1/hook/disk.file.get.json");
  EXPECT_EQ(nlohmann::json::parse(rest_call.body), (nlohmann::json{{"id", 9043}}));
  auto download = http_.downloads().at(0);
  EXPECT_EQ(download.request.method, "GET");
  EXPECT_EQ(download.request.url, kDownloadUrl);  // Untouched: its signature must stay valid.
  EXPECT_EQ(download.options.path, options_.dest_path);
}

TEST_F(FetchRecordingTest, SendsTheHeadersBitrixAsksForOnSignedLinks) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload({.body = kMp3});
  ASSERT_TRUE(Fetch(Call(9043, "")).ok());
  auto request = http_.downloads().at(0).request;
  EXPECT_EQ(HeaderOf(request, "Accept"), "*/*");
  EXPECT_EQ(HeaderOf(request, "Referer"), "https://portal.bitrix24.ru/");
}

TEST_F(FetchRecordingTest, WithoutARecordFileIdDownloadsTheCallRecordUrl) {
  http_.ReplyDownload({.body = kMp3});
  auto file = Fetch(Call(std::nullopt, kRecordUrl));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->source, "call_record_url");
  EXPECT_TRUE(http_.requests().empty());  // No REST call at all.
  EXPECT_EQ(http_.downloads().at(0).request.url, kRecordUrl);
}

TEST_F(FetchRecordingTest, FallsBackToTheCallRecordUrlWhenDiskRefusesTheFile) {
  for (const char* code : {"ERROR_NOT_FOUND", "ACCESS_DENIED"}) {
    FakeHttpClient http;
    auto rest = MakeRestClient(http, nullptr, {.webhook_url = "https://portal.bitrix24.ru/r/1/h/"});
    http.Reply(code == std::string("ACCESS_DENIED") ? 403 : 404,
               nlohmann::json{{"error", code}, {"error_description", "no"}}.dump());
    http.ReplyDownload({.body = kMp3});
    auto file = FetchRecording(*rest, http, Call(9043, kRecordUrl), options_);
    ASSERT_TRUE(file.ok()) << code << ": " << file.error().message;
    EXPECT_EQ(file->source, "call_record_url") << code;
    EXPECT_EQ(http.downloads().at(0).request.url, kRecordUrl) << code;
  }
}

TEST_F(FetchRecordingTest, ADiskFileNotFoundWithoutAFallbackIsPermanentWithContext) {
  http_.Reply(404, R"({"error":"ERROR_NOT_FOUND","error_description":"Not found"})");
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(
      Contains(file.error().message, std::string("fetching the recording of call ") + kCallId +
                                         ": Bitrix24 disk.file.get: HTTP 404 ERROR_NOT_FOUND"),
      "");
  EXPECT_TRUE(http_.downloads().empty());
}

TEST_F(FetchRecordingTest, OtherDiskErrorsDoNotFallBack) {
  http_.Reply(503, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})");
  auto file = Fetch(Call(9043, kRecordUrl));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kRateLimited);  // Retried later, with the disk file.
  EXPECT_TRUE(http_.downloads().empty());
}

TEST_F(FetchRecordingTest, AnAnswerWithoutDownloadUrlFallsBackOrFails) {
  DiskAnswers("");
  http_.ReplyDownload({.body = kMp3});
  auto file = Fetch(Call(9043, kRecordUrl));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->source, "call_record_url");

  DiskAnswers("");
  auto failed = Fetch(Call(9043, ""));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(Contains(failed.error().message, "no DOWNLOAD_URL for file 9043"), "");
}

TEST_F(FetchRecordingTest, ACallWithoutRecordingIsPermanent) {
  auto file = Fetch(Call(std::nullopt, ""));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Contains(file.error().message, "has no recording"), "");
}

TEST_F(FetchRecordingTest, AnUnknownPortalHostIsAConfigError) {
  options_.portal_host = "";
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(Contains(file.error().message, "BITRIX24_WEBHOOK_URL"), "");
}

TEST_F(FetchRecordingTest, RefusesAHostNotAllowedNamingItButNotTheSignedLink) {
  DiskAnswers("https://files.elsewhere.net/rest/1/AUTHSECRET/download/?token=disk%7CSIGNED");
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  const auto& message = file.error().message;
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Contains(message, std::string("fetching the recording of call ") + kCallId), "");
  EXPECT_EQ(Contains(message, "files.elsewhere.net"), "");
  EXPECT_EQ(Contains(message, "to RECORDING_HOSTS if it is trusted"), "");
  EXPECT_EQ(message.find("AUTHSECRET"), std::string::npos);
  EXPECT_EQ(message.find("SIGNED"), std::string::npos);
  EXPECT_TRUE(http_.downloads().empty());
}

TEST_F(FetchRecordingTest, RefusesAPrivateAddressEvenWhenListed) {
  options_.extra_hosts.push_back("10.0.0.5");
  auto file = Fetch(Call(std::nullopt, "http://10.0.0.5/records/a.mp3"));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Contains(file.error().message, "10.0.0.5: a private, loopback or link-local"), "");
  EXPECT_TRUE(http_.downloads().empty());
}

TEST_F(FetchRecordingTest, APortalOnLoopbackMayServeItsOwnRecordings) {
  options_.portal_host = "127.0.0.1";
  http_.ReplyDownload({.body = kMp3});
  auto file = Fetch(Call(std::nullopt, "http://127.0.0.1:18080/records/a.mp3"));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(HeaderOf(http_.downloads().at(0).request, "Referer"), "https://127.0.0.1/");
}

TEST_F(FetchRecordingTest, FollowsARedirectToAnAllowedHost) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload(
      {.redirects = {"https://storage.voximplant.com/r/a.mp3?sig=1"}, .body = kMp3});
  auto file = Fetch(Call(9043, ""));
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_TRUE(static_cast<bool>(http_.downloads().at(0).options.allow_redirect));
}

TEST_F(FetchRecordingTest, RefusesARedirectToAnotherHostSayingWhatToDo) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload(
      {.redirects = {"https://cdn.elsewhere.net/a.mp3?sig=REDIRSECRET"}, .body = kMp3});
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  const auto& message = file.error().message;
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Contains(message, std::string("fetching the recording of call ") + kCallId +
                                  ": following a redirect: refusing to download the recording "
                                  "from cdn.elsewhere.net"),
            "");
  EXPECT_EQ(Contains(message, "RECORDING_HOSTS"), "");
  EXPECT_EQ(message.find("REDIRSECRET"), std::string::npos);
  EXPECT_FALSE(FileLeft());
}

TEST_F(FetchRecordingTest, RefusesARedirectToAPrivateAddress) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload({.redirects = {"http://169.254.169.254/latest/meta-data/"}, .body = kMp3});
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(Contains(file.error().message, "169.254.169.254"), "");
  EXPECT_FALSE(FileLeft());
}

TEST_F(FetchRecordingTest, ALoginPageIsNotAudioAndIsDeleted) {
  DiskAnswers(kDownloadUrl);
  http_.ReplyDownload({.body = "<!DOCTYPE html>\n<html><head><title>Authorization</title>",
                       .content_type = "text/html; charset=UTF-8"});
  auto file = Fetch(Call(9043, ""));
  ASSERT_FALSE(file.ok());
  const auto& message = file.error().message;
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(
      Contains(message, std::string("fetching the recording of call ") + kCallId +
                            ": the recording is not audio (starts with \"<!DOCTYPE html>\\x0A"),
      "");
  EXPECT_EQ(Contains(message, "the webhook user must be an administrator"), "");
  EXPECT_FALSE(FileLeft());
}

TEST_F(FetchRecordingTest, AnEmptyBodyIsRefusedAndDeleted) {
  http_.ReplyDownload({.body = ""});
  auto file = Fetch(Call(std::nullopt, kRecordUrl));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(Contains(file.error().message, "the recording is empty"), "");
  EXPECT_FALSE(FileLeft());
}

TEST_F(FetchRecordingTest, PassesTheSizeCapAndReportsARecordingOverIt) {
  options_.max_bytes = 8;
  http_.ReplyDownload({.body = kMp3});
  auto file = Fetch(Call(std::nullopt, kRecordUrl));
  EXPECT_EQ(http_.downloads().at(0).options.max_bytes, 8u);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(
      Contains(file.error().message, std::string("fetching the recording of call ") + kCallId), "");
  EXPECT_EQ(Contains(file.error().message, "larger than 8 bytes"), "");
  EXPECT_FALSE(FileLeft());
}

TEST_F(FetchRecordingTest, DownloadFailuresKeepTheirKind) {
  http_.FailDownload(core::Error::Transient("GET storage.voximplant.com/records/a.mp3: reset"));
  auto file = Fetch(Call(std::nullopt, kRecordUrl));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(file.error().message, std::string("fetching the recording of call ") + kCallId +
                                      ": GET storage.voximplant.com/records/a.mp3: reset");
}

TEST(SniffAudioFormatTest, RecognisesAudioContainersByTheirFirstBytes) {
  struct Case {
    std::string bytes;
    std::optional<std::string> format;
  };
  const Case cases[] = {
      {"ID3\x04\x00", "mp3"},
      {"\xFF\xFB\x90\x64", "mp3"},  // MPEG-1 Layer III frame sync.
      {"\xFF\xF3\x48\xC4", "mp3"},  // MPEG-2 Layer III.
      {"\xFF\xE3", "mp3"},          // MPEG-2.5.
      {"\xFF\xF1\x50\x80", "aac"},  // ADTS.
      {std::string("RIFF\x24\x08\x00\x00WAVEfmt ", 16), "wav"},
      {std::string("OggS\x00\x02", 6), "ogg"},
      {"fLaC\x00", "flac"},
      {std::string("\x00\x00\x00\x20"
                   "ftypM4A ",
                   12),
       "mp4"},
      {std::string("\x00\x00\x00\x18"
                   "ftypmp42",
                   12),
       "mp4"},
      {"<!DOCTYPE html>", std::nullopt},
      {"<html>", std::nullopt},
      {R"({"error":"ACCESS_DENIED"})", std::nullopt},
      {std::string("RIFF\x24\x08\x00\x00"
                   "AVI LIST",
                   16),
       std::nullopt},
      {"RIFF", std::nullopt},
      {"\xFF", std::nullopt},
      {"\xFF\xD8\xFF\xE0", std::nullopt},  // JPEG: 0xD8 lacks the sync bits.
      {"PK\x03\x04", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SniffAudioFormat(c.bytes), c.format) << DescribeFirstBytes(c.bytes);
  }
}

TEST(DescribeFirstBytesTest, ShowsTextAsTextAndTheRestAsHex) {
  EXPECT_EQ(DescribeFirstBytes("<html>"), "\"<html>\"");
  EXPECT_EQ(DescribeFirstBytes(std::string("\x00\xFFOK", 4)), "\"\\x00\\xFFOK\"");
  EXPECT_EQ(DescribeFirstBytes("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(DescribeFirstBytes("0123456789abcdefXYZ"), "\"0123456789abcdef…\"");
  EXPECT_EQ(DescribeFirstBytes("abc", 2), "\"ab…\"");
}

}  // namespace
}  // namespace callbrief::bitrix
