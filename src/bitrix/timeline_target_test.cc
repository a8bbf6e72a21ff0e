#include "bitrix/timeline_target.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;

constexpr const char* kWebhook = "https://portal.bitrix24.ru/rest/1/hook/";
constexpr const char* kCallId = "5E316880469A6376.1773306964.8740011";

class TimelineTargetTest : public ::testing::Test {
 protected:
  static CallFacts Call() {
    CallFacts call;
    call.statistic_id = 1042;
    call.call_id = kCallId;
    return call;
  }
  std::vector<std::string> Methods() {
    std::vector<std::string> methods;
    for (const auto& r : http_.requests()) {
      std::string url = r.url.substr(std::string(kWebhook).size());
      methods.push_back(url.substr(0, url.size() - std::string(".json").size()));
    }
    return methods;
  }
  // crm.activity.binding.list as documented: [{"entityTypeId": int, "entityId": int}].
  void Bindings(const std::string& rows) { http_.Reply(200, R"({"result":)" + rows + "}"); }

  FakeHttpClient http_;
  std::unique_ptr<RestClient> rest_ = MakeRestClient(http_, nullptr, {.webhook_url = kWebhook});
};

TEST(TimelineEntityTypeTest, MapsCodesAndOwnerTypeIds) {
  EXPECT_EQ(TimelineEntityTypeFromCode("CONTACT"), "contact");
  EXPECT_EQ(TimelineEntityTypeFromCode("COMPANY"), "company");
  EXPECT_EQ(TimelineEntityTypeFromCode("LEAD"), "lead");
  EXPECT_EQ(TimelineEntityTypeFromCode("DEAL"), "deal");
  EXPECT_EQ(TimelineEntityTypeFromCode("contact"), "contact");
  EXPECT_EQ(TimelineEntityTypeFromCode(""), std::nullopt);
  EXPECT_EQ(TimelineEntityTypeFromCode("QUOTE"), std::nullopt);
  const std::pair<std::int64_t, std::optional<std::string>> owners[] = {
      {1, "lead"},       {2, "deal"},       {3, "contact"},    {4, "company"},
      {0, std::nullopt}, {5, std::nullopt}, {7, std::nullopt}, {128, std::nullopt}};
  for (const auto& [id, type] : owners) {
    EXPECT_EQ(TimelineEntityTypeFromOwnerTypeId(id), type) << id;
  }
}

// Issue 13: the statistic row names the contact, the sales team works in the deal.
TEST_F(TimelineTargetTest, ADealBoundToTheActivityWinsOverTheCallsContact) {
  auto call = Call();
  call.crm_entity_type = "CONTACT";
  call.crm_entity_id = 77;
  call.crm_activity_id = 7953;
  Bindings(R"([{"entityTypeId":3,"entityId":77},{"entityTypeId":2,"entityId":456}])");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "deal");
  EXPECT_EQ((*target)->entity_id, 456);
  EXPECT_EQ((*target)->reason, "the deal bound to the call's activity 7953");
  EXPECT_EQ(Methods(), std::vector<std::string>{"crm.activity.binding.list"});
  EXPECT_EQ(nlohmann::json::parse(http_.requests()[0].body),
            (nlohmann::json{{"activityId", 7953}}));
}

TEST_F(TimelineTargetTest, OfSeveralDealsTheNewestIsTheTarget) {
  auto call = Call();
  call.crm_activity_id = 7953;
  Bindings(R"([{"entityTypeId":2,"entityId":456},{"entityTypeId":2,"entityId":"900"},
               {"entityTypeId":2,"entityId":12},{"entityTypeId":"x"},17,null])");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_id, 900);
}

TEST_F(TimelineTargetTest, WithoutADealTheCallsOwnCrmEntityIsTheTarget) {
  auto call = Call();
  call.crm_entity_type = "CONTACT";
  call.crm_entity_id = 77;
  call.crm_activity_id = 7953;
  Bindings(R"([{"entityTypeId":3,"entityId":77}])");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "contact");
  EXPECT_EQ((*target)->entity_id, 77);
  EXPECT_NE((*target)->reason.find("the call's own CRM entity"), std::string::npos);
}

TEST_F(TimelineTargetTest, WithoutAnActivityTheCallsOwnEntityIsTheTargetWithoutARequest) {
  auto call = Call();
  call.crm_entity_type = "LEAD";
  call.crm_entity_id = 5;
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "lead");
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(TimelineTargetTest, WithoutADealOrEntityTheActivitysOwnerIsTheTarget) {
  auto call = Call();
  call.crm_activity_id = 7953;
  Bindings("[]");
  http_.Reply(200, R"({"result":{"ID":"7953","TYPE_ID":"2","OWNER_TYPE_ID":"3","OWNER_ID":"10",
                                 "PROVIDER_ID":"VOXIMPLANT_CALL"}})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "contact");
  EXPECT_EQ((*target)->entity_id, 10);
  EXPECT_EQ((*target)->reason, "the owner of the call's activity 7953");
  EXPECT_EQ(Methods(), (std::vector<std::string>{"crm.activity.binding.list", "crm.activity.get"}));
  EXPECT_EQ(nlohmann::json::parse(http_.requests()[1].body), (nlohmann::json{{"id", 7953}}));
}

TEST_F(TimelineTargetTest, AnUnknownEntityTypeFallsBackToTheActivity) {
  auto call = Call();
  call.crm_entity_type = "SOMETHING_NEW";
  call.crm_entity_id = 5;
  call.crm_activity_id = 7953;
  Bindings("[]");
  http_.Reply(200, R"({"result":{"ID":"7953","OWNER_TYPE_ID":1,"OWNER_ID":3}})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok());
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "lead");
  EXPECT_EQ((*target)->entity_id, 3);
}

TEST_F(TimelineTargetTest, ABindingListRefusedForGoodFallsBackToTheCallsEntity) {
  auto call = Call();
  call.crm_entity_type = "CONTACT";
  call.crm_entity_id = 77;
  call.crm_activity_id = 7953;
  http_.Reply(400, R"({"error":"NOT_FOUND","error_description":"Element not found"})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok()) << target.error().message;
  ASSERT_TRUE(target->has_value());
  EXPECT_EQ((*target)->entity_type, "contact");
}

TEST_F(TimelineTargetTest, ARetryableBindingListFailureIsAnErrorWithContext) {
  auto call = Call();
  call.crm_entity_type = "CONTACT";
  call.crm_entity_id = 77;
  call.crm_activity_id = 7953;
  http_.Reply(503, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(target.error().message.rfind(std::string("choosing the CRM entity of call ") + kCallId +
                                             ": Bitrix24 crm.activity.binding.list",
                                         0),
            0u)
      << target.error().message;
}

TEST_F(TimelineTargetTest, ACallBoundToNothingHasNoTarget) {
  auto target = ChooseTimelineTarget(*rest_, Call());
  ASSERT_TRUE(target.ok());
  EXPECT_FALSE(target->has_value());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(TimelineTargetTest, AnActivityOwnedByWhatWeCannotCommentOnGivesNoTarget) {
  auto call = Call();
  call.crm_activity_id = 7953;
  Bindings("[]");
  http_.Reply(200, R"({"result":{"ID":"7953","OWNER_TYPE_ID":"7","OWNER_ID":"4"}})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_TRUE(target.ok());
  EXPECT_FALSE(target->has_value());
}

TEST_F(TimelineTargetTest, AFailingActivityLookupIsAnErrorWithContext) {
  auto call = Call();
  call.crm_activity_id = 7953;
  Bindings("[]");
  http_.Reply(500, R"({"error":"INTERNAL_SERVER_ERROR","error_description":"oops"})");
  auto target = ChooseTimelineTarget(*rest_, call);
  ASSERT_FALSE(target.ok());
  EXPECT_EQ(target.error().kind, ErrorKind::kTransient);
  EXPECT_EQ(target.error().message.rfind(std::string("choosing the CRM entity of call ") + kCallId +
                                             ": Bitrix24 crm.activity.get",
                                         0),
            0u)
      << target.error().message;
}

}  // namespace
}  // namespace callbrief::bitrix
