#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/observer.h"
#include "pipeline/retry_policy.h"
#include "pipeline/stage.h"
#include "store/call_store.h"

namespace callbrief::pipeline {

struct PipelineOptions {
  int workers = 4;  // WORKERS: calls processed at once.
  // This instance's name on its leases. Stable across restarts of one instance (see
  // app/instance_id), so a restarted process can take back what it held when it died.
  std::string owner = "callbrief";
  std::chrono::milliseconds lease{std::chrono::minutes(2)};
  std::chrono::milliseconds heartbeat{std::chrono::seconds(30)};
  std::chrono::milliseconds idle_poll{std::chrono::seconds(2)};
  RetryPolicy retry{};
  // A number in [0, 1) for each retry, choosing its delay inside the backoff window
  // (retry_policy.h); called under the pipeline's lock. Empty: uniformly random, so instances that
  // failed together do not retry together. Tests pass a fixed one to know the delay.
  std::function<double()> jitter{};
  // Told of every stage run once its outcome is stored (metrics), on the worker's thread. Must
  // outlive the pipeline.
  core::Observer* observer = &core::NullObserver();
};

// The handler of each stage, by StageRow::handler (stage_table.h: `received` calls run resolve).
using StageHandlers = std::map<store::Stage, StageHandler*>;

// The workers that move calls through their stages (docs/architecture.md). Each worker claims a
// due call with a lease, runs the handler of its stage, and stores the result together with the
// move to the next stage — or, on an error, the retry policy's decision (backoff, park, fail). A
// heartbeat renews the leases of running stages, so a crashed process's calls are taken over once
// their leases expire and a live one's never are. Every claim has its own epoch and every write
// names it: when this process was paused (or its clock stepped) longer than the lease and another
// claim took a call over, this worker's result is refused and logged, never stored twice. A call
// this process runs is never claimed again by it, whatever its lease says.
//
// Logs the seed's stage lines ("🎙️ Processing Bitrix call", "✅ Successfully processed call",
// "❌ …") with the call id. Thread-safe.
class Pipeline {
 public:
  Pipeline(store::CallStore& store, StageHandlers handlers, const core::Clock& clock,
           PipelineOptions options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Starts the workers and the heartbeat.
  void Start();
  // New work may be due (an event arrived, a call was retried): idle workers look now.
  void Wake();
  // Stops claiming calls and waits up to `grace` for running stages to finish. Leases of stages
  // still running after that are released, so another process (or this one after a restart)
  // takes them up at once. Returns how many stages were abandoned; when it is not 0 the worker
  // threads are still running and the caller should end the process rather than destroy this.
  int Stop(std::chrono::milliseconds grace);

  // Runs one due call's current stage on the calling thread. False when nothing was due.
  bool RunOne();

 private:
  void WorkerLoop();
  void HeartbeatLoop();
  void LogTakenOver(const store::CallRecord& call, store::Stage ran, const core::Error& error);
  void Finish(const store::CallRecord& call, store::Stage ran, std::int64_t started_ms,
              const core::Result<StageResult>& result);
  store::StageOutcome FailureOutcome(const store::CallRecord& call, store::Stage ran,
                                     const core::Error& error, std::int64_t now_ms);
  std::chrono::milliseconds IdleWait();
  double Jitter();

  store::CallStore& store_;
  const StageHandlers handlers_;
  const core::Clock& clock_;
  const PipelineOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;            // Signalled when a running stage ends (for Stop).
  std::condition_variable heartbeat_wake_;  // Signalled only to stop the heartbeat.
  bool stopping_ = false;
  struct Running {
    store::LeaseToken lease;
    std::string bitrix_call_id;
    bool taken_over = false;  // The heartbeat found the claim stale (logged once, not renewed).
  };
  std::map<std::int64_t, Running> running_;  // Calls whose stage runs now (leases to renew).
  // Held from reading running_ to adding the claimed call to it, so two workers of this process
  // never claim one call, even when its lease looks expired (a stepped clock).
  std::mutex claim_mutex_;
  std::mt19937_64 random_;

  std::vector<std::thread> workers_;
  std::thread heartbeat_;
};

}  // namespace callbrief::pipeline
