#include "store/group_commit.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/test_support.h"

namespace callbrief::store {
namespace {

using testing::MakeCall;

// A store that records batch sizes, can block its first batch, and can fail chosen calls.
class RecordingStore final : public CallIntake {
 public:
  std::mutex mutex;
  std::vector<std::size_t> batch_sizes;
  std::string poison_call_id;
  std::atomic<bool> hold_first{false};
  std::atomic<bool> first_entered{false};

  core::Result<std::vector<RecordedCall>> RecordIncomingCalls(
      std::span<const IncomingCall> calls) override {
    if (hold_first.load()) {
      first_entered = true;
      while (hold_first.load()) std::this_thread::yield();
    }
    std::lock_guard lock(mutex);
    batch_sizes.push_back(calls.size());
    std::vector<RecordedCall> out;
    for (const auto& c : calls) {
      if (c.bitrix_call_id == poison_call_id) return core::Error::Permanent("poison");
      out.push_back({next_id_++, IntakeOutcome::kCreated});
    }
    return out;
  }

 private:
  std::int64_t next_id_ = 1;
};

TEST(GroupCommitterTest, ASingleCallIsCommittedAtOnceWithoutWaitingForCompany) {
  RecordingStore store;
  GroupCommitter committer(store);
  auto result = committer.Submit(MakeCall("one")).get();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(store.batch_sizes, std::vector<std::size_t>{1});
}

TEST(GroupCommitterTest, CallsQueuedDuringACommitShareTheNextTransaction) {
  RecordingStore store;
  store.hold_first = true;
  GroupCommitter committer(store);
  auto first = committer.Submit(MakeCall("first"));
  while (!store.first_entered.load()) std::this_thread::yield();
  std::vector<std::future<core::Result<RecordedCall>>> rest;
  for (int i = 0; i < 10; ++i) rest.push_back(committer.Submit(MakeCall("c" + std::to_string(i))));
  store.hold_first = false;
  EXPECT_TRUE(first.get().ok());
  for (auto& f : rest) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(store.batch_sizes, (std::vector<std::size_t>{1, 10}));
  EXPECT_EQ(committer.stats().largest_batch, 10u);
}

TEST(GroupCommitterTest, BatchesNeverExceedTheLimit) {
  RecordingStore store;
  store.hold_first = true;
  GroupCommitter committer(store, /*max_batch=*/4);
  auto first = committer.Submit(MakeCall("first"));
  while (!store.first_entered.load()) std::this_thread::yield();
  std::vector<std::future<core::Result<RecordedCall>>> rest;
  for (int i = 0; i < 10; ++i) rest.push_back(committer.Submit(MakeCall("c" + std::to_string(i))));
  store.hold_first = false;
  for (auto& f : rest) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(store.batch_sizes, (std::vector<std::size_t>{1, 4, 4, 2}));
}

TEST(GroupCommitterTest, OneFailingCallDoesNotFailItsBatch) {
  RecordingStore store;
  store.hold_first = true;
  store.poison_call_id = "bad";
  GroupCommitter committer(store);
  auto first = committer.Submit(MakeCall("first"));
  while (!store.first_entered.load()) std::this_thread::yield();
  auto good1 = committer.Submit(MakeCall("good1"));
  auto bad = committer.Submit(MakeCall("bad"));
  auto good2 = committer.Submit(MakeCall("good2"));
  store.hold_first = false;
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(good1.get().ok());
  auto bad_result = bad.get();
  ASSERT_FALSE(bad_result.ok());
  EXPECT_EQ(bad_result.error().message, "poison");
  EXPECT_TRUE(good2.get().ok());
}

TEST(GroupCommitterTest, EveryConcurrentCallIsDurableInTheRealStore) {
  testing::TempDir dir;
  auto store = OpenSqliteStore({.path = dir.File("g.db")});
  ASSERT_TRUE(store.ok());
  constexpr int kThreads = 8, kPerThread = 50;
  {
    GroupCommitter committer(**store);
    std::vector<std::thread> threads;
    std::atomic<int> created{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Every call twice: the second must be reported as a duplicate.
          std::string id = "T" + std::to_string(t) + "." + std::to_string(i);
          auto a = committer.Submit(MakeCall(id)).get();
          auto b = committer.Submit(MakeCall(id)).get();
          if (a.ok() && a->outcome == IntakeOutcome::kCreated && b.ok() &&
              b->outcome == IntakeOutcome::kDuplicate && a->id == b->id) {
            ++created;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), kThreads * kPerThread);
  }
  auto counts = (*store)->CountByStage();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[0].second, kThreads * kPerThread);
}

}  // namespace
}  // namespace callbrief::store
