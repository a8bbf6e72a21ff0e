#include "pipeline/pipeline.h"

#include <atomic>
#include <condition_variable>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "core/log.h"

#include "store/sqlite_store.h"
#include "store/test_support.h"
#include "testing/manual_clock.h"

namespace callbrief::pipeline {
namespace {

using store::Stage;

using testing::ManualClock;

// A stage that answers from a script: each run takes the next answer (the last one repeats).
class ScriptedStage final : public StageHandler {
 public:
  explicit ScriptedStage(std::vector<core::Result<StageResult>> answers)
      : answers_(std::move(answers)) {}
  core::Result<StageResult> Run(const store::CallDetails& call) override {
    std::lock_guard lock(mutex_);
    seen_attempts.push_back(call.call.attempts);
    size_t i = std::min(runs++, answers_.size() - 1);
    return answers_[i];
  }
  size_t runs = 0;
  std::vector<int> seen_attempts;

 private:
  std::mutex mutex_;
  std::vector<core::Result<StageResult>> answers_;
};

StageResult Next(Stage next) { return StageResult{.next = next}; }

// Runs `inner` as if it took `took` on the test's clock.
class SlowStage final : public StageHandler {
 public:
  SlowStage(StageHandler& inner, ManualClock& clock, std::chrono::milliseconds took)
      : inner_(inner), clock_(clock), took_(took) {}
  core::Result<StageResult> Run(const store::CallDetails& call) override {
    clock_.Advance(took_);
    return inner_.Run(call);
  }

 private:
  StageHandler& inner_;
  ManualClock& clock_;
  std::chrono::milliseconds took_;
};

// What the pipeline told its observer, one line per stage run: "stage outcome kind seconds".
class StageRunLog final : public core::Observer {
 public:
  void StageFinished(const core::StageRun& run) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(fmt::format("{} {} {} {}", run.stage, run.outcome,
                                 run.error_kind.empty() ? "-" : run.error_kind, run.seconds));
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// A deliver stage that writes as DeliverStage does (src/pipeline/deliver_stage.cc): the attempt
// is recorded under the worker's claim before the message goes out, and the message counts as
// sent in `sent`. Its first run stops inside the stage until Release(), so a test can step the
// clock, or let another process take the call over, while the stage is running.
class PausingDeliver final : public StageHandler {
 public:
  explicit PausingDeliver(store::CallStore& store) : store_(store) {}

  core::Result<StageResult> Run(const store::CallDetails& call) override {
    {
      std::unique_lock lock(mutex_);
      if (runs_++ == 0) {
        inside_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
      }
    }
    const store::LeaseToken claim = store::LeaseOf(call.call);
    if (auto saved = store_.SaveDelivery(claim, {.channel = "telegram", .attempts = 1});
        !saved.ok()) {
      return saved.error();
    }
    sent += 1;
    if (auto saved = store_.SaveDelivery(claim, {.channel = "telegram", .status = "done"});
        !saved.ok()) {
      return saved.error();
    }
    return Next(Stage::kDone);
  }

  void WaitInside() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return inside_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

  std::atomic<int> sent = 0;

 private:
  store::CallStore& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int runs_ = 0;
  bool inside_ = false;
  bool released_ = false;
};

// Everything logged while it lives.
class LogCapture {
 public:
  LogCapture() {
    core::InitLogging(core::LogFormat::kText, "info",
                      std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  }
  ~LogCapture() { core::InitLogging(core::LogFormat::kText, "info"); }
  std::string Text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenSqliteStore({.path = dir_.File("calls.db")});
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
  }

  std::int64_t Record(std::string call_id) {
    store::IncomingCall call = store::testing::MakeCall(std::move(call_id));
    call.received_at_ms = core::ToUnixMillis(clock_.Now());
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    return (*recorded)[0].id;
  }

  store::CallRecord Call(std::int64_t id) {
    auto found = store_->FindCall(std::to_string(id));
    EXPECT_TRUE(found.ok() && found->has_value());
    return (**found).call;
  }

  Pipeline Make(StageHandlers handlers) {
    return Pipeline(*store_, std::move(handlers), clock_, {.workers = 2, .owner = "test"});
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::CallStore> store_;
  ManualClock clock_{core::FromUnixMillis(1'800'000'000'000)};
};

TEST_F(PipelineTest, ACallMovesThroughEveryStageToDone) {
  ScriptedStage resolve({Next(Stage::kDownload)}), download({Next(Stage::kPrepare)}),
      prepare({Next(Stage::kTranscribe)}), transcribe({Next(Stage::kSummarize)}),
      summarize({Next(Stage::kDeliver)}), deliver({Next(Stage::kDone)});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve},
                            {Stage::kDownload, &download},
                            {Stage::kPrepare, &prepare},
                            {Stage::kTranscribe, &transcribe},
                            {Stage::kSummarize, &summarize},
                            {Stage::kDeliver, &deliver}});
  std::int64_t id = Record("A");
  int runs = 0;
  while (pipeline.RunOne()) ++runs;

  EXPECT_EQ(runs, 6);
  EXPECT_EQ(Call(id).stage, Stage::kDone);
  EXPECT_TRUE(Call(id).finished_at_ms.has_value());
  for (ScriptedStage* s : {&resolve, &download, &prepare, &transcribe, &summarize, &deliver}) {
    EXPECT_EQ(s->runs, 1u);
  }
  auto details = store_->FindCall("A");
  ASSERT_EQ((**details).stage_runs.size(), 6u);
  EXPECT_EQ((**details).stage_runs[0].stage, Stage::kResolve);
}

TEST_F(PipelineTest, TransientErrorsAreRetriedAfterABackoff) {
  ScriptedStage resolve({core::Error::Transient("HTTP 503"), Next(Stage::kSkipped)});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");

  ASSERT_TRUE(pipeline.RunOne());
  store::CallRecord waiting = Call(id);
  EXPECT_EQ(waiting.stage, Stage::kResolve);
  EXPECT_EQ(waiting.attempts, 1);
  EXPECT_EQ(waiting.last_error, "HTTP 503");
  EXPECT_EQ(waiting.last_error_kind, "transient");
  EXPECT_FALSE(pipeline.RunOne()) << "not due before its backoff";

  clock_.Advance(std::chrono::seconds(3));
  ASSERT_TRUE(pipeline.RunOne());
  EXPECT_EQ(Call(id).stage, Stage::kSkipped);
  EXPECT_EQ(resolve.seen_attempts, (std::vector<int>{0, 1}));
}

// The retry's delay is the backoff window's share the jitter picks: the first retry waits 1 to 2 s
// (RetryPolicy::first_delay 2 s, jittered into its upper half).
TEST_F(PipelineTest, ARetryWaitsTheShareOfItsBackoffWindowTheJitterPicks) {
  for (const auto& [jitter, delay_ms] : {std::pair{0.0, 1000}, {0.5, 1500}, {1.0, 2000}}) {
    ScriptedStage resolve({core::Error::Transient("HTTP 503")});
    Pipeline pipeline(*store_, {{Stage::kResolve, &resolve}}, clock_,
                      {.workers = 1, .owner = "test", .jitter = [j = jitter] { return j; }});
    std::int64_t id = Record("JITTER-" + std::to_string(delay_ms));
    ASSERT_TRUE(pipeline.RunOne());
    EXPECT_EQ(Call(id).next_attempt_at_ms, core::ToUnixMillis(clock_.Now()) + delay_ms)
        << "jitter " << jitter;
  }
}

TEST_F(PipelineTest, PermanentErrorsFailTheCallWithTheirMessage) {
  ScriptedStage resolve({Next(Stage::kDownload)});
  ScriptedStage download({core::Error::Permanent("the recording is 300 MB, over the 200 MB cap")});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}, {Stage::kDownload, &download}});
  std::int64_t id = Record("A");
  while (pipeline.RunOne()) {
  }
  store::CallRecord failed = Call(id);
  EXPECT_EQ(failed.stage, Stage::kFailed);
  EXPECT_EQ(failed.failed_stage, Stage::kDownload);
  EXPECT_EQ(failed.last_error, "the recording is 300 MB, over the 200 MB cap");
}

TEST_F(PipelineTest, TransientErrorsFailTheCallWhenAttemptsRunOut) {
  ScriptedStage resolve({core::Error::Transient("timeout")});
  Pipeline pipeline(*store_, {{Stage::kResolve, &resolve}}, clock_,
                    {.owner = "test", .retry = {.max_attempts = 3}});
  std::int64_t id = Record("A");
  for (int i = 0; i < 10; ++i) {
    pipeline.RunOne();
    clock_.Advance(std::chrono::minutes(15));
  }
  EXPECT_EQ(resolve.runs, 3u);
  EXPECT_EQ(Call(id).stage, Stage::kFailed);
  EXPECT_EQ(Call(id).last_error, "gave up after 3 attempts: timeout");
}

TEST_F(PipelineTest, ConfigurationErrorsParkTheCallWithoutCountingAttempts) {
  ScriptedStage resolve({core::Error::Config("BITRIX24_WEBHOOK_URL is not set")});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");
  ASSERT_TRUE(pipeline.RunOne());
  store::CallRecord parked = Call(id);
  EXPECT_EQ(parked.stage, Stage::kResolve);
  EXPECT_EQ(parked.attempts, 0);
  EXPECT_EQ(parked.last_error_kind, "config");
  EXPECT_FALSE(pipeline.RunOne());
}

TEST_F(PipelineTest, AStageWithoutAHandlerParksTheCall) {
  ScriptedStage resolve({Next(Stage::kDownload)});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");
  while (pipeline.RunOne()) {
  }
  EXPECT_EQ(Call(id).stage, Stage::kDownload);
  EXPECT_EQ(Call(id).last_error_kind, "config");
  EXPECT_NE(Call(id).last_error.find("stage download cannot run"), std::string::npos);
}

TEST_F(PipelineTest, AWaitingStageIsRunAgainWhenItAsked) {
  const std::int64_t later = core::ToUnixMillis(clock_.Now()) + 20'000;
  ScriptedStage resolve(
      {StageResult{
           .next = Stage::kResolve, .wait_until_ms = later, .note = "waiting for the recording"},
       Next(Stage::kSkipped)});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");
  ASSERT_TRUE(pipeline.RunOne());
  EXPECT_EQ(Call(id).stage, Stage::kResolve);
  EXPECT_EQ(Call(id).next_attempt_at_ms, later);
  EXPECT_EQ(Call(id).last_error, "waiting for the recording");
  EXPECT_FALSE(pipeline.RunOne());
  clock_.Advance(std::chrono::seconds(20));
  EXPECT_TRUE(pipeline.RunOne());
}

TEST_F(PipelineTest, ASkippedCallKeepsItsReason) {
  ScriptedStage resolve({StageResult{.next = Stage::kSkipped, .note = "too short: 4 s"}});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");
  ASSERT_TRUE(pipeline.RunOne());
  EXPECT_EQ(Call(id).stage, Stage::kSkipped);
  EXPECT_EQ(Call(id).skip_reason, "too short: 4 s");
}

TEST_F(PipelineTest, StageResultsAreStoredWithTheMove) {
  StageResult resolved = Next(Stage::kDownload);
  resolved.facts = store::CallFactsUpdate{.manager_name = "Анна"};
  ScriptedStage resolve({resolved});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  std::int64_t id = Record("A");
  ASSERT_TRUE(pipeline.RunOne());
  EXPECT_EQ(Call(id).manager_name, "Анна");
}

// The clock steps five minutes (NTP, a VM resumed) while a stage runs: longer than the lease.
// Another worker of this process looks for work meanwhile and must not take the call it runs.
TEST_F(PipelineTest, AClockStepDuringAStageDoesNotMakeThisProcessRunTheCallTwice) {
  PausingDeliver deliver(*store_);
  Pipeline pipeline = Make({{Stage::kResolve, &deliver}});
  std::int64_t id = Record("A");
  std::thread first([&] { pipeline.RunOne(); });
  deliver.WaitInside();
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_FALSE(pipeline.RunOne()) << "the call in flight was claimed again by its own process";
  deliver.Release();
  first.join();
  EXPECT_EQ(deliver.sent, 1);
  EXPECT_EQ(Call(id).stage, Stage::kDone);
}

// The same step seen by a second process of the same instance (the same owner name) on the same
// database: the lease has run out by its clock, so it takes the call over and delivers it. The
// first worker's writes are refused when it goes on: one message, and its result is discarded
// with a log line saying so.
TEST_F(PipelineTest, AWorkerWhoseCallWasTakenOverDuringAClockStepSendsNothingAndStoresNothing) {
  PausingDeliver paused(*store_);
  Pipeline first = Make({{Stage::kResolve, &paused}});
  std::int64_t id = Record("A");
  std::thread running([&] { first.RunOne(); });
  paused.WaitInside();

  clock_.Advance(std::chrono::minutes(5));
  PausingDeliver other(*store_);
  other.Release();  // The second process's stage runs straight through.
  Pipeline second = Make({{Stage::kResolve, &other}});
  ASSERT_TRUE(second.RunOne()) << "the expired lease was not taken over";
  EXPECT_EQ(other.sent, 1);
  ASSERT_EQ(Call(id).stage, Stage::kDone);

  LogCapture log;
  paused.Release();
  running.join();
  EXPECT_EQ(paused.sent, 0) << "the late worker sent the summary a second time";
  auto details = store_->FindCall(std::to_string(id));
  ASSERT_TRUE(details.ok() && details->has_value());
  EXPECT_EQ((**details).stage_runs.size(), 1u) << "the late worker's result was stored";
  ASSERT_EQ((**details).deliveries.size(), 1u);
  EXPECT_EQ((**details).deliveries[0].status, "done");
  EXPECT_NE(log.Text().find("the lease of call A was taken over by another claim; this worker's "
                            "result is discarded"),
            std::string::npos)
      << log.Text();
}

TEST_F(PipelineTest, EveryStoredStageRunIsObservedWithItsOutcomeErrorKindAndDuration) {
  ScriptedStage resolve_script({Next(Stage::kDownload)});
  ScriptedStage download_script({core::Error::Transient("HTTP 503"),
                                 core::Error::Config("RECORDING_HOSTS refuses cdn.example"),
                                 core::Error::Permanent("HTTP 404 from disk.file.get")});
  SlowStage resolve(resolve_script, clock_, std::chrono::milliseconds(1500));
  SlowStage download(download_script, clock_, std::chrono::seconds(42));
  StageRunLog observed;
  Pipeline pipeline(*store_, {{Stage::kResolve, &resolve}, {Stage::kDownload, &download}}, clock_,
                    {.owner = "test", .observer = &observed});
  Record("A");
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(pipeline.RunOne());
    clock_.Advance(std::chrono::hours(1));  // Past any backoff or parking.
  }
  EXPECT_EQ(observed.lines(), (std::vector<std::string>{
                                  "resolve ok - 1.5", "download retry transient 42",
                                  "download parked config 42", "download failed permanent 42"}));
}

TEST_F(PipelineTest, AResultDiscardedAfterATakeoverIsNotObserved) {
  PausingDeliver paused(*store_);
  StageRunLog observed;
  Pipeline first(*store_, {{Stage::kResolve, &paused}}, clock_,
                 {.owner = "test", .observer = &observed});
  Record("A");
  std::thread running([&] { first.RunOne(); });
  paused.WaitInside();
  clock_.Advance(std::chrono::minutes(5));
  PausingDeliver other(*store_);
  other.Release();
  ASSERT_TRUE(Make({{Stage::kResolve, &other}}).RunOne());
  paused.Release();
  running.join();
  EXPECT_TRUE(observed.lines().empty());
}

TEST_F(PipelineTest, WorkersProcessEveryCallAndStopCleanly) {
  ScriptedStage resolve({Next(Stage::kDone)});
  Pipeline pipeline = Make({{Stage::kResolve, &resolve}});
  for (int i = 0; i < 20; ++i) Record("C" + std::to_string(i));
  pipeline.Start();
  for (int spins = 0; spins < 500; ++spins) {
    auto counts = store_->CountByStage();
    bool all_done = counts.ok() && counts->size() == 1 && (*counts)[0].first == Stage::kDone &&
                    (*counts)[0].second == 20;
    if (all_done) break;
    pipeline.Wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(pipeline.Stop(std::chrono::seconds(5)), 0);
  EXPECT_EQ(resolve.runs, 20u);
}

}  // namespace
}  // namespace callbrief::pipeline
