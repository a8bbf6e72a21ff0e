#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/redact.h"

namespace callbrief::core {
namespace {

thread_local std::string current_call_id;

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string text = Redact(std::string_view(msg.payload.data(), msg.payload.size()));
    std::string time = FormatIso8601(std::chrono::time_point_cast<TimePoint::duration>(msg.time));
    std::string_view call_id = current_call_id;
    std::string line;
    if (format_ == LogFormat::kJson) {
      nlohmann::json j = {{"time", time}, {"level", LevelName(msg.level)}, {"msg", text}};
      if (!call_id.empty()) j["call_id"] = Redact(call_id);
      // Invalid UTF-8 from a peer must not make a log line disappear: replace it.
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = fmt::format("{} {:<5} ", time, LevelName(msg.level));
      if (!call_id.empty()) line += fmt::format("[call={}] ", Redact(call_id));
      line += text;
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  LogFormat format_;
};

}  // namespace

CallLogScope::CallLogScope(std::string call_id) : previous_(std::move(current_call_id)) {
  current_call_id = std::move(call_id);
}

CallLogScope::~CallLogScope() { current_call_id = std::move(previous_); }

std::string_view CurrentLogCallId() { return current_call_id; }

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  return std::make_unique<LineFormatter>(format);
}

void InitLogging(LogFormat format, std::string_view level,
                 std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("callbrief", std::move(sink));
  logger->set_formatter(MakeLogFormatter(format));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);  // A line is on its way out before the process can die.
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace callbrief::core
