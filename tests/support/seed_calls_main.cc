// seed-calls: fills a callbrief database with realistic processed calls, through the store's own
// interface. For the browser tests, screenshots and the Calls list benchmark.
//
//   seed-calls --database sqlite://data/callbrief.db --data-dir data            demo calls + 40
//   seed-calls --database sqlite:///tmp/bench.db --no-demo --random 1000 --days 365 --copies 99
//   seed-calls … --tracker "Отказ=отменить заказ;не надо"    a tracker saved before the calls
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "core/clock.h"
#include "store/call_store.h"
#include "store/sqlite_store.h"
#include "support/call_seeder.h"
#include "support/demo_calls.h"
#include "support/replicate_calls.h"

using namespace callbrief;

int main(int argc, char** argv) {
  CLI::App app("Fill a callbrief database with realistic calls");
  std::string database;
  std::string data_dir = "data";
  bool no_demo = false;
  int random_count = 40;
  int days = 30;
  unsigned seed = 1;
  int wave = 1000;
  int copies = 0;
  app.add_option("--database", database, "DATABASE_URL, e.g. sqlite://data/callbrief.db")
      ->required();
  app.add_option("--data-dir", data_dir, "DATA_DIR: demo recordings go to DATA_DIR/recordings");
  app.add_flag("--no-demo", no_demo, "leave out the hand-written demo calls (and their audio)");
  app.add_option("--random", random_count, "how many varied calls to add")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--days", days, "spread the varied calls over this many days")
      ->check(CLI::Range(1, 3650));
  app.add_option("--seed", seed, "random seed of the varied calls");
  app.add_option("--copies", copies,
                 "then copy every call this many times with SQL (new ids, numbers, earlier "
                 "times), to fill a benchmark database fast")
      ->check(CLI::NonNegativeNumber);
  std::vector<std::string> trackers;
  app.add_option("--tracker", trackers,
                 "NAME=PHRASE;PHRASE… : a tracker (both sides) saved before the calls, so they "
                 "have its hits");
  CLI11_PARSE(app, argc, argv);

  auto store = store::OpenStore(database, /*migrate=*/true);
  if (!store) {
    std::fprintf(stderr, "seed-calls: %s\n", store.error().message.c_str());
    return 1;
  }
  const std::int64_t now = core::ToUnixMillis(core::SystemClock::Instance().Now());
  for (const std::string& spec : trackers) {
    store::Tracker tracker;
    const size_t equals = spec.find('=');
    tracker.name = spec.substr(0, equals);
    for (std::string_view rest =
             equals == std::string::npos ? "" : std::string_view(spec).substr(equals + 1);
         !rest.empty();) {
      const size_t semicolon = std::min(rest.find(';'), rest.size());
      tracker.phrases.emplace_back(rest.substr(0, semicolon));
      rest.remove_prefix(std::min(semicolon + 1, rest.size()));
    }
    if (auto saved = (*store)->SaveTracker(tracker, now); !saved) {
      std::fprintf(stderr, "seed-calls: --tracker %s: %s\n", spec.c_str(),
                   saved.error().message.c_str());
      return 1;
    }
  }
  testing::CallSeeder seeder(**store, now);
  const auto started = std::chrono::steady_clock::now();
  int written = 0;
  if (!no_demo) {
    auto demo = testing::DemoCalls(now, data_dir);
    if (!demo) {
      std::fprintf(stderr, "seed-calls: %s\n", demo.error().message.c_str());
      return 1;
    }
    auto ids = seeder.Write(*demo);
    if (!ids) {
      std::fprintf(stderr, "seed-calls: %s\n", ids.error().message.c_str());
      return 1;
    }
    written += static_cast<int>(ids->size());
  }
  auto random = testing::RandomCalls(random_count, days, now, seed);
  for (size_t at = 0; at < random.size(); at += static_cast<size_t>(wave)) {
    std::vector<testing::SeedCall> part(
        random.begin() + static_cast<std::ptrdiff_t>(at),
        random.begin() + static_cast<std::ptrdiff_t>(std::min(random.size(), at + wave)));
    auto ids = seeder.Write(std::move(part));
    if (!ids) {
      std::fprintf(stderr, "seed-calls: %s\n", ids.error().message.c_str());
      return 1;
    }
    written += static_cast<int>(ids->size());
    if (random.size() >= 10'000 && (at / wave) % 10 == 9) {
      std::fprintf(stderr, "seed-calls: %d calls\n", written);
    }
  }
  if (copies > 0) {
    store->reset();  // The copies are written on a connection of their own.
    // Each copy sits between the original calls: they are spread evenly over `days`.
    const std::int64_t spacing = std::int64_t{days} * 86'400'000 / std::max(1, random_count);
    auto replicated =
        testing::ReplicateCalls(store::SqlitePathFromUrl(database), copies, spacing / (copies + 1));
    if (!replicated) {
      std::fprintf(stderr, "seed-calls: %s\n", replicated.error().message.c_str());
      return 1;
    }
    written *= copies + 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("seed-calls: wrote %d calls in %.1f s\n", written, seconds);
  return 0;
}
