#include "notify/telegram_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_bounded.h"
#include "core/redact.h"
#include "net/http_error.h"

namespace callbrief::notify {
namespace {

using core::Error;
using core::ErrorKind;
using json = nlohmann::json;

constexpr char kJsonType[] = "application/json";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// A chat id as the Bot API wants it: an integer when it is one, else the "@username" string.
json ChatIdJson(const std::string& chat_id) {
  std::int64_t id = 0;
  const char* end = chat_id.data() + chat_id.size();
  auto [ptr, ec] = std::from_chars(chat_id.data(), end, id);
  if (ec == std::errc() && ptr == end && !chat_id.empty()) return id;
  return chat_id;
}

std::string IdText(const json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_string()) return value.get<std::string>();
  return {};
}

Error WithCode(Error error, std::string code) {
  error.code = std::move(code);
  return error;
}

class HttpTelegramClient final : public TelegramClient {
 public:
  HttpTelegramClient(net::HttpClient& http, TelegramClientOptions options)
      : http_(http), options_(std::move(options)) {
    while (!options_.api_base_url.empty() && options_.api_base_url.back() == '/') {
      options_.api_base_url.pop_back();
    }
  }

  core::Result<std::int64_t> SendMessage(const ChatTarget& chat, std::string_view html) override {
    json params = {{"chat_id", ChatIdJson(chat.chat_id)},
                   {"text", html},
                   {"parse_mode", "HTML"},
                   {"link_preview_options", {{"is_disabled", true}}}};
    if (auto thread = ThreadToSend(chat)) params["message_thread_id"] = *thread;
    net::HttpRequest request{.method = "POST",
                             .url = Url("sendMessage"),
                             .headers = {{"Content-Type", kJsonType}},
                             .body = params.dump(),
                             .timeout = options_.timeout};
    auto result = Call("sendMessage", request);
    if (!result) return result.error();
    return MessageId("sendMessage", *result);
  }

  core::Result<std::int64_t> SendDocument(const ChatTarget& chat,
                                          const TelegramDocument& document) override {
    std::vector<net::MultipartPart> parts = {net::MultipartPart::Field("chat_id", chat.chat_id)};
    if (auto thread = ThreadToSend(chat)) {
      parts.push_back(net::MultipartPart::Field("message_thread_id", std::to_string(*thread)));
    }
    if (!document.caption_html.empty()) {
      parts.push_back(net::MultipartPart::Field("caption", document.caption_html));
      parts.push_back(net::MultipartPart::Field("parse_mode", "HTML"));
    }
    parts.push_back(net::MultipartPart{.name = "document",
                                       .value = document.content,
                                       .filename = document.file_name,
                                       .content_type = "text/plain; charset=utf-8"});
    net::HttpRequest request{.method = "POST",
                             .url = Url("sendDocument"),
                             .multipart = std::move(parts),
                             .timeout = options_.upload_timeout};
    auto result = Call("sendDocument", request);
    if (!result) return result.error();
    return MessageId("sendDocument", *result);
  }

  core::Result<BotIdentity> GetMe() override {
    auto result = Post("getMe", json::object());
    if (!result) return result.error();
    const json& user = *result;
    if (!user.is_object() || !user.value("id", json()).is_number_integer()) {
      return Error::Permanent("Telegram getMe: the answer has no bot id");
    }
    return BotIdentity{.id = user["id"].get<std::int64_t>(),
                       .username = user.value("username", std::string()),
                       .first_name = user.value("first_name", std::string())};
  }

  core::Result<ChatAccess> CheckChat(const ChatTarget& chat) override {
    auto me = GetMe();
    if (!me) return me.error();
    auto info = Post("getChat", {{"chat_id", ChatIdJson(chat.chat_id)}});
    if (!info) return info.error();
    ChatAccess access{.type = info->value("type", std::string()),
                      .title = info->value("title", info->value("first_name", std::string())),
                      .is_forum = info->value("is_forum", false)};
    if (access.type == "private") {
      access.can_post = true;  // Unless the user blocked the bot, which only sending reveals.
      access.can_send_documents = true;
    } else {
      auto member =
          Post("getChatMember", {{"chat_id", ChatIdJson(chat.chat_id)}, {"user_id", me->id}});
      if (!member) return member.error();
      access.bot_status = member->value("status", std::string());
      JudgeMembership(*member, access);
      access.can_send_documents = access.can_post && CanSendDocuments(*info, *member, access);
    }
    // tdlib/telegram-bot-api Client.cpp check_message_topic: outside a forum the thread id is
    // ignored and the message lands in the chat, so this does not stop delivery.
    if (chat.thread_id && !access.is_forum) {
      access.warning =
          "TELEGRAM_THREAD_ID is set but the chat has no topics (it is not a forum): Telegram "
          "ignores it and posts to the chat itself; unset it, or enable topics in the chat";
    }
    return access;
  }

 private:
  // The message_thread_id to send: none for the General topic, which the Bot API refuses by id
  // (tdlib/telegram-bot-api Client.cpp check_message_topic: forum_topic_id ==
  // GENERAL_FORUM_TOPIC_ID → "message thread not found").
  static std::optional<std::int64_t> ThreadToSend(const ChatTarget& chat) {
    if (!chat.thread_id || *chat.thread_id == kGeneralTopicId) return std::nullopt;
    return chat.thread_id;
  }

  // Administrators and the creator are not bound by the chat's permissions; a member is bound by
  // getChat's permissions (absent: allowed), a restricted member by its own.
  static bool CanSendDocuments(const json& chat, const json& member, const ChatAccess& access) {
    const std::string& status = access.bot_status;
    if (status == "creator" || status == "administrator" || access.type == "channel") return true;
    if (status == "restricted") return member.value("can_send_documents", false);
    const json permissions = chat.value("permissions", json::object());
    return !permissions.is_object() || permissions.value("can_send_documents", true);
  }

  static void JudgeMembership(const json& member, ChatAccess& access) {
    const std::string& status = access.bot_status;
    if (status == "creator") {
      access.can_post = true;
    } else if (status == "administrator") {
      access.can_post = access.type != "channel" || member.value("can_post_messages", false);
    } else if (status == "member") {
      access.can_post = access.type != "channel";
    } else if (status == "restricted") {
      access.can_post = member.value("is_member", true) && member.value("can_send_messages", false);
    }
    if (access.can_post) return;
    access.problem = access.type == "channel"
                         ? "the bot is not an administrator allowed to post in the channel "
                           "TELEGRAM_TARGET_CHAT_ID; make it one"
                         : fmt::format(
                               "the bot is '{}' in TELEGRAM_TARGET_CHAT_ID and may not "
                               "post; add it to the chat and allow it to send messages",
                               status.empty() ? "unknown" : status);
  }

  std::string Url(std::string_view method) const {
    return fmt::format("{}/bot{}/{}", options_.api_base_url, options_.bot_token, method);
  }

  // No error may carry the token: the HTTP client redacts URLs, and this catches anything else.
  Error Clean(Error error) const {
    if (options_.bot_token.empty()) return error;
    for (std::size_t at = error.message.find(options_.bot_token); at != std::string::npos;
         at = error.message.find(options_.bot_token, at)) {
      error.message.replace(at, options_.bot_token.size(), core::Redactor::kMask);
    }
    return error;
  }

  core::Result<json> Post(std::string_view method, const json& params) {
    net::HttpRequest request{.method = "POST",
                             .url = Url(method),
                             .headers = {{"Content-Type", kJsonType}},
                             .body = params.dump(),
                             .timeout = options_.timeout};
    return Call(method, request);
  }

  // The `result` of a successful call.
  core::Result<json> Call(std::string_view method, const net::HttpRequest& request) {
    auto response = http_.Send(request);
    if (!response) {
      return Clean(response.error().WithContext(fmt::format("Telegram {}", method)));
    }
    if (response->status != 200) {
      return Clean(ErrorFromTelegramReply(method, *response, std::chrono::system_clock::now()));
    }
    json body = core::ParseBoundedJson(response->body);
    if (body.is_discarded() || !body.is_object() || body.value("ok", false) != true ||
        !body.contains("result")) {
      return Clean(
          Error::Transient(fmt::format("Telegram {}: HTTP 200 without a Bot API result: {}", method,
                                       net::BodyExcerpt(response->body))));
    }
    return std::move(body["result"]);
  }

  static core::Result<std::int64_t> MessageId(std::string_view method, const json& message) {
    if (message.is_object() && message.value("message_id", json()).is_number_integer()) {
      return message["message_id"].get<std::int64_t>();
    }
    return Error::Permanent(fmt::format("Telegram {}: the answer has no message_id", method));
  }

  net::HttpClient& http_;
  TelegramClientOptions options_;
};

}  // namespace

std::optional<std::string> MigratedChatId(const core::Error& error) {
  if (error.code.rfind(kMigratedCodePrefix, 0) != 0) return std::nullopt;
  std::string id = error.code.substr(kMigratedCodePrefix.size());
  if (id.empty()) return std::nullopt;
  return id;
}

core::Error ErrorFromTelegramReply(std::string_view method, const net::HttpResponse& response,
                                   core::TimePoint now) {
  const std::string context = fmt::format("Telegram {}", method);
  json body = core::ParseBoundedJson(response.body);
  if (body.is_discarded() || !body.is_object() || !body.contains("ok")) {
    Error error = net::ErrorForStatus(response, context, now);
    return response.status == 429 ? WithCode(std::move(error), "retry_after") : error;
  }
  const int status = response.status;
  const std::string description = net::BodyExcerpt(body.value("description", std::string()));
  const std::string lower = Lower(description);
  const json params = body.value("parameters", json::object());
  const std::string what = fmt::format("{}: HTTP {} {}", context, status, description);

  if (params.is_object() && params.value("retry_after", json()).is_number()) {
    auto seconds = std::max<std::int64_t>(0, params["retry_after"].get<std::int64_t>());
    return WithCode(Error::RateLimited(what, std::chrono::seconds(seconds)), "retry_after");
  }
  if (status == 429) return WithCode(net::ErrorForStatus(response, context, now), "retry_after");
  if (params.is_object() && params.contains("migrate_to_chat_id")) {
    std::string id = IdText(params["migrate_to_chat_id"]);
    if (!id.empty()) {
      return WithCode(Error::Config(fmt::format("{}: the group became a supergroup with id {}; set "
                                                "TELEGRAM_TARGET_CHAT_ID={}",
                                                what, id, id)),
                      std::string(kMigratedCodePrefix) + id);
    }
  }
  if (status == 401 || status == 404) {
    return Error::Config(fmt::format(
        "{}: TELEGRAM_BOT_TOKEN is not a valid bot token (or TELEGRAM_API_BASE_URL is not a Bot "
        "API server); get the token from @BotFather",
        what));
  }
  // Permission refusals. Telegram's own server errors reach us upper-case as 400 (Bot API
  // Client.cpp fail_query_with_error turns a 403 CHAT_WRITE_FORBIDDEN into "Bad Request:
  // CHAT_WRITE_FORBIDDEN"); TDLib's checks read "Have no write access to the chat"
  // (DialogManager.cpp can_send_message_to_dialog) or "Not enough rights to send documents to
  // the chat" (MessageContent.cpp). None of them passes by retrying: each names the fix.
  if (Contains(lower, "chat_send_") && Contains(lower, "_forbidden")) {
    return Error::Config(fmt::format(
        "{}: the chat's permissions forbid the bot this kind of message; allow members (or the "
        "bot, as an administrator) to send it in TELEGRAM_TARGET_CHAT_ID, or for documents set "
        "TELEGRAM_TRANSCRIPT=inline",
        what));
  }
  if (Contains(lower, "send documents")) {
    return Error::Config(fmt::format(
        "{}: the bot may not send files to TELEGRAM_TARGET_CHAT_ID; allow it to send files, or "
        "set TELEGRAM_TRANSCRIPT=inline",
        what));
  }
  if (Contains(lower, "chat_admin_required") || Contains(lower, "need administrator rights")) {
    return Error::Config(fmt::format(
        "{}: the bot must be an administrator of TELEGRAM_TARGET_CHAT_ID (allowed to post "
        "messages in a channel); make it one",
        what));
  }
  if (Contains(lower, "chat_restricted")) {
    return Error::Config(fmt::format(
        "{}: TELEGRAM_TARGET_CHAT_ID is restricted (by Telegram or its administrators) and the "
        "bot may not write there; lift the restriction or choose another chat",
        what));
  }
  if (status == 403 || Contains(lower, "chat_write_forbidden") ||
      Contains(lower, "have no write access") || Contains(lower, "not enough rights") ||
      Contains(lower, "have no rights")) {
    return Error::Config(fmt::format(
        "{}: the bot may not post to TELEGRAM_TARGET_CHAT_ID; add it to the chat (unblock it in a "
        "private chat) and allow it to send messages",
        what));
  }
  if (Contains(lower, "chat not found")) {
    return Error::Config(fmt::format(
        "{}: check TELEGRAM_TARGET_CHAT_ID (a numeric id like -100… or @channelname) and that the "
        "bot is in the chat",
        what));
  }
  if (Contains(lower, "thread not found") || Contains(lower, "topic_closed") ||
      Contains(lower, "topic_deleted") || Contains(lower, "topic closed")) {
    return Error::Config(
        fmt::format("{}: check TELEGRAM_THREAD_ID (the forum topic must exist and be open)", what));
  }
  if (Contains(lower, "can't parse entities")) {
    return WithCode(Error::Permanent(what), std::string(kCantParseEntitiesCode));
  }
  if (status >= 500 || status == 408) return Error::Transient(what);
  return Error::Permanent(what);
}

std::unique_ptr<TelegramClient> MakeTelegramClient(net::HttpClient& http,
                                                   TelegramClientOptions options) {
  return std::make_unique<HttpTelegramClient>(http, std::move(options));
}

}  // namespace callbrief::notify
