#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/retention.h"
#include "core/result.h"
#include "store/call_store.h"

namespace callbrief::app {

// What erasing one call did: in the database, then in DATA_DIR.
struct CallErasure {
  store::ErasedCall call{};
  // The recording and chunks deleted (none unless call.outcome is kErased).
  AudioSweep files{};
  // Set when the call left the database but its files could not go.
  std::string files_error{};
};

// A data subject's request for one call (docs/privacy.md): the call leaves the database
// (store::CallStore::EraseCall: only its CALL_ID stays, so it is never stored again), then its
// directory DATA_DIR/calls/<id>/ is deleted. The same for `callbrief calls erase` and the call
// page's button. Errors are the store's; a file that cannot be deleted is reported in
// `files_error` (the call is erased from the database either way).
core::Result<CallErasure> EraseCallAndFiles(store::CallStore& store, const std::string& data_dir,
                                            std::string_view id_or_call_id, std::int64_t now_ms);

}  // namespace callbrief::app
