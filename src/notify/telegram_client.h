#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"

namespace callbrief::notify {

// Where messages go: TELEGRAM_TARGET_CHAT_ID and TELEGRAM_THREAD_ID (a forum topic).
struct ChatTarget {
  std::string chat_id{};  // "-100…" (supergroup, channel), "-…" (group), "123…" (user), "@name".
  std::optional<std::int64_t> thread_id{};
};

// A file for sendDocument, sent from memory (a transcript is kilobytes).
struct TelegramDocument {
  std::string file_name{};     // Shown in the chat, e.g. "transcript_<call>.txt".
  std::string content{};       // UTF-8 text.
  std::string caption_html{};  // Optional; at most 1024 visible characters, HTML parse mode.
};

// What getMe says about the bot.
struct BotIdentity {
  std::int64_t id = 0;
  std::string username{};
  std::string first_name{};
};

// What `callbrief doctor` reports about the target chat.
struct ChatAccess {
  std::string type{};   // "private", "group", "supergroup", "channel".
  std::string title{};  // Title, or the user's name for a private chat.
  bool is_forum = false;
  std::string bot_status{};  // getChatMember: creator, administrator, member, restricted, left,
                             // kicked; "" for a private chat (not asked).
  bool can_post = false;
  // Documents too (TELEGRAM_TRANSCRIPT document/auto): the chat's default permissions
  // (getChat permissions.can_send_documents) for a member, the bot's own for a restricted one.
  bool can_send_documents = false;
  std::string problem{};  // Why the bot cannot post (naming the variable to fix); "" if it can.
  std::string warning{};  // Something to fix that does not stop posting (an ignored thread id).
};

// TELEGRAM_THREAD_ID of a forum's General topic. The Bot API refuses it as a message_thread_id
// ("message thread not found"); a message without one lands in the General topic.
inline constexpr std::int64_t kGeneralTopicId = 1;

// The Telegram Bot API, the methods callbrief needs. Every failure is an Error whose kind the
// retry policy understands (ErrorFromTelegramReply); messages never contain the bot token.
// Implementations are thread-safe.
class TelegramClient {
 public:
  virtual ~TelegramClient() = default;

  // sendMessage in HTML parse mode with link previews off; returns the message_id. A thread id
  // of kGeneralTopicId is not sent (that is how the General topic is addressed).
  virtual core::Result<std::int64_t> SendMessage(const ChatTarget& chat, std::string_view html) = 0;
  // sendDocument (multipart upload); returns the message_id.
  virtual core::Result<std::int64_t> SendDocument(const ChatTarget& chat,
                                                  const TelegramDocument& document) = 0;
  virtual core::Result<BotIdentity> GetMe() = 0;
  // getMe, getChat and, except for private chats, getChatMember of the bot: whether the bot can
  // post to `chat`. An unreachable chat is an error (chat not found: kConfig); a reachable one the
  // bot may not write to is a ChatAccess with can_post false and the reason. A thread id in a
  // chat without topics is only a warning: Telegram ignores it and posts to the chat.
  virtual core::Result<ChatAccess> CheckChat(const ChatTarget& chat) = 0;
};

struct TelegramClientOptions {
  std::string api_base_url = "https://api.telegram.org";  // TELEGRAM_API_BASE_URL, no trailing /.
  std::string bot_token{};
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds upload_timeout{120000};  // For sendDocument.
};

// The client over `http`, which must outlive it.
std::unique_ptr<TelegramClient> MakeTelegramClient(net::HttpClient& http,
                                                   TelegramClientOptions options);

// The Error::code of a refusal because a group became a supergroup is this prefix followed by
// the new chat id ("migrate_to_chat_id:-1001234567890"); MigratedChatId reads it.
inline constexpr std::string_view kMigratedCodePrefix = "migrate_to_chat_id:";
// The chat id a migration refusal carries; nullopt for any other error.
std::optional<std::string> MigratedChatId(const core::Error& error);

// The Error::code of "can't parse entities" (our HTML was refused).
inline constexpr std::string_view kCantParseEntitiesCode = "cant_parse_entities";

// Interprets a Bot API reply that is not a success ({"ok":false,"error_code":…,"description":…,
// "parameters":{…}}). Pure. Messages begin "Telegram <method>: ".
//  - parameters.retry_after, or 429 → kRateLimited with that hint (429 without it: Retry-After);
//  - parameters.migrate_to_chat_id → kConfig, code kMigratedCodePrefix + id (the caller resends
//    to the new id and remembers it; it names TELEGRAM_TARGET_CHAT_ID in case nobody does);
//  - 401, 404 (a malformed token or a wrong TELEGRAM_API_BASE_URL) → kConfig naming
//    TELEGRAM_BOT_TOKEN;
//  - 400 "chat not found" → kConfig naming TELEGRAM_TARGET_CHAT_ID; 400 "message thread not
//    found" or a closed/deleted topic → kConfig naming TELEGRAM_THREAD_ID; permission refusals —
//    400 "not enough rights"/"have no rights"/"have no write access to the chat", the server's
//    CHAT_WRITE_FORBIDDEN, CHAT_RESTRICTED, CHAT_SEND_*_FORBIDDEN, CHAT_ADMIN_REQUIRED, "need
//    administrator rights" and every 403 (bot blocked, kicked, not a member) → kConfig naming
//    TELEGRAM_TARGET_CHAT_ID (or TELEGRAM_TRANSCRIPT for documents) and the fix;
//  - 400 "can't parse entities" → kPermanent with code kCantParseEntitiesCode; other 4xx →
//    kPermanent;
//  - 5xx, 408 and bodies that are not Bot API JSON with such a status → kTransient.
core::Error ErrorFromTelegramReply(std::string_view method, const net::HttpResponse& response,
                                   core::TimePoint now);

}  // namespace callbrief::notify
