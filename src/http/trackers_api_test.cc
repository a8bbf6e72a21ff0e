#include "http/trackers_api.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

using nlohmann::json;

TEST(ParseTrackerBodyTest, ReadsEveryFieldWithBothSidesAndNoAlertByDefault) {
  auto full = ParseTrackerBody(
      R"({"name":"Отказ","side":"client","phrases":["отменить заказ","не надо"],"alert":true})");
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->name, "Отказ");
  EXPECT_EQ(full->side, store::TrackerSide::kClient);
  EXPECT_EQ(full->phrases, (std::vector<std::string>{"отменить заказ", "не надо"}));
  EXPECT_TRUE(full->alert);
  EXPECT_EQ(full->id, 0);  // The path says which tracker, never the body.

  auto minimal = ParseTrackerBody(R"({"id":5,"name":"Цена","phrases":["дорого"]})");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->side, store::TrackerSide::kBoth);
  EXPECT_FALSE(minimal->alert);
  EXPECT_EQ(minimal->id, 0);
}

TEST(ParseTrackerBodyTest, RefusesWhatIsNotATrackerNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected a JSON object"},
      {"null", "expected a JSON object"},
      {R"("name")", "expected a JSON object"},
      {R"({"phrases":[]})", "name:"},
      {R"({"name":null,"phrases":[]})", "name:"},
      {R"({"name":"n"})", "phrases:"},
      {R"({"name":"n","phrases":{"a":1}})", "phrases:"},
      {R"({"name":"n","phrases":["a",null]})", "phrases:"},
      {R"({"name":"n","phrases":[],"side":1})", "side:"},
      {R"({"name":"n","phrases":[],"side":"Client"})", "side:"},
      {R"({"name":"n","phrases":[],"alert":1})", "alert:"},
  };
  for (const auto& [body, field] : cases) {
    auto parsed = ParseTrackerBody(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().kind, core::ErrorKind::kInvalidInput);
    EXPECT_NE(parsed.error().message.find(field), std::string::npos)
        << body << ": " << parsed.error().message;
  }
}

TEST(TrackersJsonTest, HitsSayWhatWasSaidWhereAndByWhom) {
  const std::vector<store::TrackerHit> hits = {{.tracker_id = 3,
                                                .tracker_name = "Договор",
                                                .phrase = "договор",
                                                .said = "договора",
                                                .speaker = "client",
                                                .start_ms = 12'500},
                                               {.tracker_id = 3,
                                                .tracker_name = "Договор",
                                                .phrase = "договор",
                                                .said = "Договор",
                                                .speaker = "",
                                                .start_ms = 0}};
  EXPECT_EQ(TrackerHitsToJson(hits), json::parse(R"([
    {"tracker_id":3,"tracker":"Договор","phrase":"договор","said":"договора","speaker":"client",
     "start_ms":12500},
    {"tracker_id":3,"tracker":"Договор","phrase":"договор","said":"Договор","speaker":null,
     "start_ms":0}])"));
}

TEST(TrackersJsonTest, ATrackerRoundTripsThroughItsJson) {
  const store::Tracker tracker{.id = 4,
                               .name = "Стоп-слова",
                               .side = store::TrackerSide::kManager,
                               .phrases = {"не знаю", "ничем не могу помочь"},
                               .alert = true,
                               .updated_at_ms = 1'800'000'000'000};
  const json out = TrackerToJson(tracker);
  EXPECT_EQ(out["updated_at"], "2027-01-15T08:00:00.000Z");
  auto back = ParseTrackerBody(out.dump());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->name, tracker.name);
  EXPECT_EQ(back->side, tracker.side);
  EXPECT_EQ(back->phrases, tracker.phrases);
  EXPECT_EQ(back->alert, tracker.alert);
}

}  // namespace
}  // namespace callbrief::http
