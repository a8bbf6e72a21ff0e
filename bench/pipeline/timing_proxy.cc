#include "timing_proxy.h"

#include <strings.h>

#include <algorithm>

namespace callbrief::bench {
namespace {

// When the request being served on this thread arrived (set by the pre-routing hook).
thread_local std::int64_t request_start_us = 0;

// Hop-by-hop and framing headers are not copied: httplib sets its own.
bool ForwardedRequestHeader(const std::string& name) {
  static const char* const kKept[] = {"Authorization", "User-Agent", "Accept"};
  for (const char* kept : kKept) {
    if (strcasecmp(name.c_str(), kept) == 0) return true;
  }
  return false;
}

bool ForwardedResponseHeader(const std::string& name) {
  static const char* const kDropped[] = {"Content-Length", "Content-Type", "Transfer-Encoding",
                                         "Connection", "Keep-Alive"};
  for (const char* dropped : kDropped) {
    if (strcasecmp(name.c_str(), dropped) == 0) return false;
  }
  return true;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TimingProxy::TimingProxy(std::string name, int upstream_port, bool rewrite_authority)
    : name_(std::move(name)),
      upstream_port_(upstream_port),
      rewrite_authority_(rewrite_authority) {}

TimingProxy::~TimingProxy() { Stop(); }

bool TimingProxy::Start() {
  // Enough threads that delayed requests of 64 workers never queue in the proxy.
  server_.new_task_queue = [] { return new httplib::ThreadPool(256); };
  server_.set_tcp_nodelay(true);
  server_.set_read_timeout(120, 0);
  server_.set_write_timeout(120, 0);
  server_.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start_us = NowMicros();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    Interval interval{Label(req.path), request_start_us, NowMicros(), res.status};
    {
      std::lock_guard lock(mu_);
      intervals_.push_back(std::move(interval));
    }
    ended_.notify_all();
  });
  auto forward = [this](const httplib::Request& req, httplib::Response& res) { Forward(req, res); };
  server_.Get(".*", forward);
  server_.Post(".*", forward);
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return true;
}

void TimingProxy::Stop() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

void TimingProxy::SetDelay(const std::string& path_part, std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delays_[path_part] = delay;
}

void TimingProxy::ClearDelays() {
  std::lock_guard lock(mu_);
  delays_.clear();
}

std::vector<Interval> TimingProxy::Intervals() const {
  std::lock_guard lock(mu_);
  return intervals_;
}

void TimingProxy::ClearIntervals() {
  std::lock_guard lock(mu_);
  intervals_.clear();
}

bool TimingProxy::WaitForEnd(const std::string& label, std::int64_t after_us,
                             std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return ended_.wait_for(lock, timeout, [&] {
    return std::any_of(intervals_.begin(), intervals_.end(),
                       [&](const Interval& i) { return i.label == label && i.end_us > after_us; });
  });
}

std::string TimingProxy::Label(const std::string& path) const {
  if (path.find("/audio/transcriptions") != std::string::npos) return "transcribe";
  if (path.find("/chat/completions") != std::string::npos) return "summarize";
  if (path.find("/rest/download.json") != std::string::npos) return "download";
  std::string method = path.substr(path.rfind('/') + 1);
  if (method.ends_with(".json")) method.resize(method.size() - 5);
  return name_ + " " + method;
}

std::chrono::milliseconds TimingProxy::DelayFor(const std::string& path) const {
  std::lock_guard lock(mu_);
  for (const auto& [part, delay] : delays_) {
    if (path.find(part) != std::string::npos) return delay;
  }
  return std::chrono::milliseconds(0);
}

void TimingProxy::Forward(const httplib::Request& req, httplib::Response& res) {
  if (auto delay = DelayFor(req.path); delay.count() > 0) std::this_thread::sleep_for(delay);

  httplib::Client upstream("127.0.0.1", upstream_port_);
  upstream.set_tcp_nodelay(true);
  upstream.set_connection_timeout(5, 0);
  upstream.set_read_timeout(120, 0);
  upstream.set_write_timeout(120, 0);
  httplib::Headers headers;
  for (const auto& [name, value] : req.headers) {
    if (ForwardedRequestHeader(name)) headers.emplace(name, value);
  }
  const std::string& target = req.target.empty() ? req.path : req.target;
  httplib::Result answer = [&] {
    if (req.method == "GET") return upstream.Get(target, headers);
    if (req.is_multipart_form_data()) {
      httplib::MultipartFormDataItems items;
      for (const auto& [name, part] : req.files) {
        items.push_back({part.name, part.content, part.filename, part.content_type});
      }
      return upstream.Post(target, headers, items);
    }
    return upstream.Post(target, headers, req.body, req.get_header_value("Content-Type"));
  }();
  if (!answer) {
    res.status = 502;
    res.set_content("bench proxy: the emulator did not answer", "text/plain");
    return;
  }
  res.status = answer->status;
  for (const auto& [name, value] : answer->headers) {
    if (ForwardedResponseHeader(name)) res.headers.emplace(name, value);
  }
  std::string body = std::move(answer->body);
  if (rewrite_authority_) {
    ReplaceAll(body, "127.0.0.1:" + std::to_string(upstream_port_),
               "127.0.0.1:" + std::to_string(port_));
  }
  std::string content_type = answer->get_header_value("Content-Type");
  res.set_content(std::move(body),
                  content_type.empty() ? "application/octet-stream" : content_type);
}

std::int64_t CoveredMicros(std::vector<Interval> intervals, std::int64_t from_us,
                           std::int64_t to_us) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.start_us < b.start_us; });
  std::int64_t covered = 0;
  std::int64_t reach = from_us;  // Everything before `reach` is counted already.
  for (const Interval& i : intervals) {
    std::int64_t start = std::max(i.start_us, reach);
    std::int64_t end = std::min(i.end_us, to_us);
    if (end > start) {
      covered += end - start;
      reach = end;
    }
  }
  return covered;
}

}  // namespace callbrief::bench
