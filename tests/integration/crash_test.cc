// The durability guarantee of the webhook intake, tested from outside: a 200 is an event on disk.
// Many clients post while the process is killed with SIGKILL; every event that got its 200 must
// be in the database afterwards, and the restarted service must know it.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/bitrix_event.h"
#include "support/service_process.h"

namespace callbrief::testing {
namespace {

constexpr int kClients = 16;
constexpr int kKillCycles = 3;
#ifdef CALLBRIEF_TEST_SANITIZED
constexpr size_t kAcksBeforeKill = 300;  // The sanitized service is several times slower.
#else
constexpr size_t kAcksBeforeKill = 1500;
#endif
// Only guards against a hang (a service that stops answering); never reached by a passing run.
constexpr std::chrono::seconds kHangGuard{60};

// Posts unique ONVOXIMPLANTCALLEND events from `clients` keep-alive connections at once and
// remembers every CALL_ID the service acknowledged with 200. A client stops at its first
// transport error (the service is gone) or when Stop() is called.
class EventFlood {
 public:
  EventFlood(int port, std::string call_id_prefix, int clients)
      : port_(port), prefix_(std::move(call_id_prefix)), running_clients_(clients) {
    for (int i = 0; i < clients; ++i) threads_.emplace_back([this, i] { RunClient(i); });
  }
  ~EventFlood() { Stop(); }

  // Blocks until at least `count` events were acknowledged; false if every client stopped first
  // or kHangGuard passed.
  bool WaitForAcks(size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kHangGuard, [&] {
      return acked_.size() >= count || running_clients_ == 0;
    }) && acked_.size() >= count;
  }

  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::vector<std::string> Acked() const {
    std::lock_guard lock(mutex_);
    return acked_;
  }

  // How many clients stopped because a request failed without an answer.
  int interrupted() const {
    std::lock_guard lock(mutex_);
    return interrupted_;
  }

 private:
  void RunClient(int index) {
    httplib::Client client("127.0.0.1", port_);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);  // As curl does; otherwise Nagle adds ~40 ms to every request.
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(10, 0);
    client.set_write_timeout(10, 0);
    BitrixEvent event;
    for (int seq = 0; !stop_; ++seq) {
      event.call_id = prefix_ + "." + std::to_string(index) + "." + std::to_string(seq);
      httplib::Result res = PostForm(client, event);
      if (!res) {
        std::lock_guard lock(mutex_);
        ++interrupted_;
        break;
      }
      if (res->status != 200) continue;
      std::lock_guard lock(mutex_);
      acked_.push_back(event.call_id);
      changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    --running_clients_;
    changed_.notify_all();
  }

  const int port_;
  const std::string prefix_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> acked_;
  int running_clients_;
  int interrupted_ = 0;
  std::vector<std::thread> threads_;  // Last: the threads use everything above.
};

// Every CALL_ID in the calls table, read with SQLite itself rather than through the service.
std::set<std::string> StoredCallIds(const std::filesystem::path& database) {
  SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT bitrix_call_id FROM calls");
  std::set<std::string> ids;
  while (query.executeStep()) ids.insert(query.getColumn(0).getString());
  return ids;
}

std::vector<std::string> Missing(const std::vector<std::string>& wanted,
                                 const std::set<std::string>& present) {
  std::vector<std::string> missing;
  std::copy_if(wanted.begin(), wanted.end(), std::back_inserter(missing),
               [&](const std::string& id) { return !present.contains(id); });
  return missing;
}

TEST(CrashDurabilityTest, EveryAcknowledgedEventSurvivesSigkillDuringConcurrentIntake) {
  ServiceProcess service;
  ASSERT_TRUE(service.Start());
  std::vector<std::string> acked;  // Over all cycles: nothing acknowledged may ever be lost.

  for (int cycle = 1; cycle <= kKillCycles; ++cycle) {
    SCOPED_TRACE("kill cycle " + std::to_string(cycle));
    EventFlood flood(service.port(), "crash" + std::to_string(cycle), kClients);

    ASSERT_TRUE(flood.WaitForAcks(kAcksBeforeKill)) << "the service stopped acknowledging events";
    ASSERT_EQ(service.Kill(SIGKILL), KilledBy(SIGKILL));  // The clients are still posting.
    flood.Stop();
    EXPECT_GT(flood.interrupted(), 0) << "the kill must land while requests are in flight";

    std::vector<std::string> acked_now = flood.Acked();
    acked.insert(acked.end(), acked_now.begin(), acked_now.end());
    std::set<std::string> stored = StoredCallIds(service.DatabasePath());
    EXPECT_GE(stored.size(), acked.size());
    std::vector<std::string> lost = Missing(acked, stored);
    ASSERT_TRUE(lost.empty()) << lost.size() << " of " << acked.size()
                              << " acknowledged events are not in the database, e.g. "
                              << lost.front();

    ASSERT_TRUE(service.Restart());
    auto client = service.Client();
    BitrixEvent last_acked;
    last_acked.call_id = acked_now.back();
    auto again = PostForm(client, last_acked);
    ASSERT_TRUE(again) << httplib::to_string(again.error());
    EXPECT_EQ(again->status, 200);
    EXPECT_EQ(nlohmann::json::parse(again->body, nullptr, false)["duplicate"], true) << again->body;
  }
}

}  // namespace
}  // namespace callbrief::testing
