// CallStore::UpdatePacing: the Telegram send slots every instance on one database shares.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "store/call_store.h"
#include "store/store_test_backends.h"

namespace callbrief::store {
namespace {

using testing::Backend;

class PacingStoreTest : public testing::StoreTest {
 protected:
  // The slots of `key` as the next update sees them (changing nothing).
  PacingSlots Peek(std::string_view key) {
    PacingSlots seen;
    auto peeked = store_->UpdatePacing(key, 0, [&](PacingSlots& slots, std::int64_t) {
      seen = slots;
      return core::Result<std::int64_t>(0);
    });
    EXPECT_TRUE(peeked.ok()) << peeked.error().message;
    return seen;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, PacingStoreTest, testing::AllBackends(), testing::BackendName);

TEST_P(PacingStoreTest, AChatNeverPacedStartsWithNoSlotsTaken) {
  const PacingSlots slots = Peek("-1001234567890");
  EXPECT_EQ(slots.next_free_ms, 0);
  EXPECT_TRUE(slots.recent_ms.empty());
}

TEST_P(PacingStoreTest, WhatAnUpdateLeavesIsWhatTheNextOneSeesAndItsAnswerComesBack) {
  auto answer = store_->UpdatePacing("-100777", 5'000, [](PacingSlots& slots, std::int64_t) {
    slots.next_free_ms = 6'000;
    slots.recent_ms = {4'000, 5'000};
    return core::Result<std::int64_t>(250);
  });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(*answer, 250);

  const PacingSlots slots = Peek("-100777");
  EXPECT_EQ(slots.next_free_ms, 6'000);
  EXPECT_EQ(slots.recent_ms, (std::vector<std::int64_t>{4'000, 5'000}));
  EXPECT_EQ(Peek("@other_channel").next_free_ms, 0) << "each chat has slots of its own";
}

TEST_P(PacingStoreTest, AnUpdateThatFailsStoresNothing) {
  auto failed = store_->UpdatePacing("42", 0, [](PacingSlots& slots, std::int64_t) {
    slots.next_free_ms = 99'000;
    return core::Result<std::int64_t>(core::Error::RateLimited("no free slot", {}));
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(Peek("42").next_free_ms, 0);
}

// Instances whose clocks disagree must still agree on the slots: PostgreSQL gives the database's
// time; SQLite (one host) the caller's.
TEST_P(PacingStoreTest, NowIsTheDatabasesClockOnPostgresAndTheCallersOnSqlite) {
  std::int64_t seen_now = -1;
  const std::int64_t callers_now = 1'000;  // An instance whose clock is far behind.
  ASSERT_TRUE(store_
                  ->UpdatePacing("7", callers_now,
                                 [&](PacingSlots&, std::int64_t now) {
                                   seen_now = now;
                                   return core::Result<std::int64_t>(0);
                                 })
                  .ok());
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(seen_now, callers_now);
  } else {
    const std::int64_t system_now = core::ToUnixMillis(core::SystemClock::Instance().Now());
    EXPECT_NEAR(static_cast<double>(seen_now), static_cast<double>(system_now), 60'000.0);
  }
}

// Two instances (two stores on one database), several threads each, every update adding one:
// none is lost, because each update holds the chat's row until it commits.
TEST_P(PacingStoreTest, ConcurrentUpdatesFromTwoInstancesTakeTurns) {
  auto second = OpenAgain();
  ASSERT_TRUE(second.ok()) << second.error().message;
  constexpr int kThreadsPerInstance = 3;
  constexpr int kUpdatesPerThread = 20;
  std::vector<std::jthread> threads;
  std::atomic<int> failures = 0;
  for (CallStore* instance : {store_.get(), second->get()}) {
    for (int t = 0; t < kThreadsPerInstance; ++t) {
      threads.emplace_back([instance, &failures] {
        for (int i = 0; i < kUpdatesPerThread; ++i) {
          auto added = instance->UpdatePacing("-100555", 0, [](PacingSlots& slots, std::int64_t) {
            slots.next_free_ms += 1;
            return core::Result<std::int64_t>(slots.next_free_ms);
          });
          // SQLite may answer "busy" to the second process's writer: a transient error the pacer
          // turns into a retry later. Such an update changed nothing, so it is not counted.
          if (!added.ok()) ++failures;
        }
      });
    }
  }
  threads.clear();  // Joins.
  EXPECT_EQ(Peek("-100555").next_free_ms, 2 * kThreadsPerInstance * kUpdatesPerThread - failures)
      << failures << " updates failed";
  if (GetParam() == Backend::kPostgres) {
    EXPECT_EQ(failures, 0);
  }
}

}  // namespace
}  // namespace callbrief::store
