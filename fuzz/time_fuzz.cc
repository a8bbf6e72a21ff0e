// The time and duration parsers fed by outside text: ISO 8601 times (Bitrix24's CALL_START_DATE,
// provider fields), HTTP Retry-After values and OpenAI's "try again in 6m0s" hints. Whatever is
// accepted must print and parse back to the same instant, and no wait may be negative.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/clock.h"
#include "fuzz_input.h"
#include "net/http_error.h"
#include "openai/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  callbrief::fuzz::FuzzInput in(data, size);
  const std::uint8_t which = in.Byte();
  std::string_view text = in.Rest();
  const callbrief::core::TimePoint now = callbrief::core::FromUnixMillis(1'795'536'000'000);
  switch (which % 3) {
    case 0: {
      callbrief::core::TimePoint parsed;
      if (!callbrief::core::ParseIso8601(text, &parsed)) return 0;
      callbrief::core::TimePoint again;
      // Printed with milliseconds: the same instant to the millisecond.
      if (!callbrief::core::ParseIso8601(callbrief::core::FormatIso8601(parsed), &again) ||
          callbrief::core::ToUnixMillis(again) != callbrief::core::ToUnixMillis(parsed)) {
        std::abort();
      }
      break;
    }
    case 1: {
      auto wait = callbrief::net::ParseRetryAfter(text, now);
      if (wait && wait->count() < 0) std::abort();
      break;
    }
    default: {
      auto wait = callbrief::openai::RetryHintFromMessage(text);
      if (wait && wait->count() < 0) std::abort();
      break;
    }
  }
  return 0;
}
