#include "net/http_client.h"

#include <spdlog/sinks/ostream_sink.h>

#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/log.h"
#include "net/http_error.h"
#include "net/test_support.h"

namespace callbrief::net {
namespace {

using core::ErrorKind;
using testing::LocalHttpServer;
using testing::MisbehavingServer;
using testing::Misbehaviour;

constexpr char kUserAgent[] = "callbrief/0.1.0 (+https://example.test/callbrief)";

// A fake upstream: echoes requests back in X-Echo-* headers, answers any status on demand and
// keeps what multipart uploads bring.
class HttpClientTest : public ::testing::Test {
 protected:
  void Routes(httplib::Server& server) {
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Echo-Method", req.method);
      res.set_header("X-Echo-User-Agent", req.get_header_value("User-Agent"));
      res.set_header("X-Echo-Test", req.get_header_value("X-Test"));
      res.set_header("X-Echo-Content-Type", req.get_header_value("Content-Type"));
      res.set_content(req.body, "text/plain");
    };
    server.Get("/echo", echo);
    server.Post("/echo", echo);
    server.Put("/echo", echo);
    server.Delete("/echo", echo);
    server.Get("/headers", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Request-Id", "abc-123");
      res.set_content("{}", "application/json");
    });
    server.Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      res.status = std::stoi(req.matches[1]);
      if (res.status == 429) res.set_header("Retry-After", "7");
      res.set_content("error body for " + std::string(req.matches[1]), "text/plain");
    });
    server.Get("/redirect",
               [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/echo"); });
    server.Get("/remote-port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    server.Get("/rest/1/SECRETCODE/crm.item.get.json",
               [](const httplib::Request&, httplib::Response& res) {
                 res.status = 500;
                 res.set_content("failed at /rest/1/SECRETCODE/crm.item.get.json", "text/plain");
               });
    server.Post("/upload", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      uploaded_ = req.files;
      res.set_content("ok", "text/plain");
    });
  }

  httplib::MultipartFormDataMap Uploaded() {
    std::lock_guard lock(mutex_);
    return uploaded_;
  }

  std::mutex mutex_;
  httplib::MultipartFormDataMap uploaded_;
  // Declared before the client, so the client and its connections go first.
  LocalHttpServer server_{[this](httplib::Server& server) { Routes(server); }};
  std::unique_ptr<HttpClient> client_ = MakeCurlHttpClient({.user_agent = kUserAgent});
};

TEST_F(HttpClientTest, GetReturnsStatusHeadersAndBody) {
  auto response = client_->Send({.url = server_.Url("/echo?q=1")});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("x-echo-method"), "GET");
  EXPECT_EQ(response->body, "");
}

TEST_F(HttpClientTest, PostSendsTheBodyAndTheCallersHeaders) {
  auto response =
      client_->Send({.method = "POST",
                     .url = server_.Url("/echo"),
                     .headers = {{"Content-Type", "application/json"}, {"X-Test", "yes"}},
                     .body = R"({"id":"42"})"});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, R"({"id":"42"})");
  EXPECT_EQ(response->Header("X-Echo-Method"), "POST");
  EXPECT_EQ(response->Header("X-Echo-Test"), "yes");
  EXPECT_EQ(response->Header("X-Echo-Content-Type"), "application/json");
}

TEST_F(HttpClientTest, OtherMethodsAreSentAsNamed) {
  auto put = client_->Send({.method = "PUT", .url = server_.Url("/echo"), .body = "data"});
  auto del = client_->Send({.method = "DELETE", .url = server_.Url("/echo")});
  ASSERT_TRUE(put.ok() && del.ok());
  EXPECT_EQ(put->Header("x-echo-method"), "PUT");
  EXPECT_EQ(put->body, "data");
  EXPECT_EQ(del->Header("x-echo-method"), "DELETE");
}

TEST_F(HttpClientTest, AGetMayCarryABodyAndStaysAGet) {
  auto response = client_->Send({.method = "GET", .url = server_.Url("/echo"), .body = "q"});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->Header("x-echo-method"), "GET");
}

TEST_F(HttpClientTest, AMethodThatIsNotAPlainTokenIsRefused) {
  auto response = client_->Send(
      {.method = "GET /x HTTP/1.1\r\nX-Injected: 1\r\n", .url = server_.Url("/echo")});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kPermanent);
  EXPECT_EQ(response.error().message.find('\n'), std::string::npos) << response.error().message;
}

TEST_F(HttpClientTest, TheConfiguredUserAgentIsSent) {
  auto response = client_->Send({.url = server_.Url("/echo")});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->Header("x-echo-user-agent"), kUserAgent);
}

TEST_F(HttpClientTest, ResponseHeadersAreReadableWhateverTheCase) {
  auto response = client_->Send({.url = server_.Url("/headers")});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->Header("x-request-id"), "abc-123");
  EXPECT_EQ(response->Header("X-REQUEST-ID"), "abc-123");
  EXPECT_EQ(response->Header("Content-Type"), "application/json");
  EXPECT_EQ(response->Header("x-absent"), std::nullopt);
}

TEST_F(HttpClientTest, MultipartUploadCarriesFieldsAndAFileStreamedFromDisk) {
  testing::TempDir dir;
  const std::string audio = testing::BinaryContent(1'500'000);  // Past libcurl's Expect threshold.
  testing::WriteFile(dir.File("chunk-1.wav"), audio);
  testing::WriteFile(dir.File("chunk-2.ogg"), "second");

  auto response = client_->Send(
      {.method = "POST",
       .url = server_.Url("/upload"),
       .multipart = {MultipartPart::Field("model", "whisper-1"),
                     MultipartPart::File("file", dir.File("chunk-1.wav"), "audio/wav", "call.wav"),
                     MultipartPart::File("extra", dir.File("chunk-2.ogg"))}});
  ASSERT_TRUE(response.ok()) << response.error().message;
  ASSERT_EQ(response->status, 200);

  auto files = Uploaded();
  ASSERT_EQ(files.count("model"), 1u);
  EXPECT_EQ(files.find("model")->second.content, "whisper-1");
  ASSERT_EQ(files.count("file"), 1u);
  const auto& file = files.find("file")->second;
  EXPECT_EQ(file.filename, "call.wav");
  EXPECT_EQ(file.content_type, "audio/wav");
  EXPECT_TRUE(file.content == audio) << "file part differs, " << file.content.size() << " bytes";
  ASSERT_EQ(files.count("extra"), 1u);
  EXPECT_EQ(files.find("extra")->second.filename, "chunk-2.ogg");
  EXPECT_EQ(files.find("extra")->second.content, "second");
}

TEST_F(HttpClientTest, AMissingUploadFileIsAPermanentError) {
  auto response = client_->Send({.method = "POST",
                                 .url = server_.Url("/upload"),
                                 .multipart = {MultipartPart::File("file", "/nonexistent/a.wav")}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(response.error().message.find("/nonexistent/a.wav"), std::string::npos);
}

TEST_F(HttpClientTest, ErrorStatusesAreResponsesNotErrors) {
  for (int status : {400, 404, 500, 503}) {
    auto response = client_->Send({.url = server_.Url("/status/" + std::to_string(status))});
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->body, "error body for " + std::to_string(status));
  }
}

TEST_F(HttpClientTest, ErrorForStatusClassifiesARealResponse) {
  auto too_many = client_->Send({.url = server_.Url("/status/429")});
  auto unavailable = client_->Send({.url = server_.Url("/status/503")});
  ASSERT_TRUE(too_many.ok() && unavailable.ok());

  core::Error rate_limited = ErrorForStatus(*too_many, "sending message");
  EXPECT_EQ(rate_limited.kind, ErrorKind::kRateLimited);
  EXPECT_EQ(rate_limited.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(rate_limited.message, "sending message: HTTP 429 error body for 429");
  EXPECT_EQ(ErrorForStatus(*unavailable, "x").kind, ErrorKind::kTransient);
}

TEST_F(HttpClientTest, RedirectsAreReturnedNotFollowed) {
  auto response = client_->Send({.url = server_.Url("/redirect")});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->Header("location"), "/echo");
}

TEST_F(HttpClientTest, SequentialRequestsReuseOneConnection) {
  std::vector<std::string> ports;
  for (int i = 0; i < 3; ++i) {
    auto response = client_->Send({.url = server_.Url("/remote-port")});
    ASSERT_TRUE(response.ok());
    ports.push_back(response->body);
  }
  EXPECT_EQ(ports[1], ports[0]);
  EXPECT_EQ(ports[2], ports[0]);
}

TEST_F(HttpClientTest, ConcurrentSendsFromEightThreadsAllSucceed) {
  constexpr int kThreads = 8;
  constexpr int kRequestsEach = 25;
  std::mutex mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsEach; ++i) {
        std::string body = "thread " + std::to_string(t) + " request " + std::to_string(i);
        auto response =
            client_->Send({.method = "POST", .url = server_.Url("/echo"), .body = body});
        if (!response.ok() || response->status != 200 || response->body != body) {
          std::lock_guard lock(mutex);
          failures.push_back(response.ok() ? body + ": got " + response->body
                                           : body + ": " + response.error().message);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
}

TEST_F(HttpClientTest, AServerThatNeverAnswersTimesOutAsTransient) {
  MisbehavingServer silent(Misbehaviour::kNeverAnswer);
  auto response =
      client_->Send({.url = silent.Url("/slow"), .timeout = std::chrono::milliseconds(300)});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("GET " + silent.Url("/slow") + ": timed out"),
            std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, AResetConnectionIsTransient) {
  MisbehavingServer resetting(Misbehaviour::kReset);
  auto response = client_->Send({.url = resetting.Url("/reset")});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient) << response.error().message;
}

TEST_F(HttpClientTest, ABodyCutShortIsTransient) {
  MisbehavingServer truncating(Misbehaviour::kTruncatedBody);
  auto response = client_->Send({.url = truncating.Url("/short")});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("cut short"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, ARefusedConnectionIsTransient) {
  testing::RefusingPort refusing;
  auto response = client_->Send({.url = refusing.Url("/")});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTransient);
  EXPECT_NE(response.error().message.find("could not connect"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, AUrlThatIsNotHttpIsPermanent) {
  auto response = client_->Send({.url = "file:///etc/passwd"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kPermanent) << response.error().message;
}

TEST_F(HttpClientTest, ErrorsNeverCarryTheWebhookCodeOrTheQuery) {
  testing::RefusingPort refusing;
  auto response =
      client_->Send({.url = refusing.Url("/rest/1/SECRETCODE/crm.item.get.json?auth=QUERYSECRET")});
  ASSERT_FALSE(response.ok());
  const std::string& message = response.error().message;
  EXPECT_EQ(message.find("SECRETCODE"), std::string::npos) << message;
  EXPECT_EQ(message.find("QUERYSECRET"), std::string::npos) << message;
  EXPECT_NE(message.find("/rest/1/***/crm.item.get.json"), std::string::npos) << message;

  auto failed = client_->Send({.url = server_.Url("/rest/1/SECRETCODE/crm.item.get.json")});
  ASSERT_TRUE(failed.ok());
  core::Error error = ErrorForStatus(*failed, "calling " + server_.Url("/rest/1/SECRETCODE/"));
  EXPECT_EQ(error.message.find("SECRETCODE"), std::string::npos) << error.message;
}

TEST_F(HttpClientTest, EachExchangeIsLoggedAtDebugWithoutSecretsOrBodies) {
  std::ostringstream out;
  core::InitLogging(core::LogFormat::kText, "debug",
                    std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  auto response = client_->Send(
      {.method = "POST", .url = server_.Url("/echo?token=QUERYSECRET"), .body = "BODY-NOT-LOGGED"});
  spdlog::default_logger()->flush();
  core::InitLogging(core::LogFormat::kText, "info");  // Back to stdout before `out` goes.
  ASSERT_TRUE(response.ok());

  const std::string log = out.str();
  EXPECT_NE(log.find("HTTP POST " + server_.Url("/echo") + " → 200 in "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms, 15 bytes"), std::string::npos) << log;
  EXPECT_EQ(log.find("QUERYSECRET"), std::string::npos) << log;
  EXPECT_EQ(log.find("BODY-NOT-LOGGED"), std::string::npos) << log;
}

}  // namespace
}  // namespace callbrief::net
