// The real `callbrief` on PostgreSQL: `serve` migrates an empty database, takes a webhook and
// lists the call; `migrate` and `doctor` work on a postgresql:// URL without showing its password;
// and two stores on one database — two instances — never claim the same call.
//
// Each test gets a fresh database on a throwaway PostgreSQL cluster that this test process starts
// (src/store/pg_test_cluster.h). Without PostgreSQL the tests are skipped locally and fail on CI.

#include <barrier>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/call_store.h"
#include "store/pg_test_cluster.h"
#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

using nlohmann::json;
using store::testing::PgTestDatabase;

class PostgresServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CALLBRIEF_REQUIRE_PG_CLUSTER();
    auto db = PgTestDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
  }

  std::unique_ptr<PgTestDatabase> db_;
};

TEST_F(PostgresServiceTest, ServeMigratesAnEmptyDatabaseTakesAWebhookAndListsTheCall) {
  ServiceProcess service({{"DATABASE_URL", db_->url()}});
  ASSERT_TRUE(service.Start());
  auto client = service.Client();
  BitrixEvent event;

  auto res = PostForm(client, event);

  ASSERT_TRUE(res) << service.Log();
  ASSERT_EQ(res->status, 200) << res->body << service.Log();
  EXPECT_EQ(json::parse(res->body)["duplicate"], false);
  auto list = client.Get("/api/calls?limit=50");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  std::vector<std::string> listed;
  json page = json::parse(list->body);
  for (const json& call : page["calls"]) {
    listed.push_back(call.value("bitrix_call_id", ""));
  }
  EXPECT_EQ(listed, std::vector<std::string>{event.call_id}) << list->body;
  auto again = PostForm(client, event);
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["duplicate"], true);
  // The schema is in place: a store that refuses to migrate opens it.
  EXPECT_TRUE(store::OpenStore(db_->url(), /*migrate=*/false).ok());
  EXPECT_EQ(service.Log().find(db_->cluster().password), std::string::npos) << service.Log();
}

TEST_F(PostgresServiceTest, MigrateThenDoctorReportTheDatabaseWithoutItsPassword) {
  ServiceProcess service({{"DATABASE_URL", db_->url()}});

  ASSERT_EQ(service.RunToExit({"migrate"}), ExitedWith(0)) << service.Log();
  service.RunToExit({"doctor"});  // Fails overall: no Bitrix24 or OpenAI is configured here.

  bool database_ok = false;
  for (const std::string& line : SplitLines(service.Stdout())) {
    if (line.find("Database:") != std::string::npos) {
      database_ok = line.find("opens and answers") != std::string::npos;
    }
  }
  EXPECT_TRUE(database_ok) << service.Log();
  EXPECT_NE(service.Stdout().find("postgresql://postgres:***@127.0.0.1"), std::string::npos)
      << service.Log();
  EXPECT_EQ(service.Log().find(db_->cluster().password), std::string::npos) << service.Log();
}

TEST_F(PostgresServiceTest, TwoInstancesOnOneDatabaseNeverClaimTheSameCall) {
  constexpr int kCalls = 300;
  constexpr int kThreadsPerStore = 3;
  constexpr std::int64_t kNow = 1'800'000'000'000;
  auto first = store::OpenStore(db_->url(), true);
  auto second = store::OpenStore(db_->url(), true);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(second.ok()) << second.error().message;
  std::vector<store::IncomingCall> calls;
  for (int i = 0; i < kCalls; ++i) {
    store::IncomingCall call;
    call.bitrix_call_id = "C." + std::to_string(i);
    call.started_at_ms = kNow - 100'000;
    call.received_at_ms = kNow - 100'000 + i;
    calls.push_back(std::move(call));
  }
  ASSERT_TRUE((*first)->RecordIncomingCalls(calls).ok());

  // In each round every worker of both instances claims once, all at the same moment; leases
  // outlive the test, so a call claimed twice would be a call run twice.
  constexpr int kWorkers = 2 * kThreadsPerStore;
  constexpr int kRounds = kCalls / kWorkers;
  std::vector<std::vector<std::int64_t>> claimed(kWorkers);
  std::vector<std::string> errors(kWorkers);
  std::barrier round(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    store::CallStore& store = w % 2 == 0 ? **first : **second;
    threads.emplace_back([&, w] {
      std::string owner = "instance" + std::to_string(w % 2) + "-worker" + std::to_string(w);
      for (int r = 0; r < kRounds; ++r) {
        round.arrive_and_wait();
        auto call = store.ClaimDueCall(owner, kNow, 600'000, {});
        if (!call.ok()) {
          errors[w] = call.error().message;
        } else if (call->has_value()) {
          claimed[w].push_back((*call)->id);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (const std::string& error : errors) EXPECT_EQ(error, "");
  std::multiset<std::int64_t> all;
  for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size())
      << "some call was claimed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kCalls));
  for (int w = 0; w < kWorkers; ++w) {
    EXPECT_EQ(claimed[w].size(), static_cast<size_t>(kRounds)) << "worker " << w;
  }
  EXPECT_FALSE(*(*first)->ClaimDueCall("late", kNow, 600'000, {}));
  EXPECT_FALSE(*(*second)->ClaimDueCall("late", kNow, 600'000, {}));
}

}  // namespace
}  // namespace callbrief::testing
