// Tasks from action items (BITRIX24_CREATE_TASKS) end to end: the real `callbrief serve` against
// the emulated portal, whose tasks.task.add and tasks.task.list follow the Bitrix24 REST
// documentation — one task per action item for the call's operator, never a second one, also when
// the service is killed after Bitrix24 made a task and before its id was stored; and `doctor`
// asking for the `task` scope only when tasks are on.

#include <csignal>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

class TasksE2eTest : public PipelineE2eTest {
 protected:
  void SetUp() override {
    PipelineE2eTest::SetUp();
    portal_.SetGrantedScopes({"crm", "disk", "telephony", "user", "task"});
    // The summary model names two action items: one with a date, one without.
    openai_.SetChatValue("tasks", json::array({{{"text", "Отправить коммерческое предложение"},
                                                {"owner", "менеджер"},
                                                {"due", "2036-12-31"}},
                                               {{"text", "Перезвонить клиенту"},
                                                {"owner", nullptr},
                                                {"due", "на следующей неделе"}}}));
  }

  static json DeliveryOf(const json& call, std::string_view channel) {
    for (const json& delivery : call["deliveries"]) {
      if (delivery["channel"] == channel) return delivery;
    }
    return nullptr;
  }

  // How many of the portal's tasks carry the marker of each action item of `call_id`.
  std::vector<int> TasksPerItem(const std::string& call_id) const {
    std::vector<int> count(2, 0);
    for (const fakes::PortalTask& task : portal_.Tasks()) {
      for (int i = 0; i < 2; ++i) {
        const std::string marker = "callbrief:" + call_id + "/task-" + std::to_string(i + 1);
        const auto at = task.description.find(marker);
        if (at != std::string::npos && at + marker.size() == task.description.size()) ++count[i];
      }
    }
    return count;
  }
};

TEST_F(TasksE2eTest, EachActionItemBecomesOneTaskOfTheOperatorOnTheCallsContact) {
  ServiceProcess service(Env({{"BITRIX24_CREATE_TASKS", "true"}}));
  ASSERT_TRUE(service.Start());
  const std::string call_id = AddCall(CallBuilder().Operator(7).Contact(15));
  Announce(service, call_id);
  const json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  const std::vector<fakes::PortalTask> tasks = portal_.Tasks();
  ASSERT_EQ(tasks.size(), 2u) << service.Log();
  EXPECT_EQ(tasks[0].title, "Отправить коммерческое предложение");
  EXPECT_EQ(tasks[1].title, "Перезвонить клиенту");
  for (const fakes::PortalTask& task : tasks) {
    EXPECT_EQ(task.responsible_id, 7);
    EXPECT_EQ(task.crm_bindings, std::vector<std::string>{"C_15"});
    EXPECT_NE(task.description.find("[URL=https://calls.example.com/calls/"), std::string::npos)
        << task.description;
  }
  EXPECT_NE(tasks[0].description.find("[QUOTE]Отправить коммерческое предложение[/QUOTE]"),
            std::string::npos)
      << tasks[0].description;
  core::TimePoint deadline;
  ASSERT_TRUE(core::ParseIso8601("2036-12-31T18:00:00+03:00", &deadline));
  EXPECT_EQ(tasks[0].deadline, deadline);
  EXPECT_FALSE(tasks[1].deadline.has_value());
  EXPECT_EQ(TasksPerItem(call_id), (std::vector<int>{1, 1}));

  const json delivery = DeliveryOf(call, "bitrix_tasks");
  EXPECT_EQ(delivery["status"], "done") << call["deliveries"];
  EXPECT_EQ(delivery["external_id"],
            std::to_string(tasks[0].id) + "," + std::to_string(tasks[1].id));
  // The other deliveries are unchanged by tasks.
  EXPECT_EQ(TelegramMessages().size(), 1u);
  EXPECT_EQ(Comments(call_id).size(), 1u);
}

TEST_F(TasksE2eTest, WithoutTheSettingNoTaskIsMade) {
  portal_.SetGrantedScopes({"crm", "disk", "telephony", "user"});
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  const std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  const json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_TRUE(portal_.Tasks().empty());
  EXPECT_TRUE(DeliveryOf(call, "bitrix_tasks").is_null()) << call["deliveries"];
}

// kill -9 after Bitrix24 made the first task and before the service stored its id: the portal
// answers tasks.task.add only 20 s after making the task, and the test kills the service as soon
// as the task exists. The restarted service waits until that request cannot land any more
// (BITRIX24_TIMEOUT), finds the task by its marker (tasks.task.list) and makes only the second.
TEST_F(TasksE2eTest, KillNineBetweenTheTaskBeingMadeAndItsRecordBeingSavedMakesNoDuplicate) {
  portal_.InjectFault("tasks.task.add", fakes::Fault::AnswerLate(std::chrono::seconds(20)));
  ServiceProcess service(Env({{"BITRIX24_CREATE_TASKS", "true"}, {"BITRIX24_TIMEOUT", "3"}}));
  ASSERT_TRUE(service.Start());
  const std::string call_id = AddCall(CallBuilder());
  Announce(service, call_id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (portal_.Tasks().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(portal_.Tasks().size(), 1u) << service.Log();
  service.Kill(SIGKILL);
  // What the killed service stored: an attempt, and no task id.
  EXPECT_EQ(portal_.CountRequests("tasks.task.add"), 0) << "its answer is still held back";

  ASSERT_TRUE(service.Restart());
  const json call = WaitFor(service, call_id, Done, std::chrono::seconds(90));
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();
  EXPECT_EQ(TasksPerItem(call_id), (std::vector<int>{1, 1})) << service.Log();
  EXPECT_EQ(portal_.Tasks().size(), 2u);
  EXPECT_GE(portal_.CountRequests("tasks.task.list"), 1) << "the restarted service looked first";
  const json delivery = DeliveryOf(call, "bitrix_tasks");
  EXPECT_EQ(delivery["status"], "done") << call["deliveries"];
  const std::vector<fakes::PortalTask> tasks = portal_.Tasks();
  EXPECT_EQ(delivery["external_id"],
            std::to_string(tasks[0].id) + "," + std::to_string(tasks[1].id));
  EXPECT_EQ(TelegramMessages().size(), 1u);
  EXPECT_EQ(Comments(call_id).size(), 1u);
}

TEST_F(TasksE2eTest, DoctorAsksForTheTaskScopeWhenTasksAreOn) {
  portal_.SetGrantedScopes({"crm", "disk", "telephony", "user"});
  ServiceProcess service(Env({{"BITRIX24_CREATE_TASKS", "true"}}));
  ASSERT_EQ(service.RunToExit({"migrate"}), ExitedWith(0)) << service.Log();
  EXPECT_EQ(service.RunToExit({"doctor"}), ExitedWith(1));
  const std::string out = service.Stdout();
  EXPECT_NE(out.find("❌ Bitrix24: the webhook lacks the \"task\" scope, which "
                     "BITRIX24_CREATE_TASKS needs"),
            std::string::npos)
      << out;

  portal_.SetGrantedScopes({"crm", "disk", "telephony", "user", "task"});
  EXPECT_EQ(service.RunToExit({"doctor"}), ExitedWith(0)) << service.Stdout();
}

}  // namespace
}  // namespace callbrief::testing
