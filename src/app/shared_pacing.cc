#include "app/shared_pacing.h"

namespace callbrief::app {

using std::chrono::milliseconds;

core::Result<milliseconds> SharedPacingLedger::Update(const std::string& chat_id,
                                                      const PacingLedger::SlotsUpdate& update) {
  auto answer = store_.UpdatePacing(
      chat_id, core::ToUnixMillis(clock_.Now()),
      [&](store::PacingSlots& stored, std::int64_t now_ms) -> core::Result<std::int64_t> {
        notify::ChatSlots slots{.next_free = core::FromUnixMillis(stored.next_free_ms),
                                .recent = {}};
        for (std::int64_t slot : stored.recent_ms) {
          slots.recent.push_back(core::FromUnixMillis(slot));
        }
        auto wait = update(slots, core::FromUnixMillis(now_ms));
        if (!wait) return wait.error();
        stored.next_free_ms = core::ToUnixMillis(slots.next_free);
        stored.recent_ms.clear();
        for (core::TimePoint slot : slots.recent)
          stored.recent_ms.push_back(core::ToUnixMillis(slot));
        return wait->count();
      });
  if (!answer) return answer.error();
  return milliseconds{*answer};
}

}  // namespace callbrief::app
