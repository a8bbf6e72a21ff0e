#include "store/call.h"

#include <gtest/gtest.h>

namespace callbrief::store {
namespace {

TEST(StageTest, NamesRoundTrip) {
  for (Stage s :
       {Stage::kReceived, Stage::kResolve, Stage::kDownload, Stage::kPrepare, Stage::kTranscribe,
        Stage::kSummarize, Stage::kDeliver, Stage::kDone, Stage::kSkipped, Stage::kFailed}) {
    EXPECT_EQ(StageFromName(StageName(s)), s);
  }
  EXPECT_FALSE(StageFromName("finished").has_value());
}

TEST(StageTest, OnlyDoneSkippedAndFailedAreTerminal) {
  EXPECT_TRUE(IsTerminal(Stage::kDone));
  EXPECT_TRUE(IsTerminal(Stage::kSkipped));
  EXPECT_TRUE(IsTerminal(Stage::kFailed));
  EXPECT_FALSE(IsTerminal(Stage::kReceived));
  EXPECT_FALSE(IsTerminal(Stage::kDeliver));
}

TEST(DirectionTest, NamesRoundTrip) {
  for (Direction d : {Direction::kIncoming, Direction::kOutgoing, Direction::kUnknown}) {
    EXPECT_EQ(DirectionFromName(DirectionName(d)), d);
  }
}

}  // namespace
}  // namespace callbrief::store
