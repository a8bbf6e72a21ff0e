// Black-box specification of what a hostile network cannot do to the web UI and the JSON API of
// `callbrief serve` (issue 14, item 3): DNS rebinding, password guessing over HTTP Basic,
// replaying a logged-out session, reading /metrics. The real binary on a free port; after each
// attack it must still run, with its memory bounded.

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>

#include "support/service_process.h"

namespace callbrief::testing {
namespace {

// What 400 wrong guesses from 40 addresses may add to the service's memory. AddressSanitizer keeps
// freed memory in quarantine (256 MiB by default), so a sanitized run measured 17 MiB for the same
// work; the bound there only catches growth that is not bounded at all.
#ifdef CALLBRIEF_TEST_SANITIZED
constexpr long kRssGrowthBoundKiB = 64 * 1024;
#else
constexpr long kRssGrowthBoundKiB = 16 * 1024;
#endif

constexpr const char* kPassword = "correct-horse-4711";

// A value in KiB from /proc/<pid>/status ("VmRSS", "VmHWM"), or -1 when the process is gone.
long StatusKiB(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

::testing::AssertionResult StillServing(ServiceProcess& service) {
  if (StatusKiB(service.pid(), "VmRSS") < 0) {
    return ::testing::AssertionFailure() << "process is gone";
  }
  auto res = service.Client().Get("/healthz");
  if (!res)
    return ::testing::AssertionFailure() << "no answer: " << httplib::to_string(res.error());
  if (res->status != 200) return ::testing::AssertionFailure() << "/healthz said " << res->status;
  return ::testing::AssertionSuccess();
}

httplib::Headers Basic(const std::string& password, httplib::Headers extra = {}) {
  extra.emplace(httplib::make_basic_authentication_header("admin", password));
  return extra;
}

TEST(HostileNetworkTest, ARebindingPageGets421NotTheCallsOrRecordings) {
  // No ADMIN_PASSWORD: the API trusts this machine. A page on rebind.attacker.example whose name
  // now resolves to 127.0.0.1 runs in the operator's browser and sends its own name as Host.
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  for (const char* path : {"/api/calls", "/api/calls/1/audio", "/api/stats", "/"}) {
    auto res = client.Get(path, {{"Host", "rebind.attacker.example"}});
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 421) << path;
  }
  auto local = client.Get("/api/calls", {{"Host", "localhost:" + std::to_string(service.port())}});
  ASSERT_TRUE(local);
  EXPECT_EQ(local->status, 200);
  EXPECT_NE(service.Log().find("rebind.attacker.example"), std::string::npos);
  EXPECT_TRUE(StillServing(service)) << service.Log();
}

TEST(HostileNetworkTest, ThePublicUrlHostIsServedInLoopbackMode) {
  ServiceProcess service({{"PUBLIC_URL", "https://calls.example.com"}});
  ASSERT_TRUE(service.Start());
  auto res = service.Client().Get("/api/calls", {{"Host", "calls.example.com"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(HostileNetworkTest, BasicGuessesAreThrottledLoggedAndAnsweredWith429) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  for (int i = 0; i < 5; ++i) {
    auto wrong = client.Get("/api/calls", Basic("guess" + std::to_string(i)));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401) << i;
  }

  auto throttled = client.Get("/api/calls", Basic(kPassword));

  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  const std::string retry_after = throttled->get_header_value("Retry-After");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_LE(std::stoi(retry_after), 60);
  EXPECT_NE(service.Log().find("Wrong password (HTTP Basic) from 127.0.0.1"), std::string::npos)
      << service.Log();
  // The form and Basic share the throttle: the form is refused too.
  auto form = client.Post("/login", "password=" + std::string(kPassword),
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_TRUE(form->get_header_value("Location").starts_with("/login?error=throttled"));
  EXPECT_TRUE(StillServing(service)) << service.Log();
}

TEST(HostileNetworkTest, AForgedForwardedForDoesNotEscapeTheThrottle) {
  // Without TRUSTED_PROXIES nobody's X-Forwarded-For is believed.
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  for (int i = 0; i < 5; ++i) {
    client.Get("/api/calls", Basic("guess", {{"X-Forwarded-For", "10.0.0." + std::to_string(i)}}));
  }
  auto res = client.Get("/api/calls", Basic("guess", {{"X-Forwarded-For", "10.0.0.99"}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
}

TEST(HostileNetworkTest, AnAttackerCannotLockTheOperatorOut) {
  // Behind a trusted proxy (this machine), many attacking addresses guess at full speed.
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}, {"TRUSTED_PROXIES", "127.0.0.1"}});
  ASSERT_TRUE(service.Start());
  const long rss_before = StatusKiB(service.pid(), "VmRSS");
  auto client = service.Client();
  client.set_keep_alive(true);
  int throttled = 0;
  for (int i = 0; i < 400; ++i) {
    auto res =
        client.Get("/api/calls",
                   Basic("guess", {{"X-Forwarded-For", "198.51.100." + std::to_string(i % 40)}}));
    ASSERT_TRUE(res);
    throttled += res->status == 429;
  }
  EXPECT_GT(throttled, 0);

  auto operator_request =
      client.Get("/api/calls", Basic(kPassword, {{"X-Forwarded-For", "203.0.113.9"}}));

  ASSERT_TRUE(operator_request);
  EXPECT_EQ(operator_request->status, 200);
  EXPECT_NE(service.Log().find(
                "Password (HTTP Basic) from 198.51.100.7 refused: too many wrong passwords"),
            std::string::npos);
  EXPECT_TRUE(StillServing(service)) << service.Log();
  EXPECT_LT(StatusKiB(service.pid(), "VmRSS") - rss_before, kRssGrowthBoundKiB);
}

TEST(HostileNetworkTest, ALoggedOutSessionCannotBeReplayed) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  auto login = client.Post("/login", "password=" + std::string(kPassword),
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(login);
  std::string set_cookie = login->get_header_value("Set-Cookie");
  httplib::Headers cookie = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
  auto before = client.Get("/api/calls", cookie);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);

  auto logout = client.Post("/logout", cookie, "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(logout);
  auto replayed = client.Get("/api/calls", cookie);

  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 401);
}

TEST(HostileNetworkTest, ChangingThePasswordEndsEverySession) {
  ServiceProcess service;
  service.WriteFile(".env", "ADMIN_PASSWORD=" + std::string(kPassword) + "\n");
  ASSERT_TRUE(service.Start());
  auto login = service.Client().Post("/login", "password=" + std::string(kPassword),
                                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(login);
  std::string set_cookie = login->get_header_value("Set-Cookie");
  httplib::Headers cookie = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
  ASSERT_TRUE(service.Terminate());

  service.WriteFile(".env", "ADMIN_PASSWORD=another-long-password-2\n");
  ASSERT_TRUE(service.Restart());
  auto res = service.Client().Get("/api/calls", cookie);

  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
}

TEST(HostileNetworkTest, MetricsWantTheTokenWhenOneIsSet) {
  ServiceProcess service({{"METRICS_TOKEN", "metrics-secret-9"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto without = client.Get("/metrics");
  auto wrong = client.Get("/metrics", {{"Authorization", "Bearer nope"}});
  auto right = client.Get("/metrics", {{"Authorization", "Bearer metrics-secret-9"}});

  ASSERT_TRUE(without && wrong && right);
  EXPECT_EQ(without->status, 401);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(right->status, 200);
  EXPECT_NE(right->body.find("callbrief_"), std::string::npos);
}

TEST(HostileNetworkTest, AShortAdminPasswordIsWarnedAboutAtStartUp) {
  ServiceProcess service({{"ADMIN_PASSWORD", "short-pw"}});
  ASSERT_TRUE(service.Start());
  EXPECT_NE(service.Log().find("ADMIN_PASSWORD is shorter than 12 characters"), std::string::npos)
      << service.Log();
  EXPECT_EQ(service.Log().find("short-pw"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::testing
