#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "notify/telegram_client.h"

namespace callbrief::notify {

// Telegram's limits for bots (core.telegram.org/bots/faq, "My bot is hitting limits, how do I
// avoid this?"): in a single chat no more than one message per second, and no more than 20
// messages per minute to the same group; beyond that the Bot API answers 429 with
// parameters.retry_after.
struct PacerLimits {
  std::chrono::milliseconds per_chat_interval{1000};
  int group_messages_per_window = 20;
  std::chrono::milliseconds group_window{60000};
  // A send that would have to wait longer than this is not made to wait: the caller gets
  // kRateLimited with the wait as retry_after and the call is taken again later, so a burst of
  // finished calls does not hold every worker.
  std::chrono::milliseconds max_wait{10000};
  // Added to both limits when slots are reserved ahead: Telegram counts a message when it
  // arrives, and two requests sent a second apart arrive closer than that when the first one's
  // latency was longer (another worker or instance, a fresh connection). 100 ms costs a burst a
  // tenth of its speed and absorbs that difference.
  std::chrono::milliseconds margin{100};
};

// The send slots of one chat: the earliest time its next message may go, and the slots reserved
// inside the group window, oldest first.
struct ChatSlots {
  core::TimePoint next_free{};
  std::vector<core::TimePoint> recent{};
};

// Where a pacer keeps the slots of each chat: this process's memory (InProcessPacingLedger), or a
// database every instance shares, so that two instances sending with one bot stay within one
// budget (app/shared_pacing.h).
class PacingLedger {
 public:
  using SlotsUpdate =
      std::function<core::Result<std::chrono::milliseconds>(ChatSlots& slots, core::TimePoint now)>;
  virtual ~PacingLedger() = default;

  // Runs `update` on the slots of `chat_id` with the ledger's "now", as one step no other sender
  // can interleave with, and keeps what it leaves; an error of `update` keeps nothing and is
  // answered as is.
  virtual core::Result<std::chrono::milliseconds> Update(const std::string& chat_id,
                                                         const SlotsUpdate& update) = 0;
};

// The slots in this process's memory, "now" from `clock`. Thread-safe.
class InProcessPacingLedger final : public PacingLedger {
 public:
  explicit InProcessPacingLedger(const core::Clock& clock) : clock_(clock) {}

  core::Result<std::chrono::milliseconds> Update(const std::string& chat_id,
                                                 const PacingLedger::SlotsUpdate& update) override;

 private:
  const core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, ChatSlots, std::less<>> chats_;  // Guarded by mutex_.
};

// Reserves send slots per chat so that every sender sharing the ledger together stays within
// PacerLimits: every worker of this process, and with a shared ledger every instance. Thread-safe.
class TelegramPacer {
 public:
  TelegramPacer(std::shared_ptr<PacingLedger> ledger, PacerLimits limits = {});
  // Paces this process alone (an InProcessPacingLedger on `clock`).
  explicit TelegramPacer(const core::Clock& clock, PacerLimits limits = {});

  // How long to wait before sending one message to `chat_id`; the slot is reserved, so the
  // caller must send after that wait. kRateLimited (retry_after = the wait) without a
  // reservation when the wait is over max_wait; the ledger's errors (a database that does not
  // answer: kTransient) as they are.
  core::Result<std::chrono::milliseconds> Reserve(const std::string& chat_id);
  // A send to `chat_id` has just been answered: the next may go no sooner than a full interval
  // from now, because the request arrived at Telegram later than its reserved slot (network
  // latency varies, so spacing slots alone can bring two requests closer than a second).
  core::Status Sent(const std::string& chat_id);
  // Telegram answered 429 for `chat_id`: nothing goes there before `retry_after` has passed.
  core::Status Hold(const std::string& chat_id, std::chrono::milliseconds retry_after);

  // A chat id of a group, supergroup or channel (negative, or @username): the 20-a-minute rule.
  static bool IsGroup(std::string_view chat_id);

 private:
  const std::shared_ptr<PacingLedger> ledger_;
  const PacerLimits limits_;
};

// `inner` with every SendMessage/SendDocument paced by `pacer` (which must outlive it): waits
// the reserved time with `sleep` first, returns kRateLimited instead of waiting too long, and
// holds the chat when Telegram still answers 429. Other methods pass through.
using SleepFunction = std::function<void(std::chrono::milliseconds)>;
std::unique_ptr<TelegramClient> MakePacedTelegramClient(std::unique_ptr<TelegramClient> inner,
                                                        std::shared_ptr<TelegramPacer> pacer,
                                                        SleepFunction sleep);

}  // namespace callbrief::notify
