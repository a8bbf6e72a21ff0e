#include "notify/telegram_pacer.h"

#include <algorithm>

#include <fmt/format.h>

namespace callbrief::notify {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Chats whose slots all lie in the past are forgotten once there are more than this many.
constexpr std::size_t kMaxRememberedChats = 256;

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
    pacer_->Sent(chat.chat_id);
    if (!sent && sent.error().kind == core::ErrorKind::kRateLimited && sent.error().retry_after) {
      pacer_->Hold(chat.chat_id, *sent.error().retry_after);
    }
    return sent;
  }

  std::unique_ptr<TelegramClient> inner_;
  std::shared_ptr<TelegramPacer> pacer_;
  SleepFunction sleep_;
};

}  // namespace

TelegramPacer::TelegramPacer(const core::Clock& clock, PacerLimits limits)
    : clock_(clock), limits_(limits) {}

bool TelegramPacer::IsGroup(std::string_view chat_id) {
  return chat_id.starts_with('-') || chat_id.starts_with('@');
}

core::Result<milliseconds> TelegramPacer::Reserve(const std::string& chat_id) {
  const core::TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (chats_.size() > kMaxRememberedChats) {
    std::erase_if(chats_, [&](const auto& entry) {
      const ChatSlots& slots = entry.second;
      return slots.next_free <= now &&
             (slots.recent.empty() || slots.recent.back() + limits_.group_window <= now);
    });
  }
  ChatSlots& slots = chats_[chat_id];
  const bool group = IsGroup(chat_id);
  while (!slots.recent.empty() && slots.recent.front() + limits_.group_window <= now) {
    slots.recent.pop_front();
  }
  core::TimePoint slot = std::max(now, slots.next_free);
  const auto window_count =
      static_cast<std::size_t>(std::max(limits_.group_messages_per_window, 1));
  if (group && slots.recent.size() >= window_count) {
    // The message that would be the 21st within a minute waits for the oldest of the last 20 to
    // leave the window.
    slot = std::max(slot, slots.recent[slots.recent.size() - window_count] + limits_.group_window);
  }
  const milliseconds wait = duration_cast<milliseconds>(slot - now);
  if (wait > limits_.max_wait) {
    return core::Error::RateLimited(
        fmt::format("pacing chat {}: the next free slot is in {} ms (at most one message a second "
                    "per chat and {} a minute per group)",
                    chat_id, wait.count(), limits_.group_messages_per_window),
        wait);
  }
  slots.next_free = slot + limits_.per_chat_interval;
  if (group) slots.recent.push_back(slot);
  return wait;
}

void TelegramPacer::Sent(const std::string& chat_id) {
  const core::TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  ChatSlots& slots = chats_[chat_id];
  slots.next_free = std::max(slots.next_free, now + limits_.per_chat_interval);
}

void TelegramPacer::Hold(const std::string& chat_id, milliseconds retry_after) {
  const core::TimePoint until = clock_.Now() + retry_after;
  std::lock_guard lock(mutex_);
  ChatSlots& slots = chats_[chat_id];
  slots.next_free = std::max(slots.next_free, until);
}

std::unique_ptr<TelegramClient> MakePacedTelegramClient(std::unique_ptr<TelegramClient> inner,
                                                        std::shared_ptr<TelegramPacer> pacer,
                                                        SleepFunction sleep) {
  return std::make_unique<PacedTelegramClient>(std::move(inner), std::move(pacer),
                                               std::move(sleep));
}

}  // namespace callbrief::notify
