// FakeTelegram: the server, routing, faults and the Bot API methods.

#include "fakes/fake_telegram.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <httplib.h>

#include "fakes/emulator_listener.h"
#include "fakes/telegram_html.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxTextUnits = 4096;
constexpr std::size_t kMaxCaptionUnits = 1024;
constexpr std::size_t kMaxUploadBytes = 50 * 1024 * 1024;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A Bot API answer: status and body.
struct Reply {
  int status = 200;
  json body = json::object();
};

Reply Ok(json result) { return {200, {{"ok", true}, {"result", std::move(result)}}}; }
Reply Failure(int status, std::string description, json parameters = nullptr) {
  json body = {{"ok", false}, {"error_code", status}, {"description", std::move(description)}};
  if (!parameters.is_null()) body["parameters"] = std::move(parameters);
  return {status, std::move(body)};
}

// tdlib/telegram-bot-api telegram-bot-api/Client.h: GENERAL_FORUM_TOPIC_ID.
constexpr std::int64_t kGeneralForumTopicId = 1;

std::optional<std::int64_t> IntParam(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (!it->is_string()) return std::nullopt;
  const std::string& text = it->get_ref<const std::string&>();
  try {
    std::size_t used = 0;
    std::int64_t value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string StringParam(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

struct UploadedFile {
  std::string name;
  std::string content;
};

}  // namespace

TelegramFault TelegramFault::FromServer(int code, std::string message) {
  // tdlib/telegram-bot-api telegram-bot-api/Client.cpp (01a3679c) fail_query_with_error.
  bool server_error = code == 403 && !message.empty();
  for (char c : message) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) server_error = false;
  }
  if (code < 400 || code == 404 || server_error) code = 400;
  const char* prefix = code == 400   ? "Bad Request"
                       : code == 401 ? "Unauthorized"
                       : code == 403 ? "Forbidden"
                                     : "Internal Server Error";
  std::string text = message;
  if (message.size() >= 2 && !(message[1] == '_' || (message[1] >= 'A' && message[1] <= 'Z'))) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return {.status = code, .description = std::string(prefix) + ": " + text};
}

TelegramFault TelegramFault::TooManyRequests(int retry_after_seconds) {
  return {.status = 429,
          .description = "Too Many Requests: retry after " + std::to_string(retry_after_seconds),
          .retry_after = retry_after_seconds};
}
TelegramFault TelegramFault::InternalError() { return {}; }
TelegramFault TelegramFault::BadGateway() { return {.status = 502, .description = "Bad Gateway"}; }
TelegramFault TelegramFault::Hang(std::chrono::milliseconds duration) {
  return {.status = 0, .description = "", .hang = duration};
}
TelegramFault TelegramFault::AnswerLate(std::chrono::milliseconds duration) {
  return {.status = 0, .description = "", .answer_late = duration};
}

struct FakeTelegram::Impl {
  explicit Impl(Options options_in) : options(std::move(options_in)) {
    std::size_t colon = options.token.find(':');
    bot_id = std::stoll(options.token.substr(0, colon));
  }

  void HandleBot(const httplib::Request& request, httplib::Response& response);
  Reply Dispatch(const std::string& method, const json& params,
                 const std::optional<UploadedFile>& file);
  Reply GetMe() const;
  Reply GetChat(const json& params) const;
  Reply GetChatMember(const json& params) const;
  Reply Send(const json& params, const std::optional<UploadedFile>& file, bool document);
  // The chat named by chat_id, or the refusal (not found, migrated).
  const FakeChat* FindChat(const json& params, Reply& refusal) const;
  std::optional<Reply> RefuseSending(const FakeChat& chat) const;
  json ChatJson(const FakeChat& chat) const;
  json BotJson() const;
  bool SleepUnlessStopped(std::chrono::milliseconds duration);

  const Options options;
  std::int64_t bot_id = 0;

  mutable std::mutex mu;  // Guards everything below.
  std::map<std::int64_t, FakeChat> chats;
  std::map<std::int64_t, std::int64_t> migrated;  // Old group id → supergroup id.
  std::map<std::int64_t, std::int64_t> last_message_id;
  std::map<std::int64_t, std::deque<std::chrono::steady_clock::time_point>> sent_at;  // Floods.
  std::map<std::string, std::deque<TelegramFault>> faults;  // By lower-case method.
  std::vector<SentTelegramMessage> messages;
  std::vector<LoggedTelegramRequest> log;

  httplib::Server server;
  std::thread thread;
  std::atomic<int> port{0};
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;  // Guarded by stop_mu.
};

bool FakeTelegram::Impl::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(stop_mu);
  return !stop_cv.wait_for(lock, duration, [this] { return stopping; });
}

void FakeTelegram::Impl::HandleBot(const httplib::Request& request, httplib::Response& response) {
  const std::string token = request.matches[1];
  const std::string method = Lower(std::string(request.matches[2]));
  LoggedTelegramRequest entry{std::string(request.matches[2]), 0, token == options.token};
  auto answer = [&](const Reply& reply) {
    response.status = reply.status;
    response.set_content(reply.body.dump(), "application/json");
    entry.status = reply.status;
    std::lock_guard lock(mu);
    log.push_back(entry);
  };
  static const char* const kMethods[] = {"getme", "getchat", "getchatmember", "sendmessage",
                                         "senddocument"};
  bool known = std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
  if (!entry.valid_token) {
    // Telegram answers 401 for a well-formed token it does not know, 404 for anything else.
    bool well_formed = token.find(':') != std::string::npos && !token.empty() &&
                       std::isdigit(static_cast<unsigned char>(token[0]));
    return answer(well_formed ? Failure(401, "Unauthorized") : Failure(404, "Not Found"));
  }
  if (!known) return answer(Failure(404, "Not Found"));

  json params = json::object();
  for (const auto& [name, value] : request.params) params[name] = value;
  std::optional<UploadedFile> file;
  if (request.is_multipart_form_data()) {
    for (const auto& [name, field] : request.files) {
      if (field.filename.empty()) {
        params[name] = field.content;
      } else if (name == "document") {
        file = UploadedFile{field.filename, field.content};
      }
    }
  } else if (request.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return answer(Failure(400, "Bad Request: can't parse JSON object"));
    }
    params.update(body);
  }

  std::optional<TelegramFault> fault;
  {
    std::lock_guard lock(mu);
    auto it = faults.find(method);
    if (it != faults.end()) {
      // The first fault this request meets: one for its chat, or one for every chat.
      const std::optional<std::int64_t> chat = IntParam(params, "chat_id");
      for (auto f = it->second.begin(); f != it->second.end(); ++f) {
        if (f->chat_id && f->chat_id != chat) continue;
        fault = *f;
        if (--f->count <= 0) it->second.erase(f);
        break;
      }
    }
  }
  if (fault && fault->hang.count() > 0 && !SleepUnlessStopped(fault->hang)) {
    return answer(Failure(500, "Internal Server Error"));
  }
  if (fault && fault->status != 0) {
    json parameters = nullptr;
    if (fault->retry_after) parameters["retry_after"] = *fault->retry_after;
    if (fault->migrate_to_chat_id) parameters["migrate_to_chat_id"] = *fault->migrate_to_chat_id;
    return answer(Failure(fault->status, fault->description, parameters));
  }
  Reply reply = Dispatch(method, params, file);
  if (fault && fault->answer_late.count() > 0) SleepUnlessStopped(fault->answer_late);
  answer(reply);
}

Reply FakeTelegram::Impl::Dispatch(const std::string& method, const json& params,
                                   const std::optional<UploadedFile>& file) {
  std::lock_guard lock(mu);
  if (method == "getme") return GetMe();
  if (method == "getchat") return GetChat(params);
  if (method == "getchatmember") return GetChatMember(params);
  return Send(params, file, method == "senddocument");
}

json FakeTelegram::Impl::BotJson() const {
  return {{"id", bot_id},
          {"is_bot", true},
          {"first_name", "Callbrief Test"},
          {"username", options.bot_username}};
}

Reply FakeTelegram::Impl::GetMe() const {
  json me = BotJson();
  me["can_join_groups"] = true;
  me["can_read_all_group_messages"] = false;
  me["supports_inline_queries"] = false;
  return Ok(me);
}

json FakeTelegram::Impl::ChatJson(const FakeChat& chat) const {
  json out = {{"id", chat.id}, {"type", chat.type}};
  if (chat.type == "private") {
    out["first_name"] = chat.title;
  } else {
    out["title"] = chat.title;
  }
  if (chat.is_forum) out["is_forum"] = true;
  return out;
}

const FakeChat* FakeTelegram::Impl::FindChat(const json& params, Reply& refusal) const {
  if (!params.contains("chat_id") || StringParam(params, "chat_id").empty()) {
    refusal = Failure(400, "Bad Request: chat_id is empty");
    return nullptr;
  }
  auto id = IntParam(params, "chat_id");
  if (id) {
    if (auto it = migrated.find(*id); it != migrated.end()) {
      refusal = Failure(400, "Bad Request: group chat was upgraded to a supergroup chat",
                        {{"migrate_to_chat_id", it->second}});
      return nullptr;
    }
    if (auto it = chats.find(*id); it != chats.end()) return &it->second;
  }
  refusal = Failure(400, "Bad Request: chat not found");
  return nullptr;
}

Reply FakeTelegram::Impl::GetChat(const json& params) const {
  Reply refusal;
  const FakeChat* chat = FindChat(params, refusal);
  if (chat == nullptr) return refusal;
  if (chat->type != "private" && (chat->bot_status == "left" || chat->bot_status == "kicked")) {
    return Failure(400, "Bad Request: chat not found");
  }
  json info = ChatJson(*chat);
  // Bot API ChatFullInfo.permissions: the default member permissions of a group or supergroup.
  if (chat->type == "group" || chat->type == "supergroup") {
    info["permissions"] = {{"can_send_messages", true},
                           {"can_send_documents", chat->can_send_documents},
                           {"can_send_photos", true}};
  }
  return Ok(info);
}

Reply FakeTelegram::Impl::GetChatMember(const json& params) const {
  Reply refusal;
  const FakeChat* chat = FindChat(params, refusal);
  if (chat == nullptr) return refusal;
  if (IntParam(params, "user_id") != bot_id) return Failure(400, "Bad Request: user not found");
  json member = {{"status", chat->bot_status}, {"user", BotJson()}};
  if (chat->bot_status == "administrator") {
    member["can_post_messages"] = chat->can_post_messages;
    member["can_be_edited"] = false;
  }
  if (chat->bot_status == "restricted") {
    member["is_member"] = true;
    member["can_send_messages"] = false;
    member["can_send_documents"] = false;
  }
  return Ok(member);
}

std::optional<Reply> FakeTelegram::Impl::RefuseSending(const FakeChat& chat) const {
  const std::string& status = chat.bot_status;
  if (chat.type == "private") {
    if (status == "kicked") return Failure(403, "Forbidden: bot was blocked by the user");
    return std::nullopt;
  }
  if (status == "left")
    return Failure(403, "Forbidden: bot is not a member of the " + chat.type + " chat");
  if (status == "kicked") {
    return Failure(403, "Forbidden: bot was kicked from the " + chat.type + " chat");
  }
  if (chat.type == "channel" && status != "creator" &&
      !(status == "administrator" && chat.can_post_messages)) {
    return Failure(400, "Bad Request: need administrator rights in the channel chat");
  }
  if (status == "restricted") {
    return Failure(400, "Bad Request: not enough rights to send text messages to the chat");
  }
  return std::nullopt;
}

Reply FakeTelegram::Impl::Send(const json& params, const std::optional<UploadedFile>& file,
                               bool document) {
  Reply refusal;
  const FakeChat* chat = FindChat(params, refusal);
  if (chat == nullptr) return refusal;
  if (auto refused = RefuseSending(*chat)) return *refused;
  // tdlib/telegram-bot-api telegram-bot-api/Client.cpp (01a3679c), get_forum_topic_id and
  // check_message_topic: a message_thread_id that is no positive number counts as none; in a
  // forum supergroup the General topic (GENERAL_FORUM_TOPIC_ID = 1, Client.h) is refused with
  // "message thread not found", as is a topic getForumTopic does not find; in any other chat
  // (a supergroup without topics, a basic group, a channel) the thread id is silently ignored
  // and the message lands in the chat itself.
  std::optional<std::int64_t> thread = IntParam(params, "message_thread_id");
  if (thread && *thread <= 0) thread.reset();
  if (thread && !(chat->type == "supergroup" && chat->is_forum)) thread.reset();
  if (thread &&
      (*thread == kGeneralForumTopicId ||
       std::find(chat->topics.begin(), chat->topics.end(), *thread) == chat->topics.end())) {
    return Failure(400, "Bad Request: message thread not found");
  }
  // tdlib/td td/telegram/MessageContent.cpp can_send_message_content: a member whose chat
  // permissions exclude documents gets "Not enough rights to send documents to the chat", which
  // the Bot API passes on as 400 with the first letter lowered (Client.cpp
  // fail_query_with_error).
  if (document && chat->type != "private" && chat->type != "channel" &&
      (chat->bot_status == "member" || chat->bot_status == "restricted") &&
      !chat->can_send_documents) {
    return Failure(400, "Bad Request: not enough rights to send documents to the chat");
  }
  SentTelegramMessage sent{.chat_id = chat->id, .thread_id = thread, .is_document = document};
  sent.raw_text = StringParam(params, document ? "caption" : "text");
  sent.parse_mode = StringParam(params, "parse_mode");
  std::string mode = Lower(sent.parse_mode);
  if (mode == "html") {
    ParsedHtml parsed = ParseTelegramHtml(sent.raw_text);
    if (!parsed.ok) return Failure(400, "Bad Request: can't parse entities: " + parsed.error);
    sent.text = std::move(parsed.text);
    sent.entities = std::move(parsed.entities);
  } else if (mode.empty()) {
    sent.text = sent.raw_text;
  } else {
    return Failure(400, "Bad Request: unsupported parse_mode");
  }
  bool blank = sent.text.find_first_not_of(" \n\t\r") == std::string::npos;
  if (document) {
    if (!file) {
      return Failure(400,
                     "Bad Request: wrong remote file identifier specified: Wrong string "
                     "length");
    }
    if (file->content.empty()) return Failure(400, "Bad Request: file must be non-empty");
    if (file->content.size() > kMaxUploadBytes) return Failure(413, "Request Entity Too Large");
    if (Utf16Units(sent.text) > kMaxCaptionUnits) {
      return Failure(400, "Bad Request: message caption is too long");
    }
    sent.file_name = file->name;
    sent.file_content = file->content;
  } else {
    if (blank) return Failure(400, "Bad Request: message text is empty");
    if (Utf16Units(sent.text) > kMaxTextUnits) {
      return Failure(400, "Bad Request: message is too long");
    }
    json preview = params.value("link_preview_options", json());
    if (preview.is_string()) preview = json::parse(preview.get<std::string>(), nullptr, false);
    sent.link_preview_disabled = preview.is_object() && preview.value("is_disabled", false);
  }
  if (options.flood_limits) {
    auto now = std::chrono::steady_clock::now();
    auto& times = sent_at[chat->id];
    while (!times.empty() && times.front() + std::chrono::minutes(1) <= now) times.pop_front();
    std::optional<std::chrono::steady_clock::duration> wait;
    if (!times.empty() && times.back() + std::chrono::seconds(1) > now) {
      wait = times.back() + std::chrono::seconds(1) - now;
    }
    if (chat->type != "private" && times.size() >= 20) {
      wait = std::max(wait.value_or(std::chrono::steady_clock::duration{}),
                      times[times.size() - 20] + std::chrono::minutes(1) - now);
    }
    if (wait) {
      auto seconds = std::chrono::ceil<std::chrono::seconds>(*wait).count();
      return Failure(429, "Too Many Requests: retry after " + std::to_string(seconds),
                     {{"retry_after", seconds}});
    }
    times.push_back(now);
  }
  sent.message_id = ++last_message_id[chat->id];
  json result = {{"message_id", sent.message_id},
                 {"from", BotJson()},
                 {"chat", ChatJson(*chat)},
                 {"date", std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()}};
  if (thread) {
    result["message_thread_id"] = *thread;
    result["is_topic_message"] = true;
  }
  const char* text_key = document ? "caption" : "text";
  const char* entities_key = document ? "caption_entities" : "entities";
  if (!sent.text.empty()) result[text_key] = sent.text;
  if (!sent.entities.empty()) result[entities_key] = sent.entities;
  if (document) {
    std::string file_id = "BQACAgIAAxkBAAI" + std::to_string(sent.message_id);
    result["document"] = {{"file_name", sent.file_name},
                          {"mime_type", "text/plain"},
                          {"file_id", file_id},
                          {"file_unique_id", "AgAD" + std::to_string(sent.message_id)},
                          {"file_size", sent.file_content.size()}};
  }
  messages.push_back(std::move(sent));
  return Ok(result);
}

FakeTelegram::FakeTelegram(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->server.Get(
      R"(/bot([^/]*)/([A-Za-z]*))",
      [this](const httplib::Request& q, httplib::Response& r) { impl_->HandleBot(q, r); });
  impl_->server.Post(
      R"(/bot([^/]*)/([A-Za-z]*))",
      [this](const httplib::Request& q, httplib::Response& r) { impl_->HandleBot(q, r); });
}

FakeTelegram::~FakeTelegram() { Stop(); }

core::Status FakeTelegram::Start() {
  impl_->server.set_payload_max_length(kMaxUploadBytes + 1024 * 1024);
  auto port =
      ListenInBackground(impl_->server, impl_->options.port, 16, "fake Telegram", impl_->thread);
  if (!port.ok()) return port.error();
  impl_->port = *port;
  return core::Ok();
}

void FakeTelegram::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  StopListening(impl_->server, impl_->thread);
}

int FakeTelegram::port() const { return impl_->port.load(); }
std::string FakeTelegram::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }
const std::string& FakeTelegram::Token() const { return impl_->options.token; }
std::int64_t FakeTelegram::BotId() const { return impl_->bot_id; }

void FakeTelegram::AddChat(FakeChat chat) {
  std::lock_guard lock(impl_->mu);
  impl_->chats[chat.id] = std::move(chat);
}

void FakeTelegram::UpgradeToSupergroup(std::int64_t group_id, std::int64_t supergroup_id) {
  std::lock_guard lock(impl_->mu);
  FakeChat chat;
  if (auto it = impl_->chats.find(group_id); it != impl_->chats.end()) {
    chat = it->second;
    impl_->chats.erase(it);
  }
  chat.id = supergroup_id;
  chat.type = "supergroup";
  impl_->chats[supergroup_id] = std::move(chat);
  impl_->migrated[group_id] = supergroup_id;
}

void FakeTelegram::SetBotStatus(std::int64_t chat_id, std::string status) {
  std::lock_guard lock(impl_->mu);
  if (auto it = impl_->chats.find(chat_id); it != impl_->chats.end()) {
    it->second.bot_status = std::move(status);
  }
}

void FakeTelegram::InjectFault(std::string_view method, TelegramFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults[Lower(method)].push_back(std::move(fault));
}

std::vector<SentTelegramMessage> FakeTelegram::Messages() const {
  std::lock_guard lock(impl_->mu);
  return impl_->messages;
}

std::vector<SentTelegramMessage> FakeTelegram::Messages(std::int64_t chat_id) const {
  std::lock_guard lock(impl_->mu);
  std::vector<SentTelegramMessage> out;
  for (const auto& message : impl_->messages) {
    if (message.chat_id == chat_id) out.push_back(message);
  }
  return out;
}

std::vector<LoggedTelegramRequest> FakeTelegram::Requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

int FakeTelegram::CountRequests(std::string_view method) const {
  std::lock_guard lock(impl_->mu);
  std::string wanted = Lower(method);
  return static_cast<int>(std::count_if(impl_->log.begin(), impl_->log.end(),
                                        [&](const auto& e) { return Lower(e.method) == wanted; }));
}

void FakeTelegram::ClearRequests() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

}  // namespace callbrief::fakes
