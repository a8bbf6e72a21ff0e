// Black-box specification of who may use the web UI and the JSON API: the real binary, HTTP only.

#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

constexpr const char* kPassword = "correct-horse-4711";

std::string SessionCookie(const httplib::Result& login) {
  std::string set_cookie = login->get_header_value("Set-Cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
}

httplib::Result Login(httplib::Client& client, const std::string& password,
                      httplib::Headers headers = {}) {
  return client.Post("/login", headers, "password=" + password + "&next=%2Fdashboard",
                     "application/x-www-form-urlencoded");
}

TEST(WebAccessTest, WithoutPasswordThePagesAnswerOnlyThisMachine) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("/static/app.js"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");

  auto proxied = client.Get("/", {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_TRUE(proxied);
  EXPECT_EQ(proxied->status, 403);
  auto api = client.Get("/api/stats", {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 403);
}

TEST(WebAccessTest, PagesSendStrangersToTheLoginFormAndTheApiAnswers401) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto page = client.Get("/calls/5");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/login?next=/calls/5");
  for (const char* path :
       {"/api/calls", "/api/stats", "/api/status", "/api/managers", "/api/calls/1/audio"}) {
    auto api = client.Get(path);
    ASSERT_TRUE(api) << path;
    EXPECT_EQ(api->status, 401) << path;
  }
  auto webhook_test = client.Get("/api/bitrix-webhook/test");
  ASSERT_TRUE(webhook_test);
  EXPECT_EQ(webhook_test->status, 200);
  auto login_page = client.Get("/login");
  ASSERT_TRUE(login_page);
  EXPECT_EQ(login_page->status, 200);
  EXPECT_NE(login_page->body.find("name=\"password\""), std::string::npos);
}

TEST(WebAccessTest, TheRightPasswordGivesASessionCookieThatOpensTheApi) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto login = Login(client, kPassword);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 303);
  EXPECT_EQ(login->get_header_value("Location"), "/dashboard");
  std::string set_cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);

  auto api = client.Get("/api/stats", {{"Cookie", SessionCookie(login)}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200) << api->body;

  auto https = Login(client, kPassword, {{"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(https);
  EXPECT_NE(https->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);

  auto forged = client.Get("/api/stats", {{"Cookie", "callbrief_session=v1.9999999999.aa.bb"}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  EXPECT_EQ(service.Log().find(kPassword), std::string::npos);
}

TEST(WebAccessTest, SessionsSurviveARestart) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  auto login = Login(client, kPassword);
  ASSERT_TRUE(login);
  ASSERT_TRUE(service.Terminate());
  ASSERT_TRUE(service.Restart());
  auto api = client.Get("/api/calls", {{"Cookie", SessionCookie(login)}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
}

TEST(WebAccessTest, RepeatedWrongPasswordsAreThrottledPerClient) {
  // This machine is the reverse proxy: its X-Forwarded-For names the client.
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}, {"TRUSTED_PROXIES", "127.0.0.1"}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  for (int i = 0; i < 5; ++i) {
    auto wrong = Login(client, "guess" + std::to_string(i));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 303);
    EXPECT_TRUE(wrong->get_header_value("Location").starts_with("/login?error=wrong")) << i;
  }
  // Now even the right password waits.
  auto throttled = Login(client, kPassword);
  ASSERT_TRUE(throttled);
  EXPECT_TRUE(throttled->get_header_value("Location").starts_with("/login?error=throttled"));
  EXPECT_FALSE(throttled->get_header_value("Retry-After").empty());
  EXPECT_FALSE(throttled->has_header("Set-Cookie"));
  // Another client is not held up.
  auto other = Login(client, kPassword, {{"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->has_header("Set-Cookie"));
}

TEST(WebAccessTest, AnotherSitesPageCannotRetryCallsOrLogIn) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;
  event.call_id = "X.1";
  auto posted = PostForm(client, event);
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200);

  auto cross = client.Post("/api/calls/X.1/retry", {{"Origin", "https://evil.example"}}, "", "");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  auto fetch_cross =
      client.Post("/api/calls/X.1/retry", {{"Sec-Fetch-Site", "cross-site"}}, "", "");
  ASSERT_TRUE(fetch_cross);
  EXPECT_EQ(fetch_cross->status, 403);
  // The same request from a script: the call is still being processed (without credentials it
  // waits in its stage), so there is nothing to retry.
  auto script = client.Post("/api/calls/X.1/retry", "", "");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 409) << script->body;
  auto missing = client.Post("/api/calls/nope/retry", "", "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(WebAccessTest, StaticFilesComeOnlyFromTheEmbeddedSet) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  service.WriteFile("secret.txt", "do not serve");
  auto client = service.Client();
  auto js = client.Get("/static/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_TRUE(js->get_header_value("Content-Type").starts_with("text/javascript"));
  auto cached = client.Get("/static/app.js", {{"If-None-Match", js->get_header_value("ETag")}});
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->status, 304);
  auto chart = client.Get("/static/vendor/uPlot.iife.min.js");
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->status, 200);
  for (const char* path :
       {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
        "/static/vendor/../../secret.txt", "/static/index.html", "/secret.txt"}) {
    auto answer = client.Get(path);
    ASSERT_TRUE(answer) << path;
    EXPECT_EQ(answer->status, 404) << path;
    EXPECT_EQ(answer->body.find("do not serve"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace callbrief::testing
