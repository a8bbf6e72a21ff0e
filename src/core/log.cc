#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>

#include <cstdio>
#include <mutex>
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

// `text` fit for one line of a text log: line breaks and other control characters (and the
// Unicode line separators NEL, LS, PS) written as escapes, so a "%0a" a client put in a path or
// header cannot end the line and forge the next one. Tabs stay.
void AppendOneLine(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x85) {
      out += "\\u0085";
      ++i;
    } else if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
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
      if (!call_id.empty()) {
        line += "[call=";
        AppendOneLine(Redact(call_id), line);
        line += "] ";
      }
      AppendOneLine(text, line);
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

// Writes formatted lines to a stream (stdout). Formatting (redaction included) happens on the
// logging thread outside the lock; only the write is serialized. spdlog's own sinks format inside
// their lock, which made every request thread queue behind one mutex under load.
class LineSink final : public spdlog::sinks::sink {
 public:
  LineSink(LogFormat format, std::FILE* stream) : formatter_(format), stream_(stream) {}

  void log(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_.format(msg, line);  // LineFormatter keeps no state between calls: thread-safe.
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stream_);
  }
  void flush() override {
    std::lock_guard lock(mutex_);
    std::fflush(stream_);
  }
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

 private:
  LineFormatter formatter_;
  std::FILE* const stream_;
  std::mutex mutex_;
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

std::shared_ptr<spdlog::sinks::sink> MakeLineSink(LogFormat format, std::FILE* stream) {
  return std::make_shared<LineSink>(format, stream);
}

void InitLogging(LogFormat format, std::string_view level,
                 std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!sink) sink = MakeLineSink(format, stdout);
  auto logger = std::make_shared<spdlog::logger>("callbrief", sink);
  logger->set_formatter(MakeLogFormatter(format));  // LineSink formats by itself and ignores it.
  logger->set_level(spdlog::level::from_str(std::string(level)));
  // Warnings and errors leave at once; routine lines are flushed every second, because a
  // write(2) per line under the sink's lock cost a fifth of the webhook throughput. A crash can
  // lose at most that second of info lines, never an event (those are in the database).
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace callbrief::core
