#include "http/checklists_api.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

using json = nlohmann::json;

TEST(ChecklistsToJson, WithNoneStoredTheShippedSalesChecklistIsListedAsActive) {
  json out = ChecklistsToJson({});
  ASSERT_EQ(out["checklists"].size(), 1u);
  const json& shipped = out["checklists"][0];
  EXPECT_EQ(shipped["id"], "sales");
  EXPECT_EQ(shipped["stored"], false);
  EXPECT_EQ(shipped["active"], true);
  EXPECT_EQ(shipped["criteria"].size(), 6u);
}

TEST(ChecklistsToJson, ListsTheStoredOnesWithTheirCriteria) {
  std::vector<store::StoredChecklist> stored = {
      {"support", "Поддержка", R"({"id":"support","criteria":[{"id":"a"}]})", false, 0}};
  json out = ChecklistsToJson(stored);
  ASSERT_EQ(out["checklists"].size(), 1u);
  EXPECT_EQ(out["checklists"][0]["stored"], true);
  EXPECT_EQ(out["checklists"][0]["active"], false);
  EXPECT_EQ(out["checklists"][0]["criteria"][0]["id"], "a");
  EXPECT_EQ(out["checklists"][0]["questions"], json::array()) << "stored before questions existed";
  EXPECT_EQ(out["checklists"][0]["updated_at"], "1970-01-01T00:00:00.000Z");
}

TEST(ChecklistFromRequest, ReadsAnImportedChecklistActiveByDefault) {
  auto c = ChecklistFromRequest(
      "support", R"({"name":"Поддержка","criteria":[{"id":"answer","question":"Ответили?"}]})", 42);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->id, "support");
  EXPECT_TRUE(c->active);
  EXPECT_EQ(c->updated_at_ms, 42);
  json stored = json::parse(c->checklist_json);
  EXPECT_EQ(stored["criteria"][0]["weight"], 1) << "stored complete, defaults filled in";
}

TEST(ChecklistFromRequest, RefusesBadInputWithTheReason) {
  EXPECT_EQ(ChecklistFromRequest("x", "not json", 0).error().message,
            "the body must be a checklist as a JSON object");
  EXPECT_NE(ChecklistFromRequest("x", R"({"id":"y","name":"Y","criteria":[]})", 0)
                .error()
                .message.find("differs from the id in the path"),
            std::string::npos);
  EXPECT_NE(ChecklistFromRequest("x", R"({"name":"X","criteria":[]})", 0)
                .error()
                .message.find("criteria: must be a list"),
            std::string::npos);
  EXPECT_NE(ChecklistFromRequest("x", R"({"name":"X","active":"yes","criteria":[]})", 0)
                .error()
                .message.find("active:"),
            std::string::npos);
}

TEST(CallScorecardToJson, EmbedsTheStoredDocumentWithItsTime) {
  EXPECT_TRUE(CallScorecardToJson(std::nullopt).is_null());
  json out = CallScorecardToJson(store::ScorecardRecord{"sales", 50, false, R"({"score":50})", 0});
  EXPECT_EQ(out["score"], 50);
  EXPECT_EQ(out["created_at"], "1970-01-01T00:00:00.000Z");
}

TEST(RescoreErrorStatus, SaysWhoseProblemAFailedReScoreIs) {
  EXPECT_EQ(RescoreErrorStatus(core::Error::InvalidInput("the call has no summary yet")), 409);
  EXPECT_EQ(RescoreErrorStatus(core::Error::Config("no checklist is active")), 503);
  EXPECT_EQ(RescoreErrorStatus(core::Error::Transient("HTTP 500 from the model")), 503);
  EXPECT_EQ(RescoreErrorStatus(core::Error::RateLimited("429", std::nullopt)), 503);
  EXPECT_EQ(RescoreErrorStatus(core::Error::Permanent("the model refused")), 502);
}

}  // namespace
}  // namespace callbrief::http
