#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace callbrief::fakes {

struct FakeTelegramOptions {
  std::string token = "123456789:AAFakeTelegramTokenForTests_0123456";  // <bot id>:<secret>.
  std::string bot_username = "callbrief_test_bot";
  int port = 0;  // 0: any free port.
  // Opt-in flood control as Telegram enforces it for bots (core.telegram.org/bots/faq: about one
  // message a second per chat, at most 20 a minute per group): sendMessage/sendDocument beyond
  // it answer 429 "Too Many Requests: retry after N" with parameters.retry_after (the Bot API's
  // form, telegram-bot-api Client.cpp get_retry_after_time / set_retry_after_error).
  bool flood_limits = false;
};

// A chat the bot may know. Message ids count from 1 per chat, as in Telegram.
struct FakeChat {
  std::int64_t id = 0;              // Negative for groups, -100… for supergroups and channels.
  std::string type = "supergroup";  // "private", "group", "supergroup", "channel".
  std::string title = "Звонки";     // For a private chat: the user's first name.
  bool is_forum = false;
  std::vector<std::int64_t> topics{};  // message_thread_id values that exist (forums only).
  std::string bot_status = "member";   // creator, administrator, member, restricted, left, kicked.
  bool can_post_messages = false;      // Administrators of channels.
  // Members: the chat's permissions (ChatPermissions.can_send_documents) allow documents.
  bool can_send_documents = true;
};

// A failure injected into the next `count` calls of one method, after the token check.
struct TelegramFault {
  int status = 500;  // 0 with hang: answer normally after the wait.
  std::string description = "Internal Server Error";
  std::optional<int> retry_after{};
  std::optional<std::int64_t> migrate_to_chat_id{};
  std::chrono::milliseconds hang{0};  // Wait this long first (Stop() cuts the wait short).
  // With status 0: handle the request normally (the message is sent), then wait this long before
  // answering — a reply lost to a slow network or to a client that died meanwhile.
  std::chrono::milliseconds answer_late{0};
  // Only requests naming this chat_id meet the fault; others pass it by. Unset: every request.
  std::optional<std::int64_t> chat_id{};
  int count = 1;

  static TelegramFault TooManyRequests(int retry_after_seconds);
  static TelegramFault InternalError();                           // 500.
  static TelegramFault BadGateway();                              // 502.
  static TelegramFault Hang(std::chrono::milliseconds duration);  // Then the normal answer.
  // The normal answer, `duration` after the request took effect. The Bot API offers no such
  // thing on purpose (its sources are silent on lost replies); it stands for the network.
  static TelegramFault AnswerLate(std::chrono::milliseconds duration);
  TelegramFault& InChat(std::int64_t chat) {
    chat_id = chat;
    return *this;
  }
  // An error of Telegram's servers (MTProto: code and an upper-case message such as 403
  // CHAT_WRITE_FORBIDDEN, CHAT_SEND_DOCS_FORBIDDEN, CHAT_RESTRICTED, CHAT_ADMIN_REQUIRED) as the
  // Bot API server passes it on (tdlib/telegram-bot-api Client.cpp fail_query_with_error: a 403
  // whose message is all upper case, digits and '_' becomes 400 "Bad Request: <MESSAGE>").
  static TelegramFault FromServer(int code, std::string message);
  TelegramFault& Times(int n) {
    count = n;
    return *this;
  }
};

// What the emulator accepted: one sent message or document.
struct SentTelegramMessage {
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  std::optional<std::int64_t> thread_id{};
  std::string text{};      // What the chat shows (after entity parsing); the caption for documents.
  std::string raw_text{};  // As sent.
  std::string parse_mode{};
  nlohmann::json entities = nlohmann::json::array();
  bool is_document = false;
  std::string file_name{};
  std::string file_content{};
  bool link_preview_disabled = false;
};

struct LoggedTelegramRequest {
  std::string method{};  // As in the path, any case; "" when the path had none.
  int status = 0;
  bool valid_token = false;
};

// An emulated Telegram Bot API server (https://api.telegram.org/bot<token>/<method>) for the
// methods callbrief uses — getMe, getChat, getChatMember, sendMessage, sendDocument — faithful to
// shared/reference/providers.md §4: parameters from the query string, a JSON, urlencoded or
// multipart body; answers {"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…,
// "parameters":{…}}. A wrong token: 401 Unauthorized; a path that is no token or an unknown
// method: 404 Not Found. sendMessage checks the chat (400 chat not found; 403 when the bot left,
// was kicked or blocked; 400 for a channel it may not post to), the topic (in a forum: 400 message
// thread not found for an unknown topic and for the General topic's id 1; elsewhere the thread id
// is ignored), parses HTML as Telegram does (400 can't parse entities: …) and counts the parsed
// text in UTF-16 units (400 message is too long above 4096; message text is empty). A group
// upgraded with UpgradeToSupergroup answers every call 400 with parameters.migrate_to_chat_id.
// Thread-safe; serves on 127.0.0.1 in its own threads between Start() and Stop().
class FakeTelegram {
 public:
  using Options = FakeTelegramOptions;

  explicit FakeTelegram(Options options = {});
  ~FakeTelegram();
  FakeTelegram(const FakeTelegram&) = delete;
  FakeTelegram& operator=(const FakeTelegram&) = delete;

  core::Status Start();
  void Stop();  // Idempotent; cuts injected hangs short.

  int port() const;
  std::string BaseUrl() const;  // "http://127.0.0.1:<port>": TELEGRAM_API_BASE_URL.
  const std::string& Token() const;
  std::int64_t BotId() const;  // The digits before ':' in the token.

  void AddChat(FakeChat chat);
  // The group `group_id` becomes the supergroup `supergroup_id` (same title, bot still a member).
  void UpgradeToSupergroup(std::int64_t group_id, std::int64_t supergroup_id);
  void SetBotStatus(std::int64_t chat_id, std::string status);
  void InjectFault(std::string_view method, TelegramFault fault);

  std::vector<SentTelegramMessage> Messages() const;
  std::vector<SentTelegramMessage> Messages(std::int64_t chat_id) const;
  std::vector<LoggedTelegramRequest> Requests() const;
  int CountRequests(std::string_view method) const;  // Any case.
  void ClearRequests();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace callbrief::fakes
