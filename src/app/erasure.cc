#include "app/erasure.h"

namespace callbrief::app {

core::Result<CallErasure> EraseCallAndFiles(store::CallStore& store, const std::string& data_dir,
                                            std::string_view id_or_call_id, std::int64_t now_ms) {
  auto erased = store.EraseCall(id_or_call_id, now_ms);
  if (!erased) return erased.error();
  CallErasure result{.call = *erased};
  if (erased->outcome != store::EraseOutcome::kErased) return result;
  // After the database, which refuses a call a worker holds: deleting first could take the
  // recording from under a running stage. A crash in between leaves the directory of an id no
  // call has any more (`callbrief purge` or RETAIN_AUDIO_DAYS remove it by its age).
  auto files = RemoveCallAudio(data_dir, erased->id);
  if (files) {
    result.files = *files;
  } else {
    result.files_error = files.error().message;
  }
  return result;
}

}  // namespace callbrief::app
