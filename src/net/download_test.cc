#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/test_support.h"

namespace callbrief::net {
namespace {

using core::ErrorKind;
using testing::LocalHttpServer;
using testing::MisbehavingServer;
using testing::Misbehaviour;
using Names = std::vector<std::string>;

constexpr std::size_t kRecordingBytes = 300'000;

bool OnlyLoopback(const std::string& url) { return UrlHost(url) == "127.0.0.1"; }

// A fake file host: a recording, a file sent in chunks of unknown total length, missing files and
// redirects within the host and away from it.
class DownloadTest : public ::testing::Test {
 protected:
  static void Routes(httplib::Server& server) {
    server.Get("/recording.mp3", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(testing::BinaryContent(kRecordingBytes), "audio/mpeg");
    });
    server.Get("/abc", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("abc", "text/plain");
    });
    server.Get(R"(/chunked/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      std::size_t total = std::stoul(req.matches[1]);
      res.set_chunked_content_provider(
          "audio/mpeg", [total](size_t offset, httplib::DataSink& sink) {
            if (offset >= total) {
              sink.done();
              return true;
            }
            std::string piece(std::min<size_t>(1024, total - offset), 'x');
            return sink.write(piece.data(), piece.size());
          });
    });
    server.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("no such file", "text/plain");
    });
    server.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content("try later", "text/plain");
    });
    server.Get("/hop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/recording.mp3");
    });
    server.Get("/loop",
               [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
    server.Get("/elsewhere", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("https://evil.example.com/file.mp3?signature=SIGSECRET");
    });
    server.Get("/hop-to-whoami", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/whoami");
    });
    server.Get("/whoami", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("authorization=" + req.get_header_value("Authorization"), "text/plain");
    });
  }

  core::Result<DownloadResult> Download(const std::string& url, DownloadOptions options) {
    return client_->Download({.url = url}, options);
  }
  DownloadOptions Options(std::uint64_t max_bytes = 1'000'000) {
    return {.path = dir_.File("call.mp3"), .max_bytes = max_bytes, .allow_redirect = OnlyLoopback};
  }

  testing::TempDir dir_;
  LocalHttpServer server_{&DownloadTest::Routes};
  std::unique_ptr<HttpClient> client_ = MakeCurlHttpClient({});
};

TEST_F(DownloadTest, WritesTheBodyAndReportsItsSizeTypeAndSha256) {
  auto result = Download(server_.Url("/recording.mp3"), Options());
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::string expected = testing::BinaryContent(kRecordingBytes);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->bytes, kRecordingBytes);
  EXPECT_EQ(result->sha256_hex, testing::Sha256Hex(expected));
  EXPECT_EQ(result->content_type, "audio/mpeg");
  EXPECT_EQ(result->final_url, server_.Url("/recording.mp3"));
  EXPECT_TRUE(testing::ReadFile(dir_.File("call.mp3")) == expected);
  EXPECT_EQ(dir_.List(), Names{"call.mp3"});  // No temporary file left beside it.
}

TEST_F(DownloadTest, TheDigestIsStandardSha256) {
  auto result = Download(server_.Url("/abc"), Options());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->sha256_hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(DownloadTest, ABodyOfExactlyMaxBytesIsAccepted) {
  EXPECT_TRUE(Download(server_.Url("/recording.mp3"), Options(kRecordingBytes)).ok());
  EXPECT_TRUE(Download(server_.Url("/chunked/5000"), Options(5000)).ok());
}

TEST_F(DownloadTest, ADeclaredLengthOverMaxBytesIsRefusedAndLeavesNoFile) {
  auto result = Download(server_.Url("/recording.mp3"), Options(kRecordingBytes - 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("larger than 299999 bytes"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, AChunkedBodyGrowingOverMaxBytesIsRefusedAndLeavesNoFile) {
  auto result = Download(server_.Url("/chunked/5000"), Options(4096));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("larger than 4096 bytes"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, NotFoundIsPermanentQuotesTheBodyAndLeavesNoFile) {
  auto result = Download(server_.Url("/missing"), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(result.error().message, "GET " + server_.Url("/missing") + ": HTTP 404 no such file");
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, AServerErrorIsTransient) {
  auto result = Download(server_.Url("/busy"), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
}

TEST_F(DownloadTest, AFailedDownloadLeavesAnEarlierFileUntouched) {
  testing::WriteFile(dir_.File("call.mp3"), "earlier");
  ASSERT_FALSE(Download(server_.Url("/missing"), Options()).ok());
  EXPECT_EQ(testing::ReadFile(dir_.File("call.mp3")), "earlier");
  EXPECT_EQ(dir_.List(), Names{"call.mp3"});
}

TEST_F(DownloadTest, FollowsARedirectTheCallerAllows) {
  auto result = Download(server_.Url("/hop"), Options());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->bytes, kRecordingBytes);
  EXPECT_EQ(result->final_url, server_.Url("/recording.mp3"));
}

TEST_F(DownloadTest, RefusesARedirectToAHostNotAllowedNamingOnlyTheHost) {
  auto result = Download(server_.Url("/elsewhere"), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("redirect to host evil.example.com"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(result.error().message.find("SIGSECRET"), std::string::npos);
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, WithoutAnAllowFunctionNoRedirectIsFollowed) {
  DownloadOptions options = Options();
  options.allow_redirect = nullptr;
  auto result = Download(server_.Url("/hop"), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
}

TEST_F(DownloadTest, StopsAfterMaxRedirects) {
  auto result = Download(server_.Url("/loop"), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(result.error().message.find("more than 3 redirects"), std::string::npos)
      << result.error().message;
}

TEST_F(DownloadTest, TheCallersHeadersAreNotCarriedAcrossARedirect) {
  auto direct = client_->Download(
      {.url = server_.Url("/whoami"), .headers = {{"Authorization", "Bearer t0ken"}}}, Options());
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  EXPECT_EQ(testing::ReadFile(dir_.File("call.mp3")), "authorization=Bearer t0ken");

  auto redirected = client_->Download(
      {.url = server_.Url("/hop-to-whoami"), .headers = {{"Authorization", "Bearer t0ken"}}},
      Options());
  ASSERT_TRUE(redirected.ok()) << redirected.error().message;
  EXPECT_EQ(testing::ReadFile(dir_.File("call.mp3")), "authorization=");
}

TEST_F(DownloadTest, OneClientServesSendsAndDownloadsInTurn) {
  for (int round = 0; round < 2; ++round) {
    auto sent = client_->Send({.url = server_.Url("/abc")});
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    auto downloaded = Download(server_.Url("/abc"), Options());
    ASSERT_TRUE(downloaded.ok()) << downloaded.error().message;
  }
}

TEST_F(DownloadTest, ASilentServerTimesOutAsTransientAndLeavesNoFile) {
  MisbehavingServer silent(Misbehaviour::kNeverAnswer);
  auto result = client_->Download(
      {.url = silent.Url("/recording.mp3"), .timeout = std::chrono::milliseconds(300)}, Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, AStalledTransferFailsBeforeTheOverallTimeout) {
  MisbehavingServer silent(Misbehaviour::kNeverAnswer);
  DownloadOptions options = Options();
  options.stall_timeout = std::chrono::seconds(1);
  auto result = client_->Download(
      {.url = silent.Url("/recording.mp3"), .timeout = std::chrono::hours(1)}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_NE(result.error().message.find("timed out"), std::string::npos) << result.error().message;
}

TEST_F(DownloadTest, ABodyCutShortIsTransientAndLeavesNoFile) {
  MisbehavingServer truncating(Misbehaviour::kTruncatedBody);
  auto result = Download(truncating.Url("/recording.mp3"), Options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(dir_.List(), Names{});
}

TEST_F(DownloadTest, AMissingDirectoryIsAConfigError) {
  DownloadOptions options = Options();
  options.path = dir_.File("no-such-dir/call.mp3");
  auto result = Download(server_.Url("/abc"), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kConfig);
}

}  // namespace
}  // namespace callbrief::net
