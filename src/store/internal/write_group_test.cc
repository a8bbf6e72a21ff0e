// The group commit of SQLite's writes: who leads a batch, what a batch holds, and what each unit
// of a shared transaction keeps when another fails.
#include "store/internal/write_group.h"

#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/internal/sqlite_driver.h"

namespace callbrief::store::internal {
namespace {

using core::Status;
using Work = std::function<Status(Connection&)>;

// A connection that is never used: the fake commits below call the works with it.
class NoConnection final : public Connection {
 public:
  core::Result<Rows> Exec(std::string_view, const Params&) override { return Rows(); }
  Status Script(std::string_view) override { return core::Ok(); }
};

// Records every batch (its size and the thread that ran it); runs each unit's work. While
// `hold` is set, the batch running waits until it is released.
struct RecordingCommit {
  std::mutex mutex;
  std::vector<size_t> sizes;
  std::vector<std::thread::id> threads;
  std::shared_future<void> hold;

  WriteGroup::Commit Fn() {
    return [this](std::span<WriteUnit* const> batch) {
      {
        std::lock_guard lock(mutex);
        sizes.push_back(batch.size());
        threads.push_back(std::this_thread::get_id());
      }
      if (hold.valid()) hold.wait();
      NoConnection c;
      for (WriteUnit* unit : batch) unit->status = (*unit->work)(c);
    };
  }
};

Work Succeeds() {
  return [](Connection&) -> Status { return core::Ok(); };
}

void WaitUntilQueued(const WriteGroup& group, size_t n) {
  while (group.queued() < n) std::this_thread::yield();
}

TEST(WriteGroupTest, AUnitAloneRunsAtOnceOnItsCallersThread) {
  RecordingCommit commit;
  WriteGroup group(commit.Fn());
  const Work work = Succeeds();
  EXPECT_TRUE(group.Submit(Access::kWrite, work).ok());
  ASSERT_EQ(commit.sizes, std::vector<size_t>{1});
  EXPECT_EQ(commit.threads[0], std::this_thread::get_id());
}

TEST(WriteGroupTest, UnitsSubmittedWhileABatchRunsShareTheNextBatch) {
  RecordingCommit commit;
  std::promise<void> release;
  commit.hold = release.get_future().share();
  WriteGroup group(commit.Fn());
  const Work work = Succeeds();
  std::vector<std::future<Status>> outcomes;
  outcomes.push_back(
      std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, work); }));
  while (group.stats().batches == 0) std::this_thread::yield();  // The first batch is running.
  for (int i = 0; i < 5; ++i) {
    outcomes.push_back(
        std::async(std::launch::async, [&] { return group.Submit(Access::kTransaction, work); }));
  }
  WaitUntilQueued(group, 5);
  release.set_value();
  for (auto& outcome : outcomes) EXPECT_TRUE(outcome.get().ok());
  EXPECT_EQ(commit.sizes, (std::vector<size_t>{1, 5}));
  EXPECT_EQ(group.stats().batches, 2u);
  EXPECT_EQ(group.stats().units, 6u);
  EXPECT_EQ(group.stats().largest_batch, 5u);
}

TEST(WriteGroupTest, ABatchHoldsAtMostMaxBatchUnitsAndTheRestLeadTheirOwn) {
  RecordingCommit commit;
  std::promise<void> release;
  commit.hold = release.get_future().share();
  WriteGroup group(commit.Fn(), /*max_batch=*/2);
  const Work work = Succeeds();
  std::vector<std::future<Status>> outcomes;
  outcomes.push_back(
      std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, work); }));
  while (group.stats().batches == 0) std::this_thread::yield();
  for (int i = 0; i < 5; ++i) {
    outcomes.push_back(
        std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, work); }));
  }
  WaitUntilQueued(group, 5);
  release.set_value();
  for (auto& outcome : outcomes) EXPECT_TRUE(outcome.get().ok());
  EXPECT_EQ(commit.sizes, (std::vector<size_t>{1, 2, 2, 1}));
}

TEST(WriteGroupTest, EachUnitAnswersItsOwnOutcome) {
  RecordingCommit commit;
  std::promise<void> release;
  commit.hold = release.get_future().share();
  WriteGroup group(commit.Fn());
  const Work work = Succeeds();
  const Work refused = [](Connection&) -> Status { return core::Error::Permanent("refused"); };
  auto first = std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, work); });
  while (group.stats().batches == 0) std::this_thread::yield();
  auto good = std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, work); });
  WaitUntilQueued(group, 1);
  auto bad = std::async(std::launch::async, [&] { return group.Submit(Access::kWrite, refused); });
  WaitUntilQueued(group, 2);
  release.set_value();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(good.get().ok());
  Status failed = bad.get();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "refused");
  EXPECT_EQ(commit.sizes, (std::vector<size_t>{1, 2}));
}

// RunInOneTransaction on a real SQLite file: table t (k TEXT PRIMARY KEY).
class OneTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("write-group-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto db = OpenSqliteDatabase((dir_ / "t.db").string(), 1);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(
        Write([](Connection& c) { return c.Script("CREATE TABLE t (k TEXT PRIMARY KEY)"); }).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  Status Write(const Work& work) { return db_->Run(Access::kWrite, "writing", work); }

  // Runs `units` as one batch on the writer connection.
  void RunBatch(std::vector<WriteUnit>& units) {
    std::vector<WriteUnit*> batch;
    for (WriteUnit& unit : units) batch.push_back(&unit);
    ASSERT_TRUE(Write([&](Connection& c) -> Status {
                  RunInOneTransaction(c, "BEGIN IMMEDIATE", batch);
                  return core::Ok();
                }).ok());
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> keys;
    auto rows = db_->Run(Access::kRead, "reading",
                         [](Connection& c) { return c.Exec("SELECT k FROM t ORDER BY k"); });
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      for (int i = 0; i < rows->size(); ++i) keys.push_back(rows->Text(i, 0));
    }
    return keys;
  }

  static Work Insert(std::vector<std::string> keys) {
    return [keys](Connection& c) -> Status {
      for (const std::string& k : keys) {
        STORE_RETURN_IF_ERROR(c.Exec("INSERT INTO t (k) VALUES ($1)", Params(k)));
      }
      return core::Ok();
    };
  }

  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(OneTransactionTest, AFailingTransactionUnitIsUndoneAloneAndTheOthersCommit) {
  const Work a = Insert({"a"}), b_then_a = Insert({"b", "a"}), c = Insert({"c"});
  std::vector<WriteUnit> units{{.access = Access::kTransaction, .work = &a},
                               {.access = Access::kTransaction, .work = &b_then_a},
                               {.access = Access::kTransaction, .work = &c}};
  RunBatch(units);
  EXPECT_TRUE(units[0].status.ok());
  EXPECT_FALSE(units[1].status.ok());  // "a" is taken: b goes with it.
  EXPECT_TRUE(units[2].status.ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a", "c"}));
}

TEST_F(OneTransactionTest, AFailingLeaseUnitIsUndoneAloneLikeATransaction) {
  const Work a = Insert({"a"}), b_then_a = Insert({"b", "a"});
  std::vector<WriteUnit> units{{.access = Access::kUnsynced, .work = &a},
                               {.access = Access::kUnsynced, .work = &b_then_a}};
  RunBatch(units);
  EXPECT_TRUE(units[0].status.ok());
  EXPECT_FALSE(units[1].status.ok());
  EXPECT_EQ(Keys(), std::vector<std::string>{"a"});
}

TEST_F(OneTransactionTest, AFailingWriteUnitKeepsTheStatementsBeforeTheOneThatFailed) {
  const Work a = Insert({"a"}), b_then_a = Insert({"b", "a", "z"});
  std::vector<WriteUnit> units{{.access = Access::kWrite, .work = &a},
                               {.access = Access::kWrite, .work = &b_then_a}};
  RunBatch(units);
  EXPECT_TRUE(units[0].status.ok());
  EXPECT_FALSE(units[1].status.ok());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"a", "b"}));  // As each statement on its own.
}

TEST_F(OneTransactionTest, ABatchOfOneRunsAsItWouldAlone) {
  const Work a_then_a = Insert({"a", "a"});
  std::vector<WriteUnit> all_or_nothing{{.access = Access::kTransaction, .work = &a_then_a}};
  RunBatch(all_or_nothing);
  EXPECT_FALSE(all_or_nothing[0].status.ok());
  EXPECT_TRUE(Keys().empty());
  std::vector<WriteUnit> each_on_its_own{{.access = Access::kWrite, .work = &a_then_a}};
  RunBatch(each_on_its_own);
  EXPECT_FALSE(each_on_its_own[0].status.ok());
  EXPECT_EQ(Keys(), std::vector<std::string>{"a"});
}

TEST_F(OneTransactionTest, WhenTheTransactionIsLostEveryUnitItHeldFailsAndTheRestRunAnew) {
  const Work a = Insert({"a"}), c = Insert({"c"});
  // Ends the shared transaction under the batch, as the database does after a full disk.
  const Work lose = [](Connection& conn) -> Status {
    STORE_RETURN_IF_ERROR(conn.Exec("ROLLBACK"));
    return core::Error::Transient("disk full");
  };
  std::vector<WriteUnit> units{{.access = Access::kTransaction, .work = &a},
                               {.access = Access::kTransaction, .work = &lose},
                               {.access = Access::kTransaction, .work = &c}};
  RunBatch(units);
  ASSERT_FALSE(units[0].status.ok());
  EXPECT_EQ(units[0].status.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(units[0].status.error().message.find("lost"), std::string::npos);
  ASSERT_FALSE(units[1].status.ok());
  EXPECT_EQ(units[1].status.error().message, "disk full");
  EXPECT_TRUE(units[2].status.ok());
  EXPECT_EQ(Keys(), std::vector<std::string>{"c"});
}

TEST_F(OneTransactionTest, ConcurrentWritersAllCommitAndOneThatFailsFailsAlone) {
  std::vector<std::future<Status>> outcomes;
  for (int i = 0; i < 40; ++i) {
    outcomes.push_back(std::async(std::launch::async, [this, i] {
      const Work work = i == 7 ? Insert({"k7", "k7"}) : Insert({"k" + std::to_string(i)});
      return db_->Run(Access::kTransaction, "writing", work);
    }));
  }
  for (int i = 0; i < 40; ++i) EXPECT_EQ(outcomes[static_cast<size_t>(i)].get().ok(), i != 7) << i;
  EXPECT_EQ(Keys().size(), 39u);
}

}  // namespace
}  // namespace callbrief::store::internal
