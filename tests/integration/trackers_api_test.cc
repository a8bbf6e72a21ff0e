// Black-box specification of the Trackers API (docs/api.md, "Trackers"): the real binary, HTTP
// only. Hostile bodies get a 400 naming what is wrong, and the service keeps serving.

#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/service_process.h"

namespace callbrief::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "tracker-pass-5521";

json Body(const httplib::Result& result) {
  return result ? json::parse(result->body, nullptr, false) : json();
}

httplib::Result PostJson(httplib::Client& client, const std::string& path,
                         const std::string& body) {
  return client.Post(path, body, "application/json");
}

TEST(TrackersApiTest, TrackersAreCreatedListedEditedAndDeleted) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();

  auto created = PostJson(client, "/api/trackers",
                          R"({"name":"Конкуренты","side":"client",)"
                          R"("phrases":["Мебель-Маркет"," другой поставщик ",""],"alert":true})");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const json tracker = Body(created)["tracker"];
  const std::int64_t id = tracker["id"].get<std::int64_t>();
  EXPECT_EQ(tracker["name"], "Конкуренты");
  EXPECT_EQ(tracker["side"], "client");
  EXPECT_EQ(tracker["phrases"], json({"Мебель-Маркет", "другой поставщик"}));
  EXPECT_EQ(tracker["alert"], true);

  auto edited = PostJson(client, "/api/trackers/" + std::to_string(id),
                         R"({"name":"Конкуренты","phrases":["дешевле"]})");
  ASSERT_TRUE(edited);
  ASSERT_EQ(edited->status, 200) << edited->body;
  auto listed = client.Get("/api/trackers");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200);
  const json trackers = Body(listed)["trackers"];
  ASSERT_EQ(trackers.size(), 1u);
  EXPECT_EQ(trackers[0]["id"], id);
  EXPECT_EQ(trackers[0]["side"], "both");  // Not given: both sides.
  EXPECT_EQ(trackers[0]["phrases"], json({"дешевле"}));
  EXPECT_EQ(trackers[0]["alert"], false);

  auto stats = client.Get("/api/trackers/stats?from=2026-11-01&to=2026-11-30&tz=180");
  ASSERT_TRUE(stats);
  ASSERT_EQ(stats->status, 200) << stats->body;
  EXPECT_EQ(Body(stats)["trackers"], json::parse(R"([{"id":)" + std::to_string(id) +
                                                 R"(,"name":"Конкуренты","calls":0,"hits":0}])"));
  auto filtered = client.Get("/api/calls?tracker=" + std::to_string(id));
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->status, 200) << filtered->body;

  auto deleted = client.Post("/api/trackers/" + std::to_string(id) + "/delete", "", "");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  auto again = client.Post("/api/trackers/" + std::to_string(id) + "/delete", "", "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_TRUE(Body(client.Get("/api/trackers"))["trackers"].empty());
}

TEST(TrackersApiTest, BadBodiesAreRefusedNamingTheFieldAndTheServiceKeepsServing) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  ASSERT_EQ(PostJson(client, "/api/trackers", R"({"name":"Отказ","phrases":["отмена"]})")->status,
            201);
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  std::string many = R"({"name":"n","phrases":[)";
  for (int i = 0; i < 5000; ++i) many += (i == 0 ? "" : ",") + std::string(R"("слово")");
  many += "]}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected a JSON object"},
      {"not json", "expected a JSON object"},
      {deep, "expected a JSON object"},
      {"[1,2]", "expected a JSON object"},
      {R"({"phrases":["a"]})", "name:"},
      {R"({"name":5,"phrases":["a"]})", "name:"},
      {R"({"name":"n","phrases":"a"})", "phrases:"},
      {R"({"name":"n","phrases":[1]})", "phrases:"},
      {R"({"name":"n","phrases":["?!"]})", "phrases:"},
      {R"({"name":"n","phrases":["a"],"side":"boss"})", "side:"},
      {R"({"name":"n","phrases":["a"],"alert":"yes"})", "alert:"},
      {R"({"name":"Отказ","phrases":["a"]})", "exists already"},
      {"{\"name\":\"n\xff\",\"phrases\":[\"a\"]}", "expected a JSON object"},
      {many, "phrases:"},
  };
  for (const auto& [body, error] : cases) {
    auto answer = PostJson(client, "/api/trackers", body);
    ASSERT_TRUE(answer) << body.substr(0, 60);
    EXPECT_EQ(answer->status, 400) << body.substr(0, 60) << ": " << answer->body;
    EXPECT_NE(Body(answer).value("error", "").find(error), std::string::npos)
        << body.substr(0, 60) << ": " << answer->body;
  }
  for (const char* path : {"/api/trackers/999", "/api/trackers/99999999999999999999999"}) {
    auto unknown = PostJson(client, path, R"({"name":"n","phrases":["a"]})");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404) << path;
  }
  auto bad_filter = client.Get("/api/calls?tracker=abc");
  ASSERT_TRUE(bad_filter);
  EXPECT_EQ(bad_filter->status, 400);
  EXPECT_NE(Body(bad_filter).value("error", "").find("tracker:"), std::string::npos);
  auto bad_window = client.Get("/api/trackers/stats?tz=99999");
  ASSERT_TRUE(bad_window);
  EXPECT_EQ(bad_window->status, 400);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Body(client.Get("/api/trackers"))["trackers"].size(), 1u);
}

TEST(TrackersApiTest, StrangersAndOtherSitesCannotChangeTrackers) {
  ServiceProcess service({{"ADMIN_PASSWORD", kPassword}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  const std::string body = R"({"name":"n","phrases":["a"]})";
  auto anonymous = PostJson(client, "/api/trackers", body);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto listed = client.Get("/api/trackers");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 401);

  client.set_basic_auth("admin", kPassword);
  auto cross_site =
      client.Post("/api/trackers", {{"Sec-Fetch-Site", "cross-site"}}, body, "application/json");
  ASSERT_TRUE(cross_site);
  EXPECT_EQ(cross_site->status, 403);
  auto allowed = PostJson(client, "/api/trackers", body);
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 201) << allowed->body;
}

}  // namespace
}  // namespace callbrief::testing
