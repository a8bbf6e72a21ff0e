#include "notify/telegram_pacer.h"

#include <algorithm>

#include <fmt/format.h>

namespace callbrief::notify {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Chats whose slots all lie in the past are forgotten once there are more than this many.
constexpr std::size_t kMaxRememberedChats = 256;
// Slots older than this no longer matter to any limit (the group window is a minute).
constexpr milliseconds kLongestWindow{60'000};

class PacedTelegramClient final : public TelegramClient {
 public:
  PacedTelegramClient(std::unique_ptr<TelegramClient> inner, std::shared_ptr<TelegramPacer> pacer,
                      SleepFunction sleep)
      : inner_(std::move(inner)), pacer_(std::move(pacer)), sleep_(std::move(sleep)) {}

  core::Result<std::int64_t> SendMessage(const ChatTarget& chat, std::string_view html) override {
    return Paced(chat, [&] { return inner_->SendMessage(chat, html); });
  }
  core::Result<std::int64_t> SendDocument(const ChatTarget& chat,
                                          const TelegramDocument& document) override {
    return Paced(chat, [&] { return inner_->SendDocument(chat, document); });
  }
  core::Result<BotIdentity> GetMe() override { return inner_->GetMe(); }
  core::Result<ChatAccess> CheckChat(const ChatTarget& chat) override {
    return inner_->CheckChat(chat);
  }

 private:
  template <typename Send>
  core::Result<std::int64_t> Paced(const ChatTarget& chat, Send send) {
    auto wait = pacer_->Reserve(chat.chat_id);
    if (!wait) return wait.error().WithContext("Telegram");
    if (wait->count() > 0) sleep_(*wait);
    auto sent = send();
    // The message is sent (or not) whatever the ledger says now: a mark that could not be kept
    // (the shared database did not answer) at worst lets the next send come sooner, which
    // Telegram answers with a 429 that is then held for.
    (void)pacer_->Sent(chat.chat_id);
    if (!sent && sent.error().kind == core::ErrorKind::kRateLimited && sent.error().retry_after) {
      (void)pacer_->Hold(chat.chat_id, *sent.error().retry_after);
    }
    return sent;
  }

  std::unique_ptr<TelegramClient> inner_;
  std::shared_ptr<TelegramPacer> pacer_;
  SleepFunction sleep_;
};

}  // namespace

core::Result<milliseconds> InProcessPacingLedger::Update(const std::string& chat_id,
                                                         const PacingLedger::SlotsUpdate& update) {
  const core::TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (chats_.size() > kMaxRememberedChats) {
    std::erase_if(chats_, [&](const auto& entry) {
      const ChatSlots& slots = entry.second;
      return slots.next_free <= now &&
             (slots.recent.empty() || slots.recent.back() + kLongestWindow <= now);
    });
  }
  ChatSlots slots = chats_[chat_id];
  auto answer = update(slots, now);
  if (answer) chats_[chat_id] = std::move(slots);
  return answer;
}

TelegramPacer::TelegramPacer(std::shared_ptr<PacingLedger> ledger, PacerLimits limits)
    : ledger_(std::move(ledger)), limits_(limits) {}

TelegramPacer::TelegramPacer(const core::Clock& clock, PacerLimits limits)
    : TelegramPacer(std::make_shared<InProcessPacingLedger>(clock), limits) {}

bool TelegramPacer::IsGroup(std::string_view chat_id) {
  return chat_id.starts_with('-') || chat_id.starts_with('@');
}

core::Result<milliseconds> TelegramPacer::Reserve(const std::string& chat_id) {
  const bool group = IsGroup(chat_id);
  return ledger_->Update(
      chat_id, [&](ChatSlots& slots, core::TimePoint now) -> core::Result<milliseconds> {
        std::erase_if(slots.recent,
                      [&](core::TimePoint slot) { return slot + limits_.group_window <= now; });
        core::TimePoint slot = std::max(now, slots.next_free);
        const auto window_count =
            static_cast<std::size_t>(std::max(limits_.group_messages_per_window, 1));
        if (group && slots.recent.size() >= window_count) {
          // The message that would be the 21st within a minute waits for the oldest of the last 20
          // to leave the window.
          slot = std::max(slot, slots.recent[slots.recent.size() - window_count] +
                                    limits_.group_window + limits_.margin);
        }
        const milliseconds wait = duration_cast<milliseconds>(slot - now);
        if (wait > limits_.max_wait) {
          return core::Error::RateLimited(
              fmt::format("pacing chat {}: the next free slot is in {} ms (at most one message a "
                          "second per chat and {} a minute per group)",
                          chat_id, wait.count(), limits_.group_messages_per_window),
              wait);
        }
        slots.next_free = slot + limits_.per_chat_interval + limits_.margin;
        if (group) {
          slots.recent.push_back(slot);
          // Only the last window_count slots ever decide a wait.
          if (slots.recent.size() > window_count) {
            slots.recent.erase(slots.recent.begin(),
                               slots.recent.end() - static_cast<std::ptrdiff_t>(window_count));
          }
        }
        return wait;
      });
}

core::Status TelegramPacer::Sent(const std::string& chat_id) {
  auto updated = ledger_->Update(chat_id, [&](ChatSlots& slots, core::TimePoint now) {
    slots.next_free = std::max(slots.next_free, now + limits_.per_chat_interval);
    return core::Result<milliseconds>(milliseconds{0});
  });
  if (!updated) return updated.error();
  return core::Ok();
}

core::Status TelegramPacer::Hold(const std::string& chat_id, milliseconds retry_after) {
  auto updated = ledger_->Update(chat_id, [&](ChatSlots& slots, core::TimePoint now) {
    slots.next_free = std::max(slots.next_free, now + retry_after);
    return core::Result<milliseconds>(milliseconds{0});
  });
  if (!updated) return updated.error();
  return core::Ok();
}

std::unique_ptr<TelegramClient> MakePacedTelegramClient(std::unique_ptr<TelegramClient> inner,
                                                        std::shared_ptr<TelegramPacer> pacer,
                                                        SleepFunction sleep) {
  return std::make_unique<PacedTelegramClient>(std::move(inner), std::move(pacer),
                                               std::move(sleep));
}

}  // namespace callbrief::notify
