#include "pipeline/rescore.h"

#include <gtest/gtest.h>

namespace callbrief::pipeline {
namespace {

store::CallDetails Summarized(std::string model) {
  store::CallDetails call;
  call.segments = {{0, 0, 1000, "manager", "Здравствуйте"}};
  call.summary = store::Summary{.model = std::move(model),
                                .summary_json = "{}",
                                .call_kind = "conversation",
                                .sentiment = "neutral",
                                .created_at_ms = 0};
  return call;
}

TEST(WhyNotScorable, ACallSummarizedByAModelCanBeScored) {
  EXPECT_EQ(WhyNotScorable(Summarized("gpt-4o")), "");
}

TEST(WhyNotScorable, ACallNotSummarizedYetIsLeftToTheSummarizeStage) {
  store::CallDetails call = Summarized("gpt-4o");
  call.summary.reset();
  EXPECT_EQ(WhyNotScorable(call),
            "the call has no summary yet: it is scored when it is summarized");
}

TEST(WhyNotScorable, ACallWithoutAConversationHasNothingToScore) {
  EXPECT_EQ(WhyNotScorable(Summarized("rules")),
            "the call had no conversation to score (its summary was decided by rules)");
  store::CallDetails no_transcript = Summarized("gpt-4o");
  no_transcript.segments.clear();
  EXPECT_EQ(WhyNotScorable(no_transcript), "the call has no stored transcript to score");
}

}  // namespace
}  // namespace callbrief::pipeline
