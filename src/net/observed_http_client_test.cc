#include "net/observed_http_client.h"

#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/manual_clock.h"

namespace callbrief::net {
namespace {

using namespace std::chrono_literals;

struct Seen {
  std::string provider, method, status;
  double seconds;
};

class RecordingObserver final : public core::Observer {
 public:
  void ProviderRequestDone(const core::ProviderRequest& r) override {
    std::lock_guard lock(mutex_);
    seen_.push_back(
        {std::string(r.provider), std::string(r.method), std::string(r.status), r.seconds});
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

// Answers `answer` after `took` has passed on the test's clock.
class SlowClient final : public HttpClient {
 public:
  SlowClient(testing::ManualClock& clock, std::chrono::milliseconds took,
             core::Result<HttpResponse> answer, core::Result<DownloadResult> download)
      : clock_(clock), took_(took), answer_(std::move(answer)), download_(std::move(download)) {}
  core::Result<HttpResponse> Send(const HttpRequest&) override {
    clock_.Advance(took_);
    return answer_;
  }
  core::Result<DownloadResult> Download(const HttpRequest&, const DownloadOptions&) override {
    clock_.Advance(took_);
    return download_;
  }

 private:
  testing::ManualClock& clock_;
  std::chrono::milliseconds took_;
  core::Result<HttpResponse> answer_;
  core::Result<DownloadResult> download_;
};

RequestName NameByUrl(const HttpRequest& request, Exchange exchange) {
  if (exchange == Exchange::kDownload) return {"bitrix24", "download"};
  return {"telegram", request.url.ends_with("/sendMessage") ? "sendMessage" : "other"};
}

struct Fixture {
  testing::ManualClock clock;
  RecordingObserver observer;
  std::unique_ptr<HttpClient> Client(std::chrono::milliseconds took,
                                     core::Result<HttpResponse> answer,
                                     core::Result<DownloadResult> download = DownloadResult{}) {
    return MakeObservedHttpClient(
        std::make_unique<SlowClient>(clock, took, std::move(answer), std::move(download)), observer,
        NameByUrl, clock);
  }
};

TEST(ObservedHttpClientTest, ReportsProviderMethodStatusAndTimeOfAnAnswer) {
  Fixture f;
  auto client = f.Client(1500ms, HttpResponse{.status = 429, .headers = {}, .body = "slow down"});
  auto answer =
      client->Send({.method = "POST", .url = "https://t.example/bot1:SECRET/sendMessage"});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 429);
  EXPECT_EQ(answer->body, "slow down");
  auto seen = f.observer.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].provider, "telegram");
  EXPECT_EQ(seen[0].method, "sendMessage");
  EXPECT_EQ(seen[0].status, "429");
  EXPECT_DOUBLE_EQ(seen[0].seconds, 1.5);
}

TEST(ObservedHttpClientTest, ATransportFailureIsReportedAsErrorAndReturnedUnchanged) {
  Fixture f;
  auto client = f.Client(250ms, core::Error::Transient("POST t.example: connection reset"));
  auto answer = client->Send({.method = "POST", .url = "https://t.example/bot1:SECRET/getMe"});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind, core::ErrorKind::kTransient);
  EXPECT_EQ(answer.error().message, "POST t.example: connection reset");
  auto seen = f.observer.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "other");
  EXPECT_EQ(seen[0].status, "error");
  EXPECT_DOUBLE_EQ(seen[0].seconds, 0.25);
}

TEST(ObservedHttpClientTest, DownloadsAreNamedAsDownloads) {
  Fixture f;
  auto client = f.Client(2s, HttpResponse{}, DownloadResult{.status = 200, .bytes = 10});
  auto done = client->Download({.url = "https://portal.example/disk/1"}, {.path = "/dev/null"});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->bytes, 10u);
  auto failed_client =
      f.Client(1s, HttpResponse{}, core::Error::Permanent("GET portal.example: HTTP 404"));
  EXPECT_FALSE(failed_client->Download({.url = "https://portal.example/disk/2"}, {}).ok());
  auto seen = f.observer.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].provider, "bitrix24");
  EXPECT_EQ(seen[0].method, "download");
  EXPECT_EQ(seen[0].status, "200");
  EXPECT_DOUBLE_EQ(seen[0].seconds, 2);
  EXPECT_EQ(seen[1].status, "error");
}

TEST(ObservedHttpClientTest, AClockSteppedBackDuringARequestReportsZeroNotANegativeTime) {
  Fixture f;
  auto client = f.Client(-5s, HttpResponse{.status = 200, .headers = {}, .body = ""});
  ASSERT_TRUE(client->Send({.url = "https://t.example/bot1:SECRET/sendMessage"}).ok());
  EXPECT_DOUBLE_EQ(f.observer.seen().at(0).seconds, 0);
}

}  // namespace
}  // namespace callbrief::net
