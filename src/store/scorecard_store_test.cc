// Scorecards in the store (issue 16, item 2): checklists (at most one active) and each call's
// checked scorecard, on both backends.
#include <algorithm>

#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

class ScorecardStoreTest : public WorkStoreTest {
 protected:
  std::vector<StoredChecklist> List() {
    auto listed = store_->ListChecklists();
    EXPECT_TRUE(listed.ok()) << listed.error().message;
    return listed.ok() ? *listed : std::vector<StoredChecklist>{};
  }
  std::optional<StoredChecklist> Active() {
    auto active = store_->ActiveChecklist();
    EXPECT_TRUE(active.ok()) << active.error().message;
    return active.ok() ? *active : std::nullopt;
  }
};
INSTANTIATE_TEST_SUITE_P(Backends, ScorecardStoreTest, testing::AllBackends(),
                         testing::BackendName);

TEST_P(ScorecardStoreTest, AFreshDatabaseHasNoChecklist) {
  EXPECT_TRUE(List().empty());
  EXPECT_EQ(Active(), std::nullopt);
}

TEST_P(ScorecardStoreTest, AChecklistIsSavedAndReplacedByItsId) {
  ASSERT_TRUE(store_->SaveChecklist({"sales", "Продажи", R"({"id":"sales"})", true, kNow}).ok());
  ASSERT_TRUE(
      store_->SaveChecklist({"sales", "Продажи v2", R"({"id":"sales","v":2})", true, kNow + 1})
          .ok());
  auto listed = List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "Продажи v2");
  EXPECT_EQ(listed[0].checklist_json, R"({"id":"sales","v":2})");
  EXPECT_TRUE(listed[0].active);
  EXPECT_EQ(listed[0].updated_at_ms, kNow + 1);
}

TEST_P(ScorecardStoreTest, SavingAnActiveChecklistDeactivatesTheOthers) {
  ASSERT_TRUE(store_->SaveChecklist({"sales", "Продажи", "{}", true, kNow}).ok());
  ASSERT_TRUE(store_->SaveChecklist({"support", "Поддержка", "{}", false, kNow}).ok());
  EXPECT_EQ(Active()->id, "sales");
  ASSERT_TRUE(store_->SaveChecklist({"support", "Поддержка", "{}", true, kNow}).ok());
  EXPECT_EQ(Active()->id, "support");
  auto listed = List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "sales");
  EXPECT_FALSE(listed[0].active);
  ASSERT_TRUE(store_->SaveChecklist({"support", "Поддержка", "{}", false, kNow}).ok());
  EXPECT_EQ(Active(), std::nullopt);
}

TEST_P(ScorecardStoreTest, TheScorecardIsStoredWithTheSummaryAndReadWithTheCall) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome done = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  done.summary = Summary{"gpt-4o", R"({"summary":"x"})", "conversation", "neutral", kNow};
  done.scorecard = ScorecardRecord{"sales", 67, true, R"({"score":67})", kNow};
  ASSERT_TRUE(store_->FinishStage(done).ok());
  CallDetails found = Find(id);
  ASSERT_TRUE(found.scorecard.has_value());
  EXPECT_EQ(found.scorecard->checklist_id, "sales");
  EXPECT_EQ(found.scorecard->score, 67);
  EXPECT_TRUE(found.scorecard->critical_failed);
  EXPECT_EQ(found.scorecard->scorecard_json, R"({"score":67})");
  EXPECT_EQ(found.scorecard->created_at_ms, kNow);
}

TEST_P(ScorecardStoreTest, ASummaryAgainReplacesTheScorecardAndANullScoreStaysNull) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome first = Outcome(id, "w1", Stage::kSummarize, Stage::kSummarize);
  first.scorecard = ScorecardRecord{"sales", 10, true, "{}", kNow};
  ASSERT_TRUE(store_->FinishStage(first).ok());
  ASSERT_TRUE(Claim("w1", kNow + 100));
  StageOutcome second = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  second.scorecard = ScorecardRecord{"support", std::nullopt, false, "{\"n\":2}", kNow + 10};
  ASSERT_TRUE(store_->FinishStage(second).ok());
  CallDetails found = Find(id);
  ASSERT_TRUE(found.scorecard.has_value());
  EXPECT_EQ(found.scorecard->checklist_id, "support");
  EXPECT_EQ(found.scorecard->score, std::nullopt);
  EXPECT_FALSE(found.scorecard->critical_failed);
}

TEST_P(ScorecardStoreTest, ACallWithoutAScorecardHasNone) {
  std::int64_t id = Record("A");
  EXPECT_FALSE(Find(id).scorecard.has_value());
  auto found = store_->FindScorecard(id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(*found, std::nullopt);
}

TEST_P(ScorecardStoreTest, FindScorecardGivesTheScoreAndCriticalFlagWithoutReadingTheCall) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome done = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  done.scorecard = ScorecardRecord{"sales", 40, true, R"({"score":40})", kNow};
  ASSERT_TRUE(store_->FinishStage(done).ok());
  auto found = store_->FindScorecard(id);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->score, 40);
  EXPECT_TRUE((*found)->critical_failed);
}

TEST_P(ScorecardStoreTest, SaveScorecardReplacesOnlyTheScorecard) {
  std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome done = Outcome(id, "w1", Stage::kSummarize, Stage::kDeliver);
  done.summary = Summary{"gpt-4o", R"({"summary":"x"})", "conversation", "neutral", kNow};
  done.scorecard = ScorecardRecord{"sales", 40, true, R"({"score":40})", kNow};
  ASSERT_TRUE(store_->FinishStage(done).ok());
  const CallDetails before = Find(id);

  ASSERT_TRUE(store_->SaveScorecard(id, {"support", 90, false, R"({"score":90})", kNow + 5}).ok());
  const CallDetails after = Find(id);
  ASSERT_TRUE(after.scorecard.has_value());
  EXPECT_EQ(after.scorecard->checklist_id, "support");
  EXPECT_EQ(after.scorecard->score, 90);
  EXPECT_FALSE(after.scorecard->critical_failed);
  EXPECT_EQ(after.scorecard->created_at_ms, kNow + 5);
  EXPECT_EQ(after.call.stage, before.call.stage);
  EXPECT_EQ(after.call.updated_at_ms, before.call.updated_at_ms);
  ASSERT_TRUE(after.summary.has_value());
  EXPECT_EQ(after.summary->summary_json, before.summary->summary_json);
  EXPECT_EQ(after.stage_runs.size(), before.stage_runs.size());
}

TEST_P(ScorecardStoreTest, TheCallsListFiltersByTheAnswerToACustomQuestion) {
  const std::int64_t yes = Record("A"), no = Record("B"), unknown = Record("C"),
                     damaged = Record("D"), unscored = Record("E");
  (void)unscored;
  auto with_answers = [](std::string answers) {
    return ScorecardRecord{"sales", 50, false, R"({"answers":)" + answers + "}", kNow};
  };
  ASSERT_TRUE(store_
                  ->SaveScorecard(yes, with_answers(R"([{"id":"new_client","answer":"yes"},)"
                                                    R"({"id":"competitor","answer":"СтройБаза"}])"))
                  .ok());
  ASSERT_TRUE(
      store_->SaveScorecard(no, with_answers(R"([{"id":"new_client","answer":"no"}])")).ok());
  ASSERT_TRUE(
      store_->SaveScorecard(unknown, with_answers(R"([{"id":"new_client","answer":null}])")).ok());
  ASSERT_TRUE(store_->SaveScorecard(damaged, {"sales", 1, false, "not json", kNow}).ok());
  auto listed = [&](std::string question, std::string value) {
    auto page = store_->ListCalls({.answer_question = question, .answer_value = value});
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::int64_t> ids;
    if (page.ok()) {
      for (const CallRecord& call : page->calls) ids.push_back(call.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(listed("new_client", "yes"), std::vector<std::int64_t>{yes});
  EXPECT_EQ(listed("new_client", "no"), std::vector<std::int64_t>{no});
  EXPECT_EQ(listed("new_client", "*"), (std::vector<std::int64_t>{yes, no}));
  EXPECT_EQ(listed("competitor", "СтройБаза"), std::vector<std::int64_t>{yes});
  EXPECT_EQ(listed("competitor", "no"), std::vector<std::int64_t>{});
}

TEST_P(ScorecardStoreTest, SaveScorecardOfAnUnknownCallIsRefused) {
  auto saved = store_->SaveScorecard(424242, {"sales", 1, false, "{}", kNow});
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(saved.error().message.find("no call with id 424242"), std::string::npos)
      << saved.error().message;
}

}  // namespace
}  // namespace callbrief::store
