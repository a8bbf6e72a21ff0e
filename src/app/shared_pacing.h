#pragma once

#include <chrono>
#include <string>

#include "core/clock.h"
#include "notify/telegram_pacer.h"
#include "store/call_store.h"

namespace callbrief::app {

// The Telegram pacer's ledger in the database (CallStore::UpdatePacing): every instance on one
// PostgreSQL reserves its send slots from the same rows, so a burst of finished calls spread over
// several instances still goes out at most one message a second per chat and 20 a minute per
// group. On PostgreSQL the slots are on the database's clock; `clock` is the caller's now, which
// SQLite uses. Each reservation is one short transaction on the chat's row. Thread-safe; `store`
// must outlive it.
class SharedPacingLedger final : public notify::PacingLedger {
 public:
  SharedPacingLedger(store::CallStore& store, const core::Clock& clock)
      : store_(store), clock_(clock) {}

  core::Result<std::chrono::milliseconds> Update(const std::string& chat_id,
                                                 const PacingLedger::SlotsUpdate& update) override;

 private:
  store::CallStore& store_;
  const core::Clock& clock_;
};

}  // namespace callbrief::app
