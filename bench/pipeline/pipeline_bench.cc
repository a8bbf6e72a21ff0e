// Issue 7's benchmark: the real `callbrief serve` with the emulated Bitrix24, OpenAI and Telegram
// (tests/fakes), each behind a TimingProxy that times every request.
//
//  1. Overhead: calls processed one at a time with emulators that answer at once; per call, the
//     wall time from the ONVOXIMPLANTCALLEND webhook to "done" in the API minus the time inside
//     provider requests (the union of the requests' intervals as the proxies saw them).
//  2. Throughput: a batch of calls announced at once with 2 s per transcription and 3 s per
//     summary (delays added by the proxy), at several WORKERS; calls per minute, CPU time and
//     peak RSS of the callbrief process.
//
// Prints Markdown tables for bench/README.md on stdout (bench/pipeline/run.sh adds the header);
// progress goes to stderr.
//
//   pipeline_bench --recording call.mp3 [--calls 30] [--workers 4,16,64] [--batch 60] ...

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "fakes/call_end_event.h"
#include "fakes/fake_bitrix24.h"
#include "fakes/fake_openai.h"
#include "fakes/fake_telegram.h"
#include "support/service_process.h"
#include "timing_proxy.h"

namespace callbrief::bench {
namespace {

using nlohmann::json;
using testing::EnvVars;
using testing::ServiceProcess;

constexpr std::int64_t kChatId = -1001234567890;
constexpr int kCallSeconds = 120;
// The budget callbrief allows itself against one portal (src/app/bitrix_access.cc), under the
// cloud portal's leaky bucket of 2 requests/s drained.
constexpr double kPortalRequestsPerSecond = 2.0;
constexpr int kPortalBurst = 10;

struct Options {
  std::string recording;
  int calls = 30;
  int warmup = 2;
  int pace_ms = 2200;
  std::vector<int> workers = {4, 16, 64};
  int batch = 30;
  int transcribe_ms = 2000;
  int summary_ms = 3000;
  int timeout_s = 300;
  std::string log_dir;
};

[[noreturn]] void Fail(const std::string& what, const ServiceProcess* service = nullptr) {
  std::cerr << "pipeline_bench: " << what << "\n";
  if (service) {
    std::string log = service->Log();
    if (log.size() > 8000) log = log.substr(log.size() - 8000);
    std::cerr << "--- callbrief log (tail) ---\n" << log << "\n";
  }
  std::exit(1);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

double Ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// Nearest-rank percentile of `values` (0 < p ≤ 100).
double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}
double Median(std::vector<double> values) { return Percentile(std::move(values), 50); }

// An ISO-8601 timestamp of the API (millisecond precision) in microseconds since the epoch.
std::int64_t ApiMicros(const json& value) {
  core::TimePoint t;
  if (!value.is_string() || !core::ParseIso8601(value.get<std::string>(), &t)) return 0;
  return core::ToUnixMillis(t) * 1000;
}

// --- The callbrief process seen from /proc --------------------------------------------------

// The pid of our child `callbrief serve` (ServiceProcess keeps it private).
pid_t ServicePid() {
  const pid_t self = getpid();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == self && stat.substr(open + 1, close - open - 1) == "callbrief") {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return -1;
}

// utime + stime of the process, in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() < 13) return 0;
  // After "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here.
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

// VmHWM (peak resident set) in KiB.
long PeakRssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return 0;
}

// Median time of a 4 KiB write + fdatasync in the temporary directory, where ServiceProcess puts
// the service's SQLite database: what one durable commit costs at least on this disk.
double MedianSyncMs() {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("pipeline-bench-sync-" + std::to_string(getpid())))
          .string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 0;
  std::string block(4096, 'x');
  std::vector<double> samples;
  for (int i = 0; i < 50; ++i) {
    const std::int64_t start = NowMicros();
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 4096) < 0) break;
    ::fdatasync(fd);
    samples.push_back(Ms(NowMicros() - start));
  }
  ::close(fd);
  std::filesystem::remove(path);
  return Median(samples);
}

// --- The world: emulators, proxies, the service ---------------------------------------------

class World {
 public:
  explicit World(const Options& options) : options_(options) {
    recording_ = ReadFile(options.recording);
    if (!portal_.Start().ok() || !openai_.Start().ok() || !telegram_.Start().ok()) {
      Fail("an emulator did not start");
    }
    // The portal's own leaky bucket with the cloud defaults (50 of burst, 2 requests/s drained):
    // a request over it would be answered 503 QUERY_LIMIT_EXCEEDED, as Bitrix24 does.
    portal_.EnableRateLimit();
    telegram_.AddChat({.id = kChatId, .type = "supergroup", .title = "Звонки"});
    bitrix_proxy_ = std::make_unique<TimingProxy>("bitrix", portal_.port(), true);
    openai_proxy_ = std::make_unique<TimingProxy>("openai", openai_.port(), false);
    telegram_proxy_ = std::make_unique<TimingProxy>("telegram", telegram_.port(), false);
    for (TimingProxy* proxy : Proxies()) {
      if (!proxy->Start()) Fail("a timing proxy did not start");
    }
  }

  ~World() {
    for (TimingProxy* proxy : Proxies()) proxy->Stop();
    telegram_.Stop();
    openai_.Stop();
    portal_.Stop();
  }

  std::vector<TimingProxy*> Proxies() {
    return {bitrix_proxy_.get(), openai_proxy_.get(), telegram_proxy_.get()};
  }

  EnvVars Env(int workers) const {
    std::string webhook = portal_.WebhookUrl();
    const std::string from = "127.0.0.1:" + std::to_string(portal_.port());
    webhook.replace(webhook.find(from), from.size(),
                    "127.0.0.1:" + std::to_string(bitrix_proxy_->port()));
    return {
        {"BITRIX24_WEBHOOK_URL", webhook},
        {"OPENAI_API_KEY", openai_.api_key()},
        {"OPENAI_BASE_URL", openai_proxy_->BaseUrl() + "/v1"},
        {"TELEGRAM_BOT_TOKEN", telegram_.Token()},
        {"TELEGRAM_TARGET_CHAT_ID", std::to_string(kChatId)},
        {"TELEGRAM_API_BASE_URL", telegram_proxy_->BaseUrl()},
        {"PUBLIC_URL", "https://calls.example.com"},
        {"RECONCILE_INTERVAL", "0"},
        {"RECORDING_WAIT", "30"},
        {"LOG_FORMAT", "json"},
        {"WORKERS", std::to_string(workers)},
    };
  }

  // A finished two-minute call with the recording attached; returns its CALL_ID.
  std::string AddCall() {
    std::string call_id =
        portal_.AddCall(fakes::CallBuilder().Incoming().Duration(kCallSeconds).Build());
    portal_.AttachRecording(call_id, recording_);
    return call_id;
  }

  void Announce(const ServiceProcess& service, const std::string& call_id) {
    auto call = portal_.FindCall(call_id);
    if (!call) Fail("the portal lost call " + call_id);
    auto res = fakes::PostCallEnd(
        "http://127.0.0.1:" + std::to_string(service.port()) + "/api/bitrix-webhook/call-finished",
        *call, "");
    if (!res || res->status != 200) Fail("the webhook was not accepted", &service);
  }

  static json CallJson(const ServiceProcess& service, const std::string& call_id) {
    auto res = service.Client().Get("/api/calls/" + call_id);
    if (!res || res->status != 200) return nullptr;
    return json::parse(res->body, nullptr, false);
  }

  std::vector<Interval> AllIntervals() {
    std::vector<Interval> all;
    for (TimingProxy* proxy : Proxies()) {
      auto some = proxy->Intervals();
      all.insert(all.end(), some.begin(), some.end());
    }
    return all;
  }

  void ClearIntervals() {
    for (TimingProxy* proxy : Proxies()) proxy->ClearIntervals();
  }

  void SetProviderDelays(std::chrono::milliseconds transcribe, std::chrono::milliseconds summary) {
    openai_proxy_->ClearDelays();
    openai_proxy_->SetDelay("/audio/transcriptions", transcribe);
    openai_proxy_->SetDelay("/chat/completions", summary);
  }

  std::size_t TelegramMessages() const { return telegram_.Messages(kChatId).size(); }
  TimingProxy& telegram_proxy() { return *telegram_proxy_; }

  void KeepLog(const ServiceProcess& service, const std::string& name) const {
    if (options_.log_dir.empty()) return;
    std::filesystem::create_directories(options_.log_dir);
    std::ofstream(std::filesystem::path(options_.log_dir) / (name + ".log")) << service.Log();
  }

 private:
  const Options& options_;
  std::string recording_;
  fakes::FakeBitrix24 portal_;
  fakes::FakeOpenAi openai_;
  fakes::FakeTelegram telegram_;
  std::unique_ptr<TimingProxy> bitrix_proxy_;
  std::unique_ptr<TimingProxy> openai_proxy_;
  std::unique_ptr<TimingProxy> telegram_proxy_;
};

void StartService(ServiceProcess& service) {
  if (auto started = service.Start(); !started) Fail(started.message());
}

// --- 1. Overhead per call -------------------------------------------------------------------

const char* const kStages[] = {"resolve",    "download",  "prepare",
                               "transcribe", "summarize", "deliver"};

struct CallSample {
  std::int64_t wall_us = 0;
  std::int64_t provider_us = 0;
  std::int64_t between_us = 0;  // Wall time outside every stage run.
  std::map<std::string, std::int64_t> stage_us;
  std::map<std::string, std::int64_t> stage_provider_us;
  std::map<std::string, int> requests;  // By label.
  int stage_runs = 0;
};

CallSample OneCall(World& world, const ServiceProcess& service) {
  const std::string call_id = world.AddCall();
  const std::int64_t t0 = NowMicros();
  world.Announce(service, call_id);
  // Wait for the last provider request (the Telegram message), then poll closely for "done":
  // only the final commit is left by then, so the tight polling barely competes for the CPU.
  if (!world.telegram_proxy().WaitForEnd("telegram sendMessage", t0, std::chrono::seconds(60))) {
    Fail("call " + call_id + " sent no Telegram message within 60 s", &service);
  }
  json call;
  std::int64_t done = 0;
  for (int i = 0; i < 10000 && done == 0; ++i) {
    call = World::CallJson(service, call_id);
    if (call.is_object() && call.value("stage", "") == "done") {
      done = NowMicros();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (done == 0) Fail("call " + call_id + " did not reach done: " + call.dump(), &service);

  CallSample sample;
  sample.wall_us = done - t0;
  std::vector<Interval> intervals;
  for (const Interval& i : world.AllIntervals()) {
    if (i.end_us > t0 && i.start_us < done) intervals.push_back(i);
  }
  for (const Interval& i : intervals) sample.requests[i.label] += 1;
  sample.provider_us = CoveredMicros(intervals, t0, done);
  std::int64_t in_stages = 0;
  for (const json& run : call["stage_runs"]) {
    const std::string stage = run.value("stage", "");
    const std::int64_t start = ApiMicros(run["started_at"]);
    const std::int64_t end = ApiMicros(run["finished_at"]);
    sample.stage_us[stage] += end - start;
    sample.stage_provider_us[stage] += CoveredMicros(intervals, start, end);
    in_stages += end - start;
    sample.stage_runs += 1;
  }
  sample.between_us = sample.wall_us - in_stages;
  return sample;
}

struct OverheadResult {
  std::vector<CallSample> samples;
  double cpu_s = 0;  // callbrief's CPU time over the measured calls (warm-up excluded).
};

OverheadResult MeasureOverhead(World& world, const Options& options) {
  ServiceProcess service(world.Env(4));
  StartService(service);
  const pid_t pid = ServicePid();
  if (pid <= 0) Fail("cannot find the callbrief process", &service);
  world.SetProviderDelays(std::chrono::milliseconds(0), std::chrono::milliseconds(0));
  OverheadResult result;
  double cpu_before = 0;
  auto next_start = std::chrono::steady_clock::now();
  for (int i = 0; i < options.warmup + options.calls; ++i) {
    // Paced so callbrief's Bitrix24 budget (2 requests/s, burst 10) never makes a call wait.
    std::this_thread::sleep_until(next_start);
    if (i == options.warmup) cpu_before = CpuSeconds(pid);
    next_start = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.pace_ms);
    CallSample sample = OneCall(world, service);
    std::cerr << fmt::format("overhead: call {}/{}: wall {:.1f} ms, providers {:.1f} ms{}\n", i + 1,
                             options.warmup + options.calls, Ms(sample.wall_us),
                             Ms(sample.provider_us), i < options.warmup ? " (warm-up)" : "");
    if (i >= options.warmup) result.samples.push_back(std::move(sample));
  }
  result.cpu_s = CpuSeconds(pid) - cpu_before;
  world.KeepLog(service, "overhead");
  service.Terminate();
  return result;
}

void PrintOverhead(const OverheadResult& r, const Options& options) {
  auto column = [&](auto get) {
    std::vector<double> v;
    for (const CallSample& s : r.samples) v.push_back(get(s));
    return v;
  };
  auto wall = column([](const CallSample& s) { return Ms(s.wall_us); });
  auto provider = column([](const CallSample& s) { return Ms(s.provider_us); });
  auto ours = column([](const CallSample& s) { return Ms(s.wall_us - s.provider_us); });

  const CallSample& last = r.samples.back();
  std::string requests;
  for (const auto& [label, count] : last.requests) {
    requests += fmt::format("{}{} ×{}", requests.empty() ? "" : ", ", label, count);
  }
  std::cout << fmt::format(
      "**Overhead per call**: {} two-minute calls one at a time (after {} warm-up calls, one "
      "started every {:.1f} s), WORKERS=4, emulators answering at once. Provider requests of one "
      "call: {}.\n\n",
      r.samples.size(), options.warmup, options.pace_ms / 1000.0, requests);
  std::cout << "| per call | median | p90 | max |\n|---|---|---|---|\n";
  auto row = [](const char* name, const std::vector<double>& v, bool bold = false) {
    const char* b = bold ? "**" : "";
    std::cout << fmt::format("| {}{}{} | {}{:.1f} ms{} | {:.1f} ms | {:.1f} ms |\n", b, name, b, b,
                             Median(v), b, Percentile(v, 90), Percentile(v, 100));
  };
  row("wall time (webhook → done)", wall);
  row("inside provider requests", provider);
  row("our overhead (wall − provider)", ours, true);
  std::cout << "\n";

  std::cout << "Where our time goes (medians over the calls; stage times from the call's "
               "stage_runs, millisecond resolution):\n\n";
  std::cout << "| part | wall | inside provider requests | ours |\n|---|---|---|---|\n";
  for (const char* stage : kStages) {
    auto total = column([&](const CallSample& s) {
      auto it = s.stage_us.find(stage);
      return it == s.stage_us.end() ? 0.0 : Ms(it->second);
    });
    auto inside = column([&](const CallSample& s) {
      auto it = s.stage_provider_us.find(stage);
      return it == s.stage_provider_us.end() ? 0.0 : Ms(it->second);
    });
    auto own = column([&](const CallSample& s) {
      auto a = s.stage_us.find(stage);
      auto b = s.stage_provider_us.find(stage);
      return (a == s.stage_us.end() ? 0.0 : Ms(a->second)) -
             (b == s.stage_provider_us.end() ? 0.0 : Ms(b->second));
    });
    std::cout << fmt::format("| stage {} | {:.1f} ms | {:.1f} ms | {:.1f} ms |\n", stage,
                             Median(total), Median(inside), Median(own));
  }
  auto between = column([](const CallSample& s) { return Ms(s.between_us); });
  std::cout << fmt::format(
      "| between stages (webhook intake, waking a worker, claiming the call, committing each "
      "stage's result) | {:.1f} ms | – | {:.1f} ms |\n\n",
      Median(between), Median(between));

  auto stage_ours = [](const CallSample& s, const char* stage) {
    auto a = s.stage_us.find(stage);
    auto b = s.stage_provider_us.find(stage);
    return (a == s.stage_us.end() ? 0.0 : Ms(a->second)) -
           (b == s.stage_provider_us.end() ? 0.0 : Ms(b->second));
  };
  auto without_prepare = column([&](const CallSample& s) {
    return Ms(s.wall_us - s.provider_us) - stage_ours(s, "prepare");
  });
  const double median_ours = Median(ours);
  std::cout << fmt::format(
      "callbrief's CPU time over these calls: {:.0f} ms per call (utime + stime of the process, "
      "including the bench's polls of the API). A 4 KiB write + fdatasync in the directory of the "
      "service's SQLite database (synchronous=FULL: one per commit) takes {:.2f} ms here "
      "(median of 50).\n\n",
      1000 * r.cpu_s / static_cast<double>(r.samples.size()), MedianSyncMs());
  std::cout << fmt::format(
      "Median overhead {:.1f} ms (p90 {:.1f} ms): the 50 ms target is {}. Without the prepare "
      "stage (decoding the recording and encoding the speakers' chunks): median {:.1f} ms, p90 "
      "{:.1f} ms.\n\n",
      median_ours, Percentile(ours, 90), median_ours < 50 ? "met" : "missed",
      Median(without_prepare), Percentile(without_prepare, 90));
}

// --- 2. Throughput --------------------------------------------------------------------------

struct ThroughputRun {
  int workers = 0;
  int calls = 0;
  double makespan_s = 0;
  double first_done_s = 0;
  int bitrix_rest = 0;
  double calls_per_min = 0;
  double median_latency_s = 0;
  double cpu_s = 0;
  long peak_rss_kib = 0;
  double bitrix_requests_per_call = 0;
  int bitrix_refused = 0;  // 503 from the portal's bucket.
  int failed_runs = 0;     // Stage runs that did not end "ok".
  double openai_in_flight = 0;
};

ThroughputRun MeasureThroughput(World& world, const Options& options, int workers) {
  ServiceProcess service(world.Env(workers));
  StartService(service);
  const pid_t pid = ServicePid();
  if (pid <= 0) Fail("cannot find the callbrief process", &service);
  world.SetProviderDelays(std::chrono::milliseconds(options.transcribe_ms),
                          std::chrono::milliseconds(options.summary_ms));

  ThroughputRun run;
  run.workers = workers;
  run.calls = std::max(options.batch, workers);
  std::vector<std::string> ids;
  for (int i = 0; i < run.calls; ++i) ids.push_back(world.AddCall());
  const std::size_t messages_before = world.TelegramMessages();
  world.ClearIntervals();

  const double cpu_before = CpuSeconds(pid);
  const std::int64_t t0 = NowMicros();
  for (const std::string& id : ids) world.Announce(service, id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_s);
  std::size_t last_reported = 0;
  while (world.TelegramMessages() - messages_before < ids.size()) {
    if (std::chrono::steady_clock::now() > deadline) {
      Fail(fmt::format("WORKERS={}: only {} of {} calls were delivered within {} s", workers,
                       world.TelegramMessages() - messages_before, ids.size(), options.timeout_s),
           &service);
    }
    std::size_t delivered = world.TelegramMessages() - messages_before;
    if (delivered >= last_reported + 10) {
      last_reported = delivered;
      std::cerr << fmt::format("throughput WORKERS={}: {}/{} delivered after {:.0f} s\n", workers,
                               delivered, ids.size(), (NowMicros() - t0) / 1e6);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  std::int64_t last_done = 0;
  std::int64_t first_done = std::numeric_limits<std::int64_t>::max();
  std::vector<double> latencies;
  for (const std::string& id : ids) {
    json call;
    for (int i = 0; i < 500; ++i) {
      call = World::CallJson(service, id);
      if (call.is_object() && call.value("stage", "") == "done") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!call.is_object() || call.value("stage", "") != "done") {
      Fail("call " + id + " did not reach done: " + call.dump(), &service);
    }
    const std::int64_t finished = ApiMicros(call["finished_at"]);
    last_done = std::max(last_done, finished);
    first_done = std::min(first_done, finished);
    latencies.push_back(static_cast<double>(finished - ApiMicros(call["received_at"])) / 1e6);
    for (const json& stage_run : call["stage_runs"]) {
      if (stage_run.value("outcome", "") != "ok") run.failed_runs += 1;
    }
  }
  run.cpu_s = CpuSeconds(pid) - cpu_before;
  run.peak_rss_kib = PeakRssKib(pid);
  run.makespan_s = static_cast<double>(last_done - t0) / 1e6;
  run.first_done_s = static_cast<double>(first_done - t0) / 1e6;
  run.calls_per_min = run.calls / run.makespan_s * 60;
  run.median_latency_s = Median(latencies);

  std::int64_t openai_busy_us = 0;
  for (const Interval& i : world.AllIntervals()) {
    if (i.label.starts_with("bitrix ")) {
      run.bitrix_rest += 1;
      if (i.status == 503) run.bitrix_refused += 1;
    }
    if (i.label == "transcribe" || i.label == "summarize") openai_busy_us += i.end_us - i.start_us;
  }
  run.bitrix_requests_per_call = static_cast<double>(run.bitrix_rest) / run.calls;
  run.openai_in_flight = static_cast<double>(openai_busy_us) / (last_done - t0);
  world.KeepLog(service, fmt::format("throughput-{}", workers));
  service.Terminate();
  std::cerr << fmt::format("throughput WORKERS={}: {} calls in {:.1f} s ({:.1f} calls/min)\n",
                           workers, run.calls, run.makespan_s, run.calls_per_min);
  return run;
}

// What the provider delays allow for this batch: ⌈calls / WORKERS⌉ rounds of one call's
// provider time, in calls per minute.
double ProviderBound(const ThroughputRun& r, const Options& options) {
  const double per_call_s = (options.transcribe_ms + options.summary_ms) / 1000.0;
  const int rounds = (r.calls + r.workers - 1) / r.workers;
  return r.calls * 60 / (rounds * per_call_s);
}

// What callbrief's Bitrix24 budget allows for this batch: its REST requests beyond the burst at
// 2 per second, in calls per minute.
double BitrixBound(const ThroughputRun& r) {
  const double seconds = std::max(1, r.bitrix_rest - kPortalBurst) / kPortalRequestsPerSecond;
  return r.calls * 60 / seconds;
}

void PrintThroughput(const std::vector<ThroughputRun>& runs, const Options& options) {
  const double per_call_s = (options.transcribe_ms + options.summary_ms) / 1000.0;
  std::cout << fmt::format(
      "**Throughput**: for each WORKERS a fresh service gets a batch of max({}, WORKERS) "
      "two-minute calls, announced at once; every transcription takes {:.0f} s and every summary "
      "{:.0f} s. calls/min = calls / (last call done − first webhook). Bounds for the batch: "
      "provider = calls / (⌈calls / WORKERS⌉ × {:.0f} s); Bitrix24 = calls / ((REST requests − "
      "{} of burst) / {:.0f} per s), from callbrief's one budget for the portal "
      "(src/app/bitrix_access.cc). Latency: webhook received → done, per call.\n\n",
      options.batch, options.transcribe_ms / 1000.0, options.summary_ms / 1000.0, per_call_s,
      kPortalBurst, kPortalRequestsPerSecond);
  std::cout << "| WORKERS | calls | first / last call done | calls/min | provider bound | "
               "Bitrix24 bound | median latency | OpenAI requests in flight (mean) | callbrief "
               "CPU | CPU per call | peak RSS |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const ThroughputRun& r : runs) {
    std::cout << fmt::format(
        "| {} | {} | {:.1f} s / {:.1f} s | **{:.1f}** | {:.1f} | {:.1f} ({:.2f} REST requests "
        "per call) | {:.1f} s | {:.1f} | {:.2f} s ({:.1f} % of one core) | {:.0f} ms | {} MiB |\n",
        r.workers, r.calls, r.first_done_s, r.makespan_s, r.calls_per_min,
        ProviderBound(r, options), BitrixBound(r), r.bitrix_requests_per_call, r.median_latency_s,
        r.openai_in_flight, r.cpu_s, 100 * r.cpu_s / r.makespan_s, 1000 * r.cpu_s / r.calls,
        r.peak_rss_kib / 1024);
  }
  int refused = 0, failed = 0;
  for (const ThroughputRun& r : runs) {
    refused += r.bitrix_refused;
    failed += r.failed_runs;
  }
  std::cout << fmt::format(
      "\nRefused by the portal emulator's leaky bucket (503 QUERY_LIMIT_EXCEEDED): {}; stage runs "
      "that did not end \"ok\": {}.\n\n",
      refused, failed);

  std::cout << "Measured against the lower of the two bounds: ";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const ThroughputRun& r = runs[i];
    const double provider = ProviderBound(r, options);
    const double bitrix = BitrixBound(r);
    std::cout << fmt::format("{}WORKERS={}: {:.0f} % of the {} bound", i ? "; " : "", r.workers,
                             100 * r.calls_per_min / std::min(provider, bitrix),
                             bitrix < provider ? "Bitrix24" : "provider");
  }
  const double rest_per_call = runs.empty() ? 0 : runs.back().bitrix_requests_per_call;
  std::cout << fmt::format(
      ". Sustained, the two bounds are WORKERS × {:.0f} calls/min and {:.0f} requests/s × 60 / "
      "{:.2f} = {:.1f} calls/min.\n",
      60 / per_call_s, kPortalRequestsPerSecond, rest_per_call,
      kPortalRequestsPerSecond * 60 / rest_per_call);
}

}  // namespace
}  // namespace callbrief::bench

int main(int argc, char** argv) {
  using namespace callbrief::bench;
  Options options;
  std::string workers = "4,16,64";
  CLI::App app{"callbrief pipeline benchmark: overhead per call and throughput (issue 7)"};
  app.add_option("--recording", options.recording, "The call recording (two minutes)")->required();
  app.add_option("--calls", options.calls, "Calls measured for the overhead (one at a time)");
  app.add_option("--warmup", options.warmup, "Warm-up calls before them, not counted");
  app.add_option("--pace-ms", options.pace_ms, "Milliseconds between the starts of those calls");
  app.add_option("--workers", workers, "WORKERS values for the throughput runs; empty: none");
  app.add_option("--batch", options.batch, "Calls per throughput run (at least WORKERS)");
  app.add_option("--transcribe-ms", options.transcribe_ms, "Delay of each transcription");
  app.add_option("--summary-ms", options.summary_ms, "Delay of each summary");
  app.add_option("--timeout", options.timeout_s, "Seconds a throughput run may take");
  app.add_option("--log-dir", options.log_dir, "Keep the services' logs here");
  CLI11_PARSE(app, argc, argv);
  options.workers.clear();
  std::stringstream list(workers);
  for (std::string item; std::getline(list, item, ',');) {
    if (!item.empty()) options.workers.push_back(std::stoi(item));
  }

  World world(options);
  if (options.calls > 0) PrintOverhead(MeasureOverhead(world, options), options);
  std::vector<ThroughputRun> runs;
  for (int w : options.workers) runs.push_back(MeasureThroughput(world, options, w));
  if (!runs.empty()) PrintThroughput(runs, options);
  std::cout.flush();
  return 0;
}
