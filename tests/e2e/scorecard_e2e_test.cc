// Scorecards end to end (issue 16, items 2 and 6): a call processed by the real binary against
// the emulators is scored with the shipped checklist in its summary request; after the team saves
// its own checklist, `callbrief rescore` scores it again from the stored transcript, and nothing
// is transcribed, summarized or delivered again.

#include <gtest/gtest.h>

#include "e2e/e2e_support.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

TEST_F(PipelineE2eTest, RescoreScoresFinishedCallsAgainAndChangesNothingElse) {
  ServiceProcess service(Env());
  ASSERT_TRUE(service.Start());
  const std::string call_id = AddCall(CallBuilder().Incoming().Phone("+79001234567").Duration(75));
  Announce(service, call_id);
  const json before = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(before)) << before.dump(2) << service.Log();
  ASSERT_EQ(before["scorecard"]["checklist_id"], "sales") << before["scorecard"].dump(2);
  const auto requests = openai_.Requests().size();

  auto saved = service.Client().Post(
      "/api/checklists/support",
      R"({"name":"Поддержка","criteria":[{"id":"answer","question":"Клиент получил ответ?",)"
      R"("critical":true,"side":"client"}]})",
      "application/json");
  ASSERT_TRUE(saved && saved->status == 200) << (saved ? saved->body : "no answer");
  ASSERT_TRUE(service.Terminate().has_value());

  ASSERT_EQ(service.RunToExit({"rescore", "--since", "2000-01-01"}), ExitedWith(0))
      << service.Log();
  const std::string out = service.Stdout();
  for (const char* line : {"1 finished call(s) in this period; scoring against checklist support",
                           "1/1 calls, 1 scored, 0 with nothing to score, 0 failed, ETA 0:00",
                           "Done: 1 call(s) scored again, 0 with nothing to score (no summary by a "
                           "model), 0 failed"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  }
  // One request, for the scorecard alone: the transcript was not transcribed again.
  ASSERT_EQ(openai_.Requests().size(), requests + 1);
  EXPECT_EQ(openai_.Requests().back().path, "/v1/chat/completions");

  ASSERT_TRUE(service.Restart());
  const json after = CallJson(service, call_id);
  EXPECT_EQ(after["scorecard"]["checklist_id"], "support");
  EXPECT_EQ(after["scorecard"]["criteria"].size(), 1u);
  for (const char* unchanged : {"transcript", "summary", "deliveries", "stage", "stage_runs"}) {
    EXPECT_EQ(after[unchanged], before[unchanged]) << unchanged;
  }
  EXPECT_EQ(TelegramMessages().size(), 1u) << "nothing delivered again";
  EXPECT_EQ(Comments(call_id).size(), 1u);
}

TEST_F(PipelineE2eTest, RescoreRefusesABadDateAndSaysWhatToType) {
  ServiceProcess service(Env());
  EXPECT_EQ(service.RunToExit({"rescore", "--since", "last week"}), ExitedWith(1));
  EXPECT_NE(service.Stderr().find("--since: expected a date like 2026-11-01, got \"last week\""),
            std::string::npos)
      << service.Log();
}

}  // namespace
}  // namespace callbrief::testing
