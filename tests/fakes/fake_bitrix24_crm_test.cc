// crm.activity.get, crm.activity.binding.list, crm.timeline.comment.add/list (reference §5).

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

class CrmTest : public FakeBitrix24Test {
 protected:
  json AddComment(json fields) {
    Reply reply = Call("crm.timeline.comment.add", {{"fields", std::move(fields)}});
    return reply.status == 200 ? reply.body["result"] : reply.body;
  }
};

TEST_F(CrmTest, CallActivityCarriesTheTelephonyFields) {
  std::string id = portal_.AddCall(CallBuilder().Contact(15).Activity(999).Build());
  Reply reply = Call("crm.activity.get", {{"id", 999}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const json& activity = reply.body["result"];
  EXPECT_EQ(activity["ID"], "999");
  EXPECT_EQ(activity["OWNER_ID"], "15");
  EXPECT_EQ(activity["OWNER_TYPE_ID"], "3");
  EXPECT_EQ(activity["TYPE_ID"], "2");
  EXPECT_EQ(activity["PROVIDER_ID"], "VOXIMPLANT_CALL");
  EXPECT_EQ(activity["PROVIDER_TYPE_ID"], "CALL");
  EXPECT_EQ(activity["DIRECTION"], "1");
  EXPECT_EQ(activity["ORIGIN_ID"], "VI_" + id);
  EXPECT_EQ(activity["RESPONSIBLE_ID"], "7");
  EXPECT_EQ(activity["SUBJECT"], "Incoming call +79161234567");
  EXPECT_EQ(activity["BINDINGS"], json::parse(R"([{"OWNER_ID":"15","OWNER_TYPE_ID":"3"}])"));
}

TEST_F(CrmTest, OutgoingCallActivityHasDirectionTwo) {
  portal_.AddCall(CallBuilder().Outgoing().Activity(5).Build());
  EXPECT_EQ(Call("crm.activity.get", {{"id", 5}}).body["result"]["DIRECTION"], "2");
}

TEST_F(CrmTest, ActivityIdOfTheStatisticRowLeadsToTheActivity) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  json row = StatisticRow(id);
  json activity = Call("crm.activity.get", {{"id", row["CRM_ACTIVITY_ID"]}}).body["result"];
  EXPECT_EQ(activity["OWNER_ID"], row["CRM_ENTITY_ID"]);
}

TEST_F(CrmTest, ActivityGetAcceptsUppercaseId) {
  portal_.AddCall(CallBuilder().Activity(5).Build());
  EXPECT_EQ(Call("crm.activity.get", {{"ID", "5"}}).status, 200);
}

TEST_F(CrmTest, ActivityGetWithoutIdIsAnErrorWithEmptyCode) {
  Reply reply = Call("crm.activity.get");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "");
  EXPECT_EQ(reply.body["error_description"], "ID is not defined or invalid.");
}

TEST_F(CrmTest, UnknownActivityIsNotFound) {
  Reply reply = Call("crm.activity.get", {{"id", 123456}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error_description"], "Activity is not found.");
}

TEST_F(CrmTest, BindingListReachesTheDealAsNumbers) {
  portal_.AddCall(CallBuilder().Contact(15).Deal(77).Activity(5).Build());
  Reply reply = Call("crm.activity.binding.list", {{"activityId", 5}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["result"], json::parse(R"([{"entityTypeId":3,"entityId":15},
                                                  {"entityTypeId":2,"entityId":77}])"));
}

TEST_F(CrmTest, BindingListNeedsActivityId) {
  Reply reply = Call("crm.activity.binding.list", {{"id", 5}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], 100);  // Documented code 100, a JSON number.
}

TEST_F(CrmTest, BindingListOfAnUnknownActivityIsNotFound) {
  Reply reply = Call("crm.activity.binding.list", {{"activityId", 987654}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "NOT_FOUND");
}

TEST_F(CrmTest, CommentAddReturnsTheNewIdAsANumber) {
  portal_.AddCall(CallBuilder().Deal(77).Build());
  json id = AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "Итоги звонка"}});
  ASSERT_TRUE(id.is_number_integer()) << id.dump();
  std::vector<TimelineComment> comments = portal_.TimelineComments("deal", 77);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].id, id.get<std::int64_t>());
  EXPECT_EQ(comments[0].comment, "Итоги звонка");
  EXPECT_EQ(comments[0].author_id, 1);  // The webhook user.
}

TEST_F(CrmTest, CommentAddReadsEntityTypeInAnyCase) {
  portal_.AddCrmEntity(CrmOwnerType::kContact, 15);
  EXPECT_TRUE(
      AddComment({{"ENTITY_ID", "15"}, {"ENTITY_TYPE", "CONTACT"}, {"COMMENT", "x"}}).is_number());
  EXPECT_EQ(portal_.TimelineComments("contact", 15).size(), 1u);
}

TEST_F(CrmTest, CommentAddAcceptsFormEncoding) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  Reply reply = PostForm("crm.timeline.comment.add",
                         "fields%5BENTITY_ID%5D=77&fields%5BENTITY_TYPE%5D=deal"
                         "&fields%5BCOMMENT%5D=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(portal_.TimelineComments("deal", 77)[0].comment, "Привет");
}

TEST_F(CrmTest, UppercaseFieldsKeyIsRefused) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  Reply reply = Call("crm.timeline.comment.add",
                     {{"FIELDS", {{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "x"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], 100);  // A JSON number, as D7 controllers answer.
  EXPECT_TRUE(portal_.TimelineComments("deal", 77).empty());
}

TEST_F(CrmTest, CommentAddWithoutEntityIsError100) {
  EXPECT_EQ(AddComment({{"ENTITY_TYPE", "deal"}, {"COMMENT", "x"}})["error"], 100);
}

TEST_F(CrmTest, EmptyCommentIsInvalidArgValue) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  EXPECT_EQ(AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", ""}})["error"],
            "INVALID_ARG_VALUE");
}

TEST_F(CrmTest, CommentOnAMissingEntityIsOwnerNotFound) {
  json error = AddComment({{"ENTITY_ID", 404}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "x"}});
  EXPECT_EQ(error["error"], "OWNER_NOT_FOUND");
}

TEST_F(CrmTest, CommentListRowsAreStrings) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "x"}});
  Reply reply =
      Call("crm.timeline.comment.list", {{"filter", {{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}}}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["total"], 1);
  const json& row = reply.body["result"][0];
  EXPECT_EQ(row["ENTITY_ID"], "77");
  EXPECT_EQ(row["ENTITY_TYPE"], "deal");
  EXPECT_EQ(row["CREATED"], "2026-03-11T17:28:46+03:00");
  EXPECT_EQ(row["COMMENT"], "x");
  EXPECT_EQ(row["AUTHOR_ID"], "1");
  EXPECT_TRUE(row["ID"].is_string());
}

TEST_F(CrmTest, CommentListNeedsBothFilterKeys) {
  EXPECT_EQ(Call("crm.timeline.comment.list", {{"filter", {{"ENTITY_ID", 77}}}}).status, 400);
  EXPECT_EQ(Call("crm.timeline.comment.list").status, 400);
}

TEST_F(CrmTest, CommentListPagesByFiftyOldestFirst) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  for (int i = 0; i < 60; ++i) {
    AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", std::to_string(i)}});
  }
  json filter = {{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}};
  Reply first = Call("crm.timeline.comment.list", {{"filter", filter}});
  EXPECT_EQ(first.body["result"].size(), 50u);
  EXPECT_EQ(first.body["result"][0]["COMMENT"], "0");
  EXPECT_EQ(first.body["next"], 50);
  Reply second = Call("crm.timeline.comment.list", {{"filter", filter}, {"start", 50}});
  EXPECT_EQ(second.body["result"].size(), 10u);
  EXPECT_FALSE(second.body.contains("next"));
}

TEST_F(CrmTest, CommentListOrdersAndSelects) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "old"}});
  AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}, {"COMMENT", "new"}});
  Reply reply =
      Call("crm.timeline.comment.list", {{"filter", {{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}}},
                                         {"order", {{"ID", "DESC"}}},
                                         {"select", {"ID", "COMMENT"}}});
  EXPECT_EQ(reply.body["result"][0]["COMMENT"], "new");
  EXPECT_EQ(reply.body["result"][0].size(), 2u);
}

TEST_F(CrmTest, CommentsOfOtherEntitiesAreNotListed) {
  portal_.AddCrmEntity(CrmOwnerType::kDeal, 77);
  portal_.AddCrmEntity(CrmOwnerType::kContact, 77);
  AddComment({{"ENTITY_ID", 77}, {"ENTITY_TYPE", "contact"}, {"COMMENT", "x"}});
  Reply reply =
      Call("crm.timeline.comment.list", {{"filter", {{"ENTITY_ID", 77}, {"ENTITY_TYPE", "deal"}}}});
  EXPECT_EQ(reply.body["result"], json::array());
}

}  // namespace
}  // namespace callbrief::fakes::testing
