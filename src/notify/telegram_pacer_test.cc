#include "notify/telegram_pacer.h"
#include "testing/manual_clock.h"

#include <gtest/gtest.h>

namespace callbrief::notify {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::ManualClock;

TEST(TelegramPacerTest, OneMessageASecondPerChat) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock);
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(1000));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(2000));
  EXPECT_EQ(*pacer.Reserve("43"), milliseconds(0)) << "another chat has its own budget";
  clock.Advance(seconds(10));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
}

TEST(TelegramPacerTest, AtMostTwentyAMinuteToAGroupAndNoLongWaits) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, {.max_wait = seconds(120)});
  for (int i = 0; i < 20; ++i) {
    auto wait = pacer.Reserve("-1001");
    ASSERT_TRUE(wait.ok());
    EXPECT_EQ(*wait, milliseconds(i * 1000));
  }
  // The 21st waits until the first has left the one-minute window.
  EXPECT_EQ(*pacer.Reserve("-1001"), milliseconds(60000));

  TelegramPacer impatient(clock);  // max_wait 10 s.
  for (int i = 0; i < 11; ++i) ASSERT_TRUE(impatient.Reserve("-5").ok());
  auto refused = impatient.Reserve("-5");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(refused.error().retry_after, milliseconds(11000));
  clock.Advance(seconds(11));
  EXPECT_TRUE(impatient.Reserve("-5").ok()) << "a refusal reserved nothing";
}

TEST(TelegramPacerTest, TheNextSlotCountsFromTheAnswerOfTheLastSend) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock);
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
  clock.Advance(milliseconds(700));  // The answer came 0.7 s later.
  pacer.Sent("42");
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(1000));
}

TEST(TelegramPacerTest, A429HoldsTheChat) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, {.max_wait = seconds(60)});
  pacer.Hold("-7", seconds(30));
  EXPECT_EQ(*pacer.Reserve("-7"), milliseconds(30000));
}

TEST(TelegramPacerTest, GroupsAreNegativeIdsAndChannelNames) {
  EXPECT_TRUE(TelegramPacer::IsGroup("-1001234567890"));
  EXPECT_TRUE(TelegramPacer::IsGroup("@calls"));
  EXPECT_FALSE(TelegramPacer::IsGroup("123456"));
}

}  // namespace
}  // namespace callbrief::notify
