// disk.file.get and the signed DOWNLOAD_URL (reference §4), including download faults.

#include <chrono>
#include <regex>

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

class DiskTest : public FakeBitrix24Test {
 protected:
  void SetUp() override {
    FakeBitrix24Test::SetUp();
    call_id_ = portal_.AddCall(CallBuilder().Phone("+79161234567").Build());
    for (int i = 0; i < 5000; ++i) audio_ += static_cast<char>(i * 7 % 256);
    file_id_ = portal_.AttachRecording(call_id_, audio_);
  }
  json File(std::int64_t id) { return Call("disk.file.get", {{"id", id}}).body["result"]; }
  std::string DownloadUrl() { return File(file_id_)["DOWNLOAD_URL"]; }
  std::string Target(const std::string& url) { return url.substr(portal_.BaseUrl().size()); }
  httplib::Result Download(const std::string& url, const char* user_agent = "callbrief/0.1") {
    httplib::Client client = Client();
    client.set_read_timeout(std::chrono::seconds(5));
    return client.Get(Target(url), {{"User-Agent", user_agent}});
  }

  // The status of a download, or -1 when there was no answer.
  int DownloadStatus(const std::string& url, const char* user_agent = "callbrief/0.1") {
    auto result = Download(url, user_agent);
    return result ? result->status : -1;
  }

  std::string call_id_;
  std::string audio_;
  std::int64_t file_id_ = 0;
};

TEST_F(DiskTest, FileGetReturnsTheDocumentedShape) {
  json file = File(file_id_);
  EXPECT_EQ(file["ID"], std::to_string(file_id_));
  EXPECT_EQ(file["NAME"], "2026-03-11 17-26-26 +79161234567.mp3");
  EXPECT_TRUE(file["CODE"].is_null());
  EXPECT_EQ(file["TYPE"], "file");
  EXPECT_EQ(file["SIZE"], "5000");
  EXPECT_EQ(file["DELETED_TYPE"], "0");
  EXPECT_TRUE(file["DELETE_TIME"].is_null());
  EXPECT_EQ(file["CREATED_BY"], "7");
  for (const char* key : {"STORAGE_ID", "PARENT_ID", "GLOBAL_CONTENT_VERSION", "FILE_ID",
                          "CREATE_TIME", "UPDATE_TIME", "UPDATED_BY", "DELETED_BY", "DETAIL_URL"}) {
    EXPECT_TRUE(file[key].is_string()) << key;
  }
}

TEST_F(DiskTest, DownloadUrlIsASignedLinkOnThePortal) {
  // An inbound webhook's link: the webhook's path, a `token`, no `auth` (rest_util.php).
  std::regex signed_link(R"(http://127\.0\.0\.1:\d+/rest/1/[a-z0-9]+/download/\?)"
                         R"(token=disk%7C[a-z0-9]{48}%7C[0-9a-f]{64})");
  EXPECT_TRUE(std::regex_match(DownloadUrl(), signed_link)) << DownloadUrl();
}

TEST_F(DiskTest, EveryFileGetIssuesAFreshLink) { EXPECT_NE(DownloadUrl(), DownloadUrl()); }

TEST_F(DiskTest, FileGetWithoutIdIsErrorArgument) {
  Reply reply = Call("disk.file.get");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "ERROR_ARGUMENT");
  EXPECT_EQ(reply.body["error_description"], "Invalid value of parameter {Parameter #0}");
}

TEST_F(DiskTest, UppercaseIdIsNotRead) {
  EXPECT_EQ(Call("disk.file.get", {{"ID", file_id_}}).body["error"], "ERROR_ARGUMENT");
}

TEST_F(DiskTest, UnknownFileIsErrorNotFound) {
  Reply reply = Call("disk.file.get", {{"id", 1}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "ERROR_NOT_FOUND");
  EXPECT_EQ(reply.body["error_description"], "Could not find entity with id `1`");
}

TEST_F(DiskTest, RecordingNotVisibleYetIsNotFound) {
  std::string later = portal_.AddCall(CallBuilder().Build());
  std::int64_t id = portal_.AttachRecording(later, "x", RecordingOptions::HiddenForPolls(1));
  EXPECT_EQ(Call("disk.file.get", {{"id", id}}).body["error"], "ERROR_NOT_FOUND");
}

TEST_F(DiskTest, NonAdminMayReadOnlyRecordingsOfItsOwnCalls) {
  std::string own = portal_.AddCall(CallBuilder().Operator(1).Build());
  std::int64_t own_file = portal_.AttachRecording(own, "mine");
  portal_.SetAdmin(false);
  Reply reply = Call("disk.file.get", {{"id", file_id_}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body["error"], "ACCESS_DENIED");
  EXPECT_EQ(Call("disk.file.get", {{"id", own_file}}).status, 200);
}

TEST_F(DiskTest, DownloadStreamsTheBytesAsAnAttachment) {
  auto result = Download(DownloadUrl());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, audio_);
  EXPECT_EQ(result->get_header_value("Content-Type"), "audio/mpeg");
  EXPECT_EQ(result->get_header_value("Content-Disposition"),
            "attachment; filename=\"2026-03-11 17-26-26 +79161234567.mp3\"");
}

TEST_F(DiskTest, DownloadWithoutUserAgentIsNotFound) {
  EXPECT_EQ(DownloadStatus(DownloadUrl(), ""), 404);
}

TEST_F(DiskTest, TamperedLinkIsNotFound) {
  std::string url = DownloadUrl();
  std::string wrong_webhook = std::regex_replace(url, std::regex("/rest/1/"), "/rest/2/");
  std::string wrong_token = url.substr(0, url.size() - 1) + "_";
  EXPECT_EQ(DownloadStatus(wrong_webhook), 404);
  EXPECT_EQ(DownloadStatus(wrong_token), 404);
}

TEST_F(DiskTest, LinkExpiresAfterTheTtl) {
  portal_.SetDownloadTtl(std::chrono::seconds(60));
  std::string url = DownloadUrl();
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(DownloadStatus(url), 200);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(DownloadStatus(url), 404);
}

TEST_F(DiskTest, LinkOfAnotherPortalIsNotFound) {
  FakeBitrix24 other(FakeBitrix24::Options{"other", 1, 0, &clock_, 7});
  ASSERT_TRUE(other.Start().ok());
  std::string id = other.AddCall(CallBuilder().Build());
  std::int64_t file = other.AttachRecording(id, "x");
  httplib::Client client(other.BaseUrl());
  json reply = json::parse(
      client.Post("/rest/1/other/disk.file.get", json{{"id", file}}.dump(), "application/json")
          ->body);
  std::string foreign = reply["result"]["DOWNLOAD_URL"];
  EXPECT_EQ(DownloadStatus(portal_.BaseUrl() + foreign.substr(other.BaseUrl().size())), 404);
}

TEST_F(DiskTest, DownloadsAreLogged) {
  Download(DownloadUrl());
  EXPECT_EQ(portal_.CountRequests(kDownloadMethod), 1);
  EXPECT_EQ(portal_.Requests().back().user_agent, "callbrief/0.1");
}

TEST_F(DiskTest, TruncatedDownloadEndsShortOfContentLength) {
  portal_.InjectDownloadFault(DownloadFault::Truncate());
  std::string url = DownloadUrl();
  std::string received;
  httplib::Client client = Client();
  auto result = client.Get(Target(url), [&](const char* data, size_t length) {
    received.append(data, length);
    return true;
  });
  EXPECT_FALSE(result);  // The connection closed before Content-Length bytes arrived.
  EXPECT_EQ(received, audio_.substr(0, audio_.size() / 2));
  auto next = Download(url);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, audio_);  // Only the next download was faulty.
}

TEST_F(DiskTest, RedirectedDownloadPointsAtAnotherHost) {
  portal_.InjectDownloadFault(DownloadFault::Redirect());
  std::string url = DownloadUrl();
  auto result = Download(url);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 302);
  // The same signed path and query on another host. (cpp-httplib's client hands the Location
  // header out percent-decoded, hence '|' for the %7C the server sent.)
  std::string same_link = std::regex_replace(Target(url), std::regex("%7C"), "|");
  EXPECT_EQ(result->get_header_value("Location"),
            "http://127.0.0.2:" + std::to_string(portal_.port()) + same_link);
}

TEST_F(DiskTest, SlowDownloadDeliversEverythingSlowly) {
  portal_.InjectDownloadFault(DownloadFault::Slow(1000, milliseconds(50)));
  auto started = std::chrono::steady_clock::now();
  auto result = Download(DownloadUrl());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->body, audio_);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(200));  // 5 chunks.
}

TEST_F(DiskTest, DownloadCanFailWithAnHttpError) {
  portal_.InjectDownloadFault(DownloadFault::HttpError(503));
  EXPECT_EQ(DownloadStatus(DownloadUrl()), 503);
}

TEST_F(DiskTest, DownloadConnectionCanBeDropped) {
  portal_.InjectDownloadFault(DownloadFault::CloseConnection());
  auto result = Download(DownloadUrl());
  EXPECT_FALSE(result);
}

}  // namespace
}  // namespace callbrief::fakes::testing
