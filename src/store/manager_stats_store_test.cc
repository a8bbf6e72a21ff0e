// The manager dashboard's figures (CallStore::StatsByManager, issue 16, item 4), the same on both
// databases: per operator over a window, from the talk metrics stored with each transcript.
#include <algorithm>

#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000;
constexpr std::int64_t kHour = 3'600'000;

// The manager talks `manager_ms` from 0, then the client `client_ms`.
std::vector<TranscriptSegment> Dialogue(std::int64_t manager_ms, std::int64_t client_ms) {
  return {{.index = 0, .start_ms = 0, .end_ms = manager_ms, .speaker = "manager", .text = "Да"},
          {.index = 1,
           .start_ms = manager_ms,
           .end_ms = manager_ms + client_ms,
           .speaker = "client",
           .text = "Нет"}};
}

class ManagerStatsStoreTest : public WorkStoreTest {
 protected:
  // A call of operator `user` started `hour` hours after kStart; transcribed when `segments` is
  // given (each call is claimed and finished as soon as it is added).
  void AddCall(std::optional<std::int64_t> user, std::string name, int hour,
               std::optional<std::vector<TranscriptSegment>> segments,
               std::optional<ScorecardRecord> scorecard = std::nullopt) {
    const std::int64_t id = Record("C" + std::to_string(++count_));
    ASSERT_TRUE(Claim("w1", kNow + count_));
    ASSERT_EQ(claims_["w1"].call_id, id);
    StageOutcome done = Outcome(id, "w1", Stage::kTranscribe, Stage::kDone);
    done.facts = CallFactsUpdate{.direction = Direction::kIncoming,
                                 .portal_user_id = user,
                                 .manager_name = std::move(name),
                                 .started_at_ms = kStart + hour * kHour};
    done.segments = std::move(segments);
    done.scorecard = std::move(scorecard);
    auto finished = store_->FinishStage(done);
    ASSERT_TRUE(finished.ok()) << finished.error().message;
  }

  std::vector<ManagerStats> Stats(int from_hour = 0, int to_hour = 100) {
    auto stats = store_->StatsByManager(
        {.from_ms = kStart + from_hour * kHour, .to_ms = kStart + to_hour * kHour});
    EXPECT_TRUE(stats.ok()) << stats.error().message;
    return stats.ok() ? *stats : std::vector<ManagerStats>{};
  }

  int count_ = 0;
};
INSTANTIATE_TEST_SUITE_P(Backends, ManagerStatsStoreTest, testing::AllBackends(),
                         testing::BackendName);

TEST_P(ManagerStatsStoreTest, AveragesEachManagersMeasuredCallsAndCountsAllOfThem) {
  // Ольга: shares 20 % and 60 %, monologues 2 s and 6 s; and one call not transcribed.
  AddCall(7, "Ольга", 1, Dialogue(2'000, 8'000));
  AddCall(7, "Ольга", 2, Dialogue(6'000, 4'000));
  AddCall(7, "Ольга", 3, std::nullopt);
  // Андрей: calls, none measured.
  AddCall(9, "Андрей", 4, std::nullopt);
  // Nobody's call: on the team's figures elsewhere, not a manager's.
  AddCall(std::nullopt, "", 5, Dialogue(1'000, 1'000));

  const std::vector<ManagerStats> stats = Stats();
  ASSERT_EQ(stats.size(), 2u);
  const ManagerStats& olga = stats[0];
  EXPECT_EQ(olga.portal_user_id, 7);
  EXPECT_EQ(olga.name, "Ольга");
  EXPECT_EQ(olga.calls, 3);
  EXPECT_EQ(olga.measured_calls, 2);
  ASSERT_TRUE(olga.talk_share_manager.has_value());
  EXPECT_DOUBLE_EQ(*olga.talk_share_manager, 0.4);  // Each call counts once: (0.2 + 0.6) / 2.
  EXPECT_DOUBLE_EQ(*olga.longest_monologue_seconds, 4.0);
  EXPECT_DOUBLE_EQ(*olga.max_monologue_seconds, 6.0);
  EXPECT_DOUBLE_EQ(*olga.interruptions_per_call, 0.0);

  const ManagerStats& andrey = stats[1];
  EXPECT_EQ(andrey.portal_user_id, 9);
  EXPECT_EQ(andrey.calls, 1);
  EXPECT_EQ(andrey.measured_calls, 0);
  EXPECT_FALSE(andrey.talk_share_manager.has_value());
  EXPECT_FALSE(andrey.longest_monologue_seconds.has_value());
}

TEST_P(ManagerStatsStoreTest, OnlyCallsStartedInTheWindowCount) {
  AddCall(7, "Ольга", 1, Dialogue(2'000, 8'000));
  AddCall(7, "Ольга", 10, Dialogue(6'000, 4'000));
  const std::vector<ManagerStats> early = Stats(0, 5);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].calls, 1);
  EXPECT_DOUBLE_EQ(*early[0].talk_share_manager, 0.2);
  EXPECT_TRUE(Stats(20, 30).empty());
}

// A scorecard as the summarize stage stores it (analytics::ScorecardToJson, compact), with
// `failed` answered "no" and every other criterion of the sales checklist "yes".
ScorecardRecord Scored(int score, std::vector<std::string> failed) {
  std::string criteria;
  for (const char* id : {"greeting", "next_step", "close"}) {
    const bool no = std::find(failed.begin(), failed.end(), id) != failed.end();
    criteria += (criteria.empty() ? "" : ",") + std::string(R"({"id":")") + id +
                R"(","question":"Вопрос )" + id + R"(","critical":)" +
                (std::string_view(id) == "next_step" ? "true" : "false") + R"(,"verdict":")" +
                (no ? "no" : "yes") + R"("})";
  }
  return {.checklist_id = "sales",
          .score = score,
          .scorecard_json = R"({"checklist_id":"sales","score":)" + std::to_string(score) +
                            R"(,"criteria":[)" + criteria + "]}"};
}

TEST_P(ManagerStatsStoreTest, AveragesScoresByWeekAndNamesTheCriteriaFailedMostWithTheirCalls) {
  AddCall(7, "Ольга", 1, Dialogue(2'000, 8'000), Scored(80, {"next_step"}));           // call C1
  AddCall(7, "Ольга", 2, Dialogue(2'000, 8'000), Scored(40, {"next_step", "close"}));  // C2
  AddCall(7, "Ольга", 24 * 8, Dialogue(2'000, 8'000), Scored(100, {}));  // C3, second week
  AddCall(9, "Андрей", 3, Dialogue(2'000, 8'000));                       // Not scored.

  const std::vector<ManagerStats> stats = Stats(0, 24 * 14);
  ASSERT_EQ(stats.size(), 2u);
  const ManagerStats& olga = stats[0];
  EXPECT_EQ(olga.scored_calls, 3);
  ASSERT_TRUE(olga.average_score.has_value());
  EXPECT_NEAR(*olga.average_score, 220.0 / 3, 1e-9);
  ASSERT_EQ(olga.score_by_week.size(), 2u);  // 14 days: two weeks.
  EXPECT_EQ(olga.score_by_week[0], 60.0);
  EXPECT_EQ(olga.score_by_week[1], 100.0);
  ASSERT_EQ(olga.failed_criteria.size(), 2u);
  EXPECT_EQ(olga.failed_criteria[0].id, "next_step");
  EXPECT_EQ(olga.failed_criteria[0].question, "Вопрос next_step");
  EXPECT_TRUE(olga.failed_criteria[0].critical);
  EXPECT_EQ(olga.failed_criteria[0].calls, 2);
  auto id = [&](const char* call_id) { return (*store_->FindCall(call_id))->call.id; };
  EXPECT_EQ(olga.failed_criteria[0].call_ids, (std::vector<std::int64_t>{id("C2"), id("C1")}))
      << "the newest first";
  EXPECT_EQ(olga.failed_criteria[1].id, "close");
  EXPECT_EQ(olga.failed_criteria[1].calls, 1);

  const ManagerStats& andrey = stats[1];
  EXPECT_EQ(andrey.scored_calls, 0);
  EXPECT_FALSE(andrey.average_score.has_value());
  EXPECT_TRUE(andrey.failed_criteria.empty());
  EXPECT_FALSE(andrey.score_by_week[0].has_value());
}

}  // namespace
}  // namespace callbrief::store
