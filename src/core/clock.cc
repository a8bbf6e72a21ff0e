#include "core/clock.h"

#include <charconv>
#include <ctime>

#include <fmt/format.h>

namespace callbrief::core {
namespace {

bool ReadFixed(std::string_view text, size_t pos, size_t len, int* out) {
  if (pos + len > text.size()) return false;
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, *out);
  return ec == std::errc() && ptr == text.data() + pos + len;
}

bool Expect(std::string_view text, size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

}  // namespace

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string FormatIso8601Millis(std::int64_t unix_ms) {
  std::int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  int millis = static_cast<int>(unix_ms - seconds * 1000);
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string FormatIso8601(TimePoint t) { return FormatIso8601Millis(ToUnixMillis(t)); }

// Besides what clock.h says, times outside the years 1900…2199 are refused (see below).
bool ParseIso8601(std::string_view text, TimePoint* out) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadFixed(text, 0, 4, &year) || !Expect(text, 4, '-') || !ReadFixed(text, 5, 2, &month) ||
      !Expect(text, 7, '-') || !ReadFixed(text, 8, 2, &day)) {
    return false;
  }
  size_t pos = 10;
  std::int64_t millis = 0;
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return false;
    if (!ReadFixed(text, pos + 1, 2, &hour) || !Expect(text, pos + 3, ':') ||
        !ReadFixed(text, pos + 4, 2, &minute) || !Expect(text, pos + 6, ':') ||
        !ReadFixed(text, pos + 7, 2, &second)) {
      return false;
    }
    pos += 9;
    if (Expect(text, pos, '.')) {
      size_t digits = 0;
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return false;
      for (size_t d = digits; d < 3; ++d) millis *= 10;
    }
    if (Expect(text, pos, 'Z')) {
      ++pos;
    } else if (Expect(text, pos, '+') || Expect(text, pos, '-')) {
      int oh = 0, om = 0;
      int sign = text[pos] == '-' ? -1 : 1;
      if (!ReadFixed(text, pos + 1, 2, &oh) || !Expect(text, pos + 3, ':') ||
          !ReadFixed(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
        return false;
      }
      offset_seconds = sign * (oh * 3600 + om * 60);
      pos += 6;
    }
    if (pos != text.size()) return false;
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return false;
  auto t = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second) + milliseconds(millis) -
           seconds(offset_seconds);
  // TimePoint counts nanoseconds in 64 bits (years 1678…2261): a later year such as 9999 would
  // overflow the conversion (undefined behaviour, found by fuzz/time_fuzz). Calls happen now.
  constexpr sys_days kEarliest = sys_days(std::chrono::year(1900) / 1 / 1);
  constexpr sys_days kLatest = sys_days(std::chrono::year(2200) / 1 / 1);
  if (t < kEarliest || t >= kLatest) return false;
  *out = time_point_cast<TimePoint::duration>(t);
  return true;
}

}  // namespace callbrief::core
