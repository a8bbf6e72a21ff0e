#pragma once

#include "core/config.h"

namespace callbrief::app {

// `callbrief doctor`: checks every part of the configuration that can be checked from here and
// prints one line per check (✅ / ❌ / ⚠️ with what to do). Exit code 0 when nothing failed.
// Today: the database and the Bitrix24 webhook (identity, administrator rights, scopes, call
// history). Telegram and the OpenAI-compatible providers are reported as configured or not; their
// live checks come with their clients.
int RunDoctor(const core::Config& config);

}  // namespace callbrief::app
