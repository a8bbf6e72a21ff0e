#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace callbrief::app {

struct CallsListOptions {
  int limit = 20;
  std::string stage;  // Comma-separated stage names; empty for any.
};

// `callbrief calls list|show|retry`: the Calls page for a terminal. Each returns the process exit
// code; output goes to stdout, errors to stderr as one line.
int RunCallsList(const core::Config& config, const CallsListOptions& options);
int RunCallsShow(const core::Config& config, const std::string& id);
// Sends a failed or skipped call back to the stage where it stopped; a running `callbrief serve`
// on the same database picks it up within its idle poll (2 s).
int RunCallsRetry(const core::Config& config, const std::string& id);

// What `callbrief calls erase` erases: these calls (our ids or CALL_IDs), or every call of a
// client number (compared as store::ClientNumberKey says).
struct CallsEraseOptions {
  std::vector<std::string> ids;
  std::string number;
  bool yes = false;  // Without it the calls are only listed.
};
// A data subject's request for deletion: lists the calls, and with `yes` erases each from the
// database (store::CallStore::EraseCall: nothing of it stays but its CALL_ID, so it is never
// stored again) and deletes its files in DATA_DIR. A call being processed at that moment is left
// and reported (exit code 1: run it again). Messages already sent to Telegram and comments on the
// Bitrix24 timeline are not touched: the output says so.
int RunCallsErase(const core::Config& config, const CallsEraseOptions& options);

}  // namespace callbrief::app
