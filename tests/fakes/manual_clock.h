#pragma once

#include "testing/manual_clock.h"

namespace callbrief::fakes {

// The emulators' link expiry, dates and rate limits run on the tests' one clock.
using testing::ManualClock;

}  // namespace callbrief::fakes
