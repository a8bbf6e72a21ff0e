#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

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
};

// Reserves send slots per chat so that every sender in the process together stays within
// PacerLimits. Thread-safe. Only this process is paced: several instances sharing a database each
// keep their own budget (see docs/providers.md).
class TelegramPacer {
 public:
  explicit TelegramPacer(const core::Clock& clock, PacerLimits limits = {});

  // How long to wait before sending one message to `chat_id`; the slot is reserved, so the
  // caller must send after that wait. kRateLimited (retry_after = the wait) without a
  // reservation when the wait is over max_wait.
  core::Result<std::chrono::milliseconds> Reserve(const std::string& chat_id);
  // A send to `chat_id` has just been answered: the next may go no sooner than a full interval
  // from now, because the request arrived at Telegram later than its reserved slot (network
  // latency varies, so spacing slots alone can bring two requests closer than a second).
  void Sent(const std::string& chat_id);
  // Telegram answered 429 for `chat_id`: nothing goes there before `retry_after` has passed.
  void Hold(const std::string& chat_id, std::chrono::milliseconds retry_after);

  // A chat id of a group, supergroup or channel (negative, or @username): the 20-a-minute rule.
  static bool IsGroup(std::string_view chat_id);

 private:
  struct ChatSlots {
    core::TimePoint next_free{};
    std::deque<core::TimePoint> recent{};  // Reserved slots inside the group window.
  };

  const core::Clock& clock_;
  const PacerLimits limits_;
  std::mutex mutex_;
  std::map<std::string, ChatSlots, std::less<>> chats_;  // Guarded by mutex_.
};

// `inner` with every SendMessage/SendDocument paced by `pacer` (which must outlive it): waits
// the reserved time with `sleep` first, returns kRateLimited instead of waiting too long, and
// holds the chat when Telegram still answers 429. Other methods pass through.
using SleepFunction = std::function<void(std::chrono::milliseconds)>;
std::unique_ptr<TelegramClient> MakePacedTelegramClient(std::unique_ptr<TelegramClient> inner,
                                                        std::shared_ptr<TelegramPacer> pacer,
                                                        SleepFunction sleep);

}  // namespace callbrief::notify
