// tasks.task.add and tasks.task.list (api-reference/tasks/tasks-task-add.md, tasks-task-list.md).

#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

class TasksTest : public FakeBitrix24Test {
 protected:
  void SetUp() override {
    FakeBitrix24Test::SetUp();
    portal_.SetGrantedScopes({"crm", "task", "telephony", "user"});
  }

  Reply Add(json fields) { return Call("tasks.task.add", {{"fields", std::move(fields)}}); }

  // A task for user 7 (the default operator), bound to `binding`.
  std::string AddFor(std::string title, std::string binding = "D_77") {
    Reply reply =
        Add({{"TITLE", title}, {"RESPONSIBLE_ID", 7}, {"UF_CRM_TASK", json::array({binding})}});
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    return reply.body["result"]["task"]["id"].get<std::string>();
  }

  std::vector<std::string> ListedIds(const json& params) {
    Reply reply = Call("tasks.task.list", params);
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    std::vector<std::string> ids;
    for (const json& row : reply.body["result"]["tasks"]) ids.push_back(row["id"]);
    return ids;
  }
};

TEST_F(FakeBitrix24Test, TaskMethodsNeedTheTaskScope) {
  Reply reply = Call("tasks.task.add", {{"fields", {{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}}}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body["error"], "insufficient_scope");
  EXPECT_EQ(Call("tasks.task.list").status, 403);
  EXPECT_TRUE(portal_.Tasks().empty());
}

TEST_F(TasksTest, AddCreatesTheTaskAndAnswersItUnderResultTask) {
  Reply reply = Add({{"TITLE", "Отправить КП"},
                     {"DESCRIPTION", "[B]Из звонка[/B]"},
                     {"RESPONSIBLE_ID", 7},
                     {"DEADLINE", "2026-03-20T18:00:00+03:00"},
                     {"UF_CRM_TASK", {"D_77", "C_15"}}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const json& task = reply.body["result"]["task"];
  EXPECT_EQ(task["id"], "3711");  // A string, as in the documented answer.
  EXPECT_EQ(task["title"], "Отправить КП");
  EXPECT_EQ(task["description"], "[B]Из звонка[/B]");
  EXPECT_EQ(task["responsibleId"], "7");
  EXPECT_EQ(task["createdBy"], "1");  // The webhook's user.
  EXPECT_EQ(task["deadline"], "2026-03-20T18:00:00+03:00");
  EXPECT_EQ(task["status"], "2");
  EXPECT_EQ(task["descriptionInBbcode"], "Y");
  EXPECT_EQ(task["responsible"]["id"], "7");
  EXPECT_TRUE(reply.body.contains("time"));

  std::vector<PortalTask> tasks = portal_.Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].id, 3711);
  EXPECT_EQ(tasks[0].crm_bindings, (std::vector<std::string>{"D_77", "C_15"}));
}

TEST_F(TasksTest, ADeadlineWithoutAnOffsetIsPortalTime) {
  Reply reply = Add({{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}, {"DEADLINE", "2025-12-31T23:59:59"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["result"]["task"]["deadline"], "2025-12-31T23:59:59+03:00");
}

TEST_F(TasksTest, WithoutFieldsIsCodeOneHundredAsANumber) {
  Reply reply = Call("tasks.task.add", {{"FIELDS", {{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], 100);
  EXPECT_EQ(reply.body["error_description"],
            "Could not find value for parameter {fields} (internal error)");
}

TEST_F(TasksTest, EachDocumentedFieldErrorIsErrorCore) {
  struct Case {
    json fields;
    std::string description;
  };
  const Case cases[] = {
      {{{"RESPONSIBLE_ID", 7}}, "Task title not specified<br>"},
      {{{"TITLE", ""}, {"RESPONSIBLE_ID", 7}}, "Task title not specified<br>"},
      {{{"TITLE", "x"}}, "Assignee not specified<br>"},
      {{{"TITLE", "x"}, {"RESPONSIBLE_ID", 0}}, "Assignee not specified<br>"},
      {{{"TITLE", "x"}, {"RESPONSIBLE_ID", 4040}},
       "User specified in the \"Assignee\" field not found<br>"},
  };
  for (const Case& c : cases) {
    Reply reply = Add(c.fields);
    EXPECT_EQ(reply.status, 400) << c.fields.dump();
    EXPECT_EQ(reply.body["error"], "ERROR_CORE") << c.fields.dump();
    EXPECT_EQ(reply.body["error_description"], c.description) << c.fields.dump();
  }
  EXPECT_TRUE(portal_.Tasks().empty());
}

TEST_F(TasksTest, AMalformedCrmBindingOrDeadlineIsRefused) {
  EXPECT_EQ(Add({{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}, {"UF_CRM_TASK", {"deal_77"}}}).status, 400);
  EXPECT_EQ(Add({{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}, {"UF_CRM_TASK", "CO_"}}).status, 400);
  EXPECT_EQ(Add({{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}, {"DEADLINE", "завтра"}}).status, 400);
  EXPECT_TRUE(portal_.Tasks().empty());
}

TEST_F(TasksTest, AddAcceptsFormEncodingWithPhpArrays) {
  Reply reply = PostForm("tasks.task.add",
                         "fields%5BTITLE%5D=%D0%9F%D0%BE%D0%B7%D0%B2%D0%BE%D0%BD%D0%B8%D1%82%D1%8C"
                         "&fields%5BRESPONSIBLE_ID%5D=7&fields%5BUF_CRM_TASK%5D%5B0%5D=C_15");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_EQ(portal_.Tasks().size(), 1u);
  EXPECT_EQ(portal_.Tasks()[0].title, "Позвонить");
  EXPECT_EQ(portal_.Tasks()[0].crm_bindings, (std::vector<std::string>{"C_15"}));
}

TEST_F(TasksTest, ListIsUnderResultTasksNewestFirstWithTotal) {
  AddFor("a");
  AddFor("b");
  AddFor("c");
  Reply reply = Call("tasks.task.list");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["total"], 3);
  EXPECT_FALSE(reply.body.contains("next"));
  EXPECT_EQ(ListedIds(json::object()), (std::vector<std::string>{"3713", "3712", "3711"}));
  EXPECT_EQ(ListedIds({{"order", {{"ID", "asc"}}}}),
            (std::vector<std::string>{"3711", "3712", "3713"}));
}

TEST_F(TasksTest, ListFiltersByCrmBindingAndResponsible) {
  std::string deal = AddFor("deal", "D_77");
  std::string contact = AddFor("contact", "C_15");
  EXPECT_EQ(ListedIds({{"filter", {{"UF_CRM_TASK", "D_77"}}}}), std::vector<std::string>{deal});
  EXPECT_EQ(ListedIds({{"filter", {{"UF_CRM_TASK", {"C_15", "L_1"}}}}}),
            std::vector<std::string>{contact});
  EXPECT_EQ(ListedIds({{"filter", {{"RESPONSIBLE_ID", 7}, {"UF_CRM_TASK", "D_77"}}}}),
            std::vector<std::string>{deal});
  EXPECT_TRUE(ListedIds({{"filter", {{"RESPONSIBLE_ID", 1}}}}).empty());
}

TEST_F(TasksTest, ListSelectAnswersCamelCaseKeysAndTheCrmFieldsTogether) {
  Add({{"TITLE", "x"},
       {"DESCRIPTION", "callbrief"},
       {"RESPONSIBLE_ID", 7},
       {"UF_CRM_TASK", {"D_77"}}});
  Reply reply = Call("tasks.task.list", {{"select", {"ID", "DESCRIPTION", "UF_CRM_TASK"}}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const json& row = reply.body["result"]["tasks"][0];
  EXPECT_EQ(row["id"], "3711");
  EXPECT_EQ(row["description"], "callbrief");
  EXPECT_EQ(row["ufCrmTask"], json::array({"D_77"}));
  EXPECT_TRUE(row.contains("ufTaskWebdavFiles"));  // "all three will be returned" (fields.md).
  EXPECT_TRUE(row.contains("ufMailMessage"));
  EXPECT_FALSE(row.contains("title"));
}

TEST_F(TasksTest, ListPagesByFifty) {
  for (int i = 0; i < 55; ++i) AddFor("t" + std::to_string(i));
  Reply first = Call("tasks.task.list");
  EXPECT_EQ(first.body["result"]["tasks"].size(), 50u);
  EXPECT_EQ(first.body["next"], 50);
  EXPECT_EQ(first.body["total"], 55);
  Reply second = Call("tasks.task.list", {{"start", 50}});
  EXPECT_EQ(second.body["result"]["tasks"].size(), 5u);
  EXPECT_FALSE(second.body.contains("next"));
}

TEST_F(TasksTest, ListRefusesAnInvalidSortingKeyWithErrorZero) {
  Reply reply = Call("tasks.task.list", {{"order", {{"NO_SUCH_FIELD", "asc"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "0");
  EXPECT_EQ(reply.body["error_description"], "Invalid sorting key (internal error)");
}

TEST_F(TasksTest, ALateAnswerComesAfterTheTaskExists) {
  portal_.InjectFault("tasks.task.add", Fault::AnswerLate(std::chrono::milliseconds(1000)));
  auto answer = std::async(std::launch::async, [this] {
    return Add({{"TITLE", "x"}, {"RESPONSIBLE_ID", 7}});
  });
  for (int i = 0; i < 500 && portal_.Tasks().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(portal_.Tasks().size(), 1u);
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the answer came before its delay";
  EXPECT_EQ(answer.get().status, 200);
}

}  // namespace
}  // namespace callbrief::fakes::testing
