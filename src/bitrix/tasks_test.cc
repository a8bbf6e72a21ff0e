#include "bitrix/tasks.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using net::testing::FakeHttpClient;

constexpr const char* kWebhook = "https://portal.bitrix24.ru/rest/1/hook/";

TEST(TaskMarkerTest, NamesTheCallAndTheItemCountedFromOne) {
  EXPECT_EQ(TaskMarker("5E31.1773.87", 0), "callbrief:5E31.1773.87/task-1");
  EXPECT_EQ(TaskMarker("5E31.1773.87", 11), "callbrief:5E31.1773.87/task-12");
  EXPECT_EQ(TaskMarker("odd[id]", 0), "callbrief:odd［id］/task-1");
}

TEST(TaskMarkerIndexTest, FindsTheItemOfThisCallOnly) {
  struct Case {
    std::string description;
    std::optional<int> index;
  };
  const Case cases[] = {
      {"Позвонить\n\ncallbrief:X.1/task-1", 0},
      {"Позвонить\r\n\r\ncallbrief:X.1/task-3\r\n", 2},
      {"callbrief:X.1/task-12", 11},
      {"callbrief:X.12/task-1", std::nullopt},  // Another call whose id starts with ours.
      {"callbrief:X.1/task-1-2", std::nullopt},
      {"callbrief:X.1/task-0", std::nullopt},
      {"callbrief:X.1/task-", std::nullopt},
      {"mycallbrief:X.1/task-1", std::nullopt},
      {"callbrief:X.1", std::nullopt},  // The timeline comment's marker is not a task's.
      {"callbrief:X.12/task-4\ncallbrief:X.1/task-2", 1},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TaskMarkerIndex(c.description, "X.1"), c.index) << c.description;
  }
}

TEST(CrmTaskBindingTest, UsesTheDocumentedPrefixes) {
  EXPECT_EQ(CrmTaskBinding("deal", 10), "D_10");
  EXPECT_EQ(CrmTaskBinding("contact", 7), "C_7");
  EXPECT_EQ(CrmTaskBinding("company", 5), "CO_5");
  EXPECT_EQ(CrmTaskBinding("lead", 4), "L_4");
  EXPECT_EQ(CrmTaskBinding("invoice", 4), "");
  EXPECT_EQ(CrmTaskBinding("deal", 0), "");
}

TEST(BuildTaskDescriptionTest, PutsTheMarkerOnALineOfItsOwnAtTheEnd) {
  EXPECT_EQ(BuildTaskDescription("[QUOTE]Позвонить[/QUOTE]\n\n", "X.1", 1),
            "[QUOTE]Позвонить[/QUOTE]\n\ncallbrief:X.1/task-2");
  EXPECT_EQ(BuildTaskDescription("", "X.1", 0), "callbrief:X.1/task-1");
}

class FindCallTasksTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  std::unique_ptr<RestClient> rest_ = MakeRestClient(http_, nullptr, {.webhook_url = kWebhook});
};

TEST_F(FindCallTasksTest, MatchesMarkersAcrossPagesNewestFirst) {
  http_.Reply(200, R"({"result":{"tasks":[
      {"id":"90","description":"other call\ncallbrief:X.2/task-1"},
      {"id":"89","description":"x\ncallbrief:X.1/task-2"}]},"next":50,"total":51})");
  http_.Reply(200, R"({"result":{"tasks":[
      {"id":"12","description":"x\ncallbrief:X.1/task-1"}]},"total":51})");
  auto found = FindCallTasks(*rest_, "X.1", 7);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(*found, (std::map<int, std::int64_t>{{0, 12}, {1, 89}}));
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto first = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(first["filter"], nlohmann::json({{"RESPONSIBLE_ID", 7}}));
  EXPECT_EQ(first["order"], nlohmann::json({{"ID", "desc"}}));
  EXPECT_EQ(first["select"], nlohmann::json({"ID", "DESCRIPTION"}));
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["start"], 50);
}

TEST_F(FindCallTasksTest, AnAnswerWithoutTheTaskListIsPermanent) {
  http_.Reply(200, R"({"result":[]})");
  auto found = FindCallTasks(*rest_, "X.1", 7);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(found.error().message.find("looking for the tasks of call X.1"), std::string::npos);
}

TEST_F(FindCallTasksTest, AddSendsTheDraftWithMarkerBindingAndDeadline) {
  http_.Reply(200, R"({"result":{"task":{"id":"3711"}}})");
  TaskDraft draft{.title = "Позвонить",
                  .description = "[QUOTE]Позвонить[/QUOTE]",
                  .responsible_id = 7,
                  .deadline = "2026-11-27T18:00:00+03:00",
                  .crm_binding = "D_10"};
  auto id = AddCallTask(*rest_, draft, "X.1", 0);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 3711);
  auto fields = nlohmann::json::parse(http_.requests()[0].body)["fields"];
  EXPECT_EQ(fields["TITLE"], "Позвонить");
  EXPECT_EQ(fields["DESCRIPTION"], "[QUOTE]Позвонить[/QUOTE]\n\ncallbrief:X.1/task-1");
  EXPECT_EQ(fields["RESPONSIBLE_ID"], 7);
  EXPECT_EQ(fields["DEADLINE"], "2026-11-27T18:00:00+03:00");
  EXPECT_EQ(fields["UF_CRM_TASK"], nlohmann::json::array({"D_10"}));
}

TEST_F(FindCallTasksTest, AddLeavesOutWhatTheDraftHasNot) {
  http_.Reply(200, R"({"result":{"task":{"id":"5"}}})");
  ASSERT_TRUE(AddCallTask(*rest_, {.title = "x", .responsible_id = 7}, "X.1", 0).ok());
  auto fields = nlohmann::json::parse(http_.requests()[0].body)["fields"];
  EXPECT_FALSE(fields.contains("DEADLINE"));
  EXPECT_FALSE(fields.contains("UF_CRM_TASK"));
}

TEST_F(FindCallTasksTest, AddWithoutATaskIdIsPermanent) {
  http_.Reply(200, R"({"result":{"task":{}}})");
  auto id = AddCallTask(*rest_, {.title = "x", .responsible_id = 7}, "X.1", 2);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(id.error().message.find("creating task 3 of call X.1"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::bitrix
