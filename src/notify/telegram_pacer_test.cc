#include "notify/telegram_pacer.h"
#include "testing/manual_clock.h"

#include <gtest/gtest.h>

namespace callbrief::notify {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::ManualClock;

// Telegram's limits to the millisecond, so the arithmetic shows.
constexpr PacerLimits kExact{.margin = milliseconds(0)};

TEST(TelegramPacerTest, OneMessageASecondPerChat) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, kExact);
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(1000));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(2000));
  EXPECT_EQ(*pacer.Reserve("43"), milliseconds(0)) << "another chat has its own budget";
  clock.Advance(seconds(10));
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
}

TEST(TelegramPacerTest, AtMostTwentyAMinuteToAGroupAndNoLongWaits) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, {.max_wait = seconds(120), .margin = milliseconds(0)});
  for (int i = 0; i < 20; ++i) {
    auto wait = pacer.Reserve("-1001");
    ASSERT_TRUE(wait.ok());
    EXPECT_EQ(*wait, milliseconds(i * 1000));
  }
  // The 21st waits until the first has left the one-minute window.
  EXPECT_EQ(*pacer.Reserve("-1001"), milliseconds(60000));

  TelegramPacer impatient(clock, kExact);  // max_wait 10 s.
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
  TelegramPacer pacer(clock, kExact);
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(0));
  clock.Advance(milliseconds(700));  // The answer came 0.7 s later.
  ASSERT_TRUE(pacer.Sent("42").ok());
  EXPECT_EQ(*pacer.Reserve("42"), milliseconds(1000));
}

TEST(TelegramPacerTest, A429HoldsTheChat) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, {.max_wait = seconds(60)});
  ASSERT_TRUE(pacer.Hold("-7", seconds(30)).ok());
  EXPECT_EQ(*pacer.Reserve("-7"), milliseconds(30000));
}

// A second request sent a second after the first may arrive sooner than a second after it, when
// the first took longer on its way: slots keep a margin over Telegram's limits.
TEST(TelegramPacerTest, SlotsKeepAMarginOverTelegramsLimits) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  TelegramPacer pacer(clock, {.max_wait = seconds(120)});  // The default margin, 100 ms.
  EXPECT_EQ(*pacer.Reserve("-1001"), milliseconds(0));
  EXPECT_EQ(*pacer.Reserve("-1001"), milliseconds(1100));
  for (int i = 2; i < 20; ++i) ASSERT_TRUE(pacer.Reserve("-1001").ok());
  EXPECT_EQ(*pacer.Reserve("-1001"), milliseconds(60100)) << "the group window, 60 s + 0.1 s";
}

// Two instances with one bot: each has a pacer of its own, both keep their slots in one ledger (on
// PostgreSQL the database, app/shared_pacing.h), so together they send as one.
TEST(TelegramPacerTest, PacersSharingALedgerShareOneBudget) {
  ManualClock clock{core::FromUnixMillis(1764000000000)};
  auto ledger = std::make_shared<InProcessPacingLedger>(clock);
  constexpr PacerLimits kPatient{.max_wait = seconds(120), .margin = milliseconds(0)};
  TelegramPacer first(ledger, kPatient);
  TelegramPacer second(ledger, kPatient);
  EXPECT_EQ(*first.Reserve("-1001"), milliseconds(0));
  EXPECT_EQ(*second.Reserve("-1001"), milliseconds(1000));
  EXPECT_EQ(*first.Reserve("-1001"), milliseconds(2000));
  for (int i = 3; i < 20; ++i) ASSERT_TRUE((i % 2 ? second : first).Reserve("-1001").ok());
  EXPECT_EQ(*second.Reserve("-1001"), milliseconds(60000)) << "the group's 21st in a minute";
  ASSERT_TRUE(first.Hold("-1001", seconds(90)).ok());
  EXPECT_EQ(*second.Reserve("-1001"), milliseconds(90000)) << "a 429 one saw holds both";
}

// A ledger that fails (the shared database does not answer): the reservation fails with its
// error, so the call is retried later rather than sent unpaced.
TEST(TelegramPacerTest, ALedgerErrorIsTheReservationsError) {
  class UnreachableLedger final : public PacingLedger {
   public:
    core::Result<milliseconds> Update(const std::string&,
                                      const PacingLedger::SlotsUpdate&) override {
      return core::Error::Transient("database unreachable");
    }
  };
  TelegramPacer pacer(std::make_shared<UnreachableLedger>());
  auto reserved = pacer.Reserve("-1001");
  ASSERT_FALSE(reserved.ok());
  EXPECT_EQ(reserved.error().kind, core::ErrorKind::kTransient);
  EXPECT_FALSE(pacer.Sent("-1001").ok());
}

TEST(TelegramPacerTest, GroupsAreNegativeIdsAndChannelNames) {
  EXPECT_TRUE(TelegramPacer::IsGroup("-1001234567890"));
  EXPECT_TRUE(TelegramPacer::IsGroup("@calls"));
  EXPECT_FALSE(TelegramPacer::IsGroup("123456"));
}

}  // namespace
}  // namespace callbrief::notify
