#include "store/call.h"

#include <vector>

#include <gtest/gtest.h>

namespace callbrief::store {
namespace {

TEST(StageTest, NamesRoundTrip) {
  for (Stage s : AllStages()) EXPECT_EQ(StageFromName(StageName(s)), s);
  EXPECT_FALSE(StageFromName("finished").has_value());
}

// AllStages is what the store's claim is derived from: a stage missing from it would never be
// claimed. The enum is walked by value, so a stage added to the enum only fails here.
TEST(StageTest, AllStagesListsEveryValueOfTheEnumOnceInOrder) {
  std::vector<Stage> by_value;
  for (int i = static_cast<int>(Stage::kReceived); i <= static_cast<int>(Stage::kFailed); ++i) {
    by_value.push_back(static_cast<Stage>(i));
  }
  const std::span<const Stage> all = AllStages();
  EXPECT_EQ(std::vector<Stage>(all.begin(), all.end()), by_value);
}

TEST(StageTest, OnlyDoneSkippedAndFailedAreTerminal) {
  EXPECT_TRUE(IsTerminal(Stage::kDone));
  EXPECT_TRUE(IsTerminal(Stage::kSkipped));
  EXPECT_TRUE(IsTerminal(Stage::kFailed));
  EXPECT_FALSE(IsTerminal(Stage::kReceived));
  EXPECT_FALSE(IsTerminal(Stage::kDeliver));
}

TEST(CallSourceTest, NamesRoundTripAndAnUnknownNameIsNone) {
  for (CallSource s :
       {CallSource::kWebhook, CallSource::kReconcile, CallSource::kBackfill, CallSource::kManual}) {
    EXPECT_EQ(CallSourceFromName(CallSourceName(s)), s);
  }
  EXPECT_FALSE(CallSourceFromName("import").has_value());
}

TEST(DirectionTest, NamesRoundTrip) {
  for (Direction d : {Direction::kIncoming, Direction::kOutgoing, Direction::kUnknown}) {
    EXPECT_EQ(DirectionFromName(DirectionName(d)), d);
  }
}

}  // namespace
}  // namespace callbrief::store
