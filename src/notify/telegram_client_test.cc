#include "notify/telegram_client.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/fake_http_client.h"

namespace callbrief::notify {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;
using json = nlohmann::json;

constexpr char kToken[] = "123456:AAH-secret_token";
constexpr char kBase[] = "https://api.telegram.test";

std::string Ok(const json& result) { return json{{"ok", true}, {"result", result}}.dump(); }
std::string Fail(int code, std::string description, json parameters = nullptr) {
  json body = {{"ok", false}, {"error_code", code}, {"description", std::move(description)}};
  if (!parameters.is_null()) body["parameters"] = std::move(parameters);
  return body.dump();
}

class TelegramClientTest : public ::testing::Test {
 protected:
  json SentJson(std::size_t i) { return json::parse(http_.requests().at(i).body); }

  FakeHttpClient http_;
  std::unique_ptr<TelegramClient> client_ =
      MakeTelegramClient(http_, {.api_base_url = std::string(kBase) + "/", .bot_token = kToken});
};

TEST_F(TelegramClientTest, SendMessagePostsHtmlWithoutPreviewsAndReturnsTheId) {
  http_.Reply(200, Ok({{"message_id", 77}, {"chat", {{"id", -1001}}}}));
  auto id = client_->SendMessage({.chat_id = "-1001234567890123", .thread_id = 42}, "<b>x</b>");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 77);
  const net::HttpRequest request = http_.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, std::string(kBase) + "/bot" + kToken + "/sendMessage");
  EXPECT_EQ(SentJson(0), json::parse(R"({"chat_id":-1001234567890123,"message_thread_id":42,
      "text":"<b>x</b>","parse_mode":"HTML","link_preview_options":{"is_disabled":true}})"));
}

TEST_F(TelegramClientTest, ChannelUsernameIsSentAsAString) {
  http_.Reply(200, Ok({{"message_id", 1}}));
  ASSERT_TRUE(client_->SendMessage({.chat_id = "@calls"}, "x").ok());
  EXPECT_EQ(SentJson(0)["chat_id"], "@calls");
  EXPECT_FALSE(SentJson(0).contains("message_thread_id"));
}

TEST_F(TelegramClientTest, TheGeneralTopicIsAddressedWithoutAThreadId) {
  http_.Reply(200, Ok({{"message_id", 1}}));
  http_.Reply(200, Ok({{"message_id", 2}}));
  ASSERT_TRUE(client_->SendMessage({.chat_id = "-1001", .thread_id = kGeneralTopicId}, "x").ok());
  EXPECT_FALSE(SentJson(0).contains("message_thread_id"));
  ASSERT_TRUE(client_
                  ->SendDocument({.chat_id = "-1001", .thread_id = kGeneralTopicId},
                                 {.file_name = "t.txt", .content = "t"})
                  .ok());
  const net::HttpRequest document = http_.requests().at(1);
  for (const auto& part : document.multipart) EXPECT_NE(part.name, "message_thread_id");
}

TEST_F(TelegramClientTest, SendDocumentUploadsMultipart) {
  http_.Reply(200, Ok({{"message_id", 9}}));
  auto id = client_->SendDocument(
      {.chat_id = "-5", .thread_id = 3},
      {.file_name = "transcript_1.txt", .content = "строка\n", .caption_html = "<b>c</b>"});
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 9);
  const net::HttpRequest request = http_.requests().at(0);
  EXPECT_EQ(request.url, std::string(kBase) + "/bot" + kToken + "/sendDocument");
  std::map<std::string, net::MultipartPart> parts;
  for (const auto& part : request.multipart) parts[part.name] = part;
  EXPECT_EQ(parts["chat_id"].value, "-5");
  EXPECT_EQ(parts["message_thread_id"].value, "3");
  EXPECT_EQ(parts["caption"].value, "<b>c</b>");
  EXPECT_EQ(parts["parse_mode"].value, "HTML");
  EXPECT_EQ(parts["document"].value, "строка\n");
  EXPECT_EQ(parts["document"].filename, "transcript_1.txt");
  EXPECT_EQ(parts["document"].content_type, "text/plain; charset=utf-8");
}

TEST_F(TelegramClientTest, GetMeReadsTheBot) {
  http_.Reply(
      200,
      Ok({{"id", 123456}, {"is_bot", true}, {"first_name", "Calls"}, {"username", "calls_bot"}}));
  auto me = client_->GetMe();
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->id, 123456);
  EXPECT_EQ(me->username, "calls_bot");
  EXPECT_EQ(me->first_name, "Calls");
}

TEST_F(TelegramClientTest, AnswerWithoutMessageIdIsAnError) {
  http_.Reply(200, Ok(json::object()));
  auto id = client_->SendMessage({.chat_id = "1"}, "x");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kPermanent);
}

TEST_F(TelegramClientTest, GarbageWithStatus200IsTransient) {
  http_.Reply(200, "<html>proxy</html>");
  auto id = client_->SendMessage({.chat_id = "1"}, "x");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kTransient);
}

TEST_F(TelegramClientTest, ErrorsNeverContainTheToken) {
  http_.Fail(core::Error::Transient(std::string("POST ") + kBase + "/bot" + kToken +
                                    "/sendMessage: timeout; token " + kToken));
  http_.Reply(400, Fail(400, std::string("Bad Request: weird ") + kToken));
  for (int i = 0; i < 2; ++i) {
    auto id = client_->SendMessage({.chat_id = "1"}, "x");
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().message.find("AAH-secret_token"), std::string::npos) << id.error().message;
    EXPECT_NE(id.error().message.find("Telegram sendMessage"), std::string::npos);
  }
}

struct ReplyCase {
  std::string name;
  int status;
  std::string body;
  ErrorKind kind;
  std::string message_part;  // Must appear in the message.
  std::string code = "";
};

class ErrorFromTelegramReplyTest : public ::testing::TestWithParam<ReplyCase> {};

TEST_P(ErrorFromTelegramReplyTest, Classifies) {
  const ReplyCase& c = GetParam();
  core::Error error = ErrorFromTelegramReply("sendMessage", {c.status, {}, c.body},
                                             std::chrono::system_clock::now());
  EXPECT_EQ(error.kind, c.kind) << error.message;
  EXPECT_NE(error.message.find(c.message_part), std::string::npos) << error.message;
  EXPECT_EQ(error.message.rfind("Telegram sendMessage: ", 0), 0u) << error.message;
  EXPECT_EQ(error.code, c.code);
}

INSTANTIATE_TEST_SUITE_P(
    Replies, ErrorFromTelegramReplyTest,
    ::testing::Values(
        ReplyCase{"FloodControl", 429,
                  Fail(429, "Too Many Requests: retry after 5", {{"retry_after", 5}}),
                  ErrorKind::kRateLimited, "retry after 5", "retry_after"},
        ReplyCase{"Migrated", 400,
                  Fail(400, "Bad Request: group chat was upgraded to a supergroup chat",
                       {{"migrate_to_chat_id", -1001557912345}}),
                  ErrorKind::kConfig, "TELEGRAM_TARGET_CHAT_ID=-1001557912345",
                  "migrate_to_chat_id:-1001557912345"},
        ReplyCase{"Unauthorized", 401, Fail(401, "Unauthorized"), ErrorKind::kConfig,
                  "TELEGRAM_BOT_TOKEN"},
        ReplyCase{"MalformedToken", 404, Fail(404, "Not Found"), ErrorKind::kConfig,
                  "TELEGRAM_BOT_TOKEN"},
        ReplyCase{"ChatNotFound", 400, Fail(400, "Bad Request: chat not found"), ErrorKind::kConfig,
                  "TELEGRAM_TARGET_CHAT_ID"},
        ReplyCase{"ThreadNotFound", 400, Fail(400, "Bad Request: message thread not found"),
                  ErrorKind::kConfig, "TELEGRAM_THREAD_ID"},
        ReplyCase{"TopicClosed", 400, Fail(400, "Bad Request: TOPIC_CLOSED"), ErrorKind::kConfig,
                  "TELEGRAM_THREAD_ID"},
        ReplyCase{"Kicked", 403, Fail(403, "Forbidden: bot was kicked from the supergroup chat"),
                  ErrorKind::kConfig, "TELEGRAM_TARGET_CHAT_ID"},
        ReplyCase{"Blocked", 403, Fail(403, "Forbidden: bot was blocked by the user"),
                  ErrorKind::kConfig, "bot was blocked by the user"},
        ReplyCase{"NoRights", 400,
                  Fail(400, "Bad Request: not enough rights to send text messages to the chat"),
                  ErrorKind::kConfig, "TELEGRAM_TARGET_CHAT_ID"},
        // Telegram's own errors as the Bot API passes them on (Client.cpp fail_query_with_error).
        ReplyCase{"WriteForbidden", 400, Fail(400, "Bad Request: CHAT_WRITE_FORBIDDEN"),
                  ErrorKind::kConfig, "allow it to send messages"},
        ReplyCase{"NoWriteAccess", 400, Fail(400, "Bad Request: have no write access to the chat"),
                  ErrorKind::kConfig, "TELEGRAM_TARGET_CHAT_ID"},
        ReplyCase{"Restricted", 400, Fail(400, "Bad Request: CHAT_RESTRICTED"), ErrorKind::kConfig,
                  "lift the restriction"},
        ReplyCase{"DocsForbidden", 400, Fail(400, "Bad Request: CHAT_SEND_DOCS_FORBIDDEN"),
                  ErrorKind::kConfig, "TELEGRAM_TRANSCRIPT=inline"},
        ReplyCase{"PlainForbidden", 400, Fail(400, "Bad Request: CHAT_SEND_PLAIN_FORBIDDEN"),
                  ErrorKind::kConfig, "TELEGRAM_TARGET_CHAT_ID"},
        ReplyCase{"NoDocumentRights", 400,
                  Fail(400, "Bad Request: not enough rights to send documents to the chat"),
                  ErrorKind::kConfig, "TELEGRAM_TRANSCRIPT=inline"},
        ReplyCase{"AdminRequired", 400, Fail(400, "Bad Request: CHAT_ADMIN_REQUIRED"),
                  ErrorKind::kConfig, "administrator"},
        ReplyCase{"BadHtml", 400,
                  Fail(400,
                       "Bad Request: can't parse entities: Unsupported start tag \"x\" at "
                       "byte offset 3"),
                  ErrorKind::kPermanent, "Unsupported start tag", "cant_parse_entities"},
        ReplyCase{"TooLong", 400, Fail(400, "Bad Request: message is too long"),
                  ErrorKind::kPermanent, "message is too long"},
        ReplyCase{"ServerError", 500, Fail(500, "Internal Server Error"), ErrorKind::kTransient,
                  "HTTP 500"},
        ReplyCase{"BadGatewayHtml", 502, "<html>502</html>", ErrorKind::kTransient, "HTTP 502"},
        ReplyCase{"FloodWithoutHint", 429, "", ErrorKind::kRateLimited, "HTTP 429", "retry_after"}),
    [](const auto& info) { return info.param.name; });

TEST(ErrorFromTelegramReplyHintTest, RetryAfterBecomesTheHint) {
  core::Error error = ErrorFromTelegramReply(
      "sendMessage",
      {429, {}, Fail(429, "Too Many Requests: retry after 17", {{"retry_after", 17}})},
      std::chrono::system_clock::now());
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, std::chrono::seconds(17));
}

TEST(MigratedChatIdTest, ReadsOnlyTheMigrationCode) {
  core::Error error = core::Error::Config("x");
  EXPECT_FALSE(MigratedChatId(error));
  error.code = "migrate_to_chat_id:-100777";
  EXPECT_EQ(MigratedChatId(error), "-100777");
  error.code = "migrate_to_chat_id:";
  EXPECT_FALSE(MigratedChatId(error));
}

struct AccessCase {
  std::string name;
  json chat;
  json member;  // null: not asked.
  std::optional<std::int64_t> thread_id;
  bool can_post;
  std::string problem_part;
};

class CheckChatTest : public ::testing::TestWithParam<AccessCase> {};

TEST_P(CheckChatTest, JudgesWhetherTheBotCanPost) {
  const AccessCase& c = GetParam();
  FakeHttpClient http;
  auto client = MakeTelegramClient(http, {.api_base_url = kBase, .bot_token = kToken});
  http.Reply(200, Ok({{"id", 555}, {"is_bot", true}, {"first_name", "B"}}));
  http.Reply(200, Ok(c.chat));
  if (!c.member.is_null()) http.Reply(200, Ok(c.member));
  auto access = client->CheckChat({.chat_id = "-100900", .thread_id = c.thread_id});
  ASSERT_TRUE(access.ok()) << access.error().message;
  EXPECT_EQ(access->can_post, c.can_post);
  EXPECT_NE(access->problem.find(c.problem_part), std::string::npos) << access->problem;
  EXPECT_EQ(access->problem.empty(), c.can_post);
  const bool ignored_thread = c.thread_id && !c.chat.value("is_forum", false);
  EXPECT_EQ(access->warning.find("TELEGRAM_THREAD_ID") != std::string::npos, ignored_thread)
      << access->warning;
  auto requests = http.requests();
  ASSERT_EQ(requests.size(), c.member.is_null() ? 2u : 3u);
  EXPECT_EQ(json::parse(requests[1].body)["chat_id"], -100900);
  if (!c.member.is_null()) {
    EXPECT_EQ(json::parse(requests[2].body)["user_id"], 555);
  }
}

const json kGroup = {{"id", -100900}, {"type", "supergroup"}, {"title", "Звонки"}};
const json kForum = {{"id", -100900}, {"type", "supergroup"}, {"title", "F"}, {"is_forum", true}};
const json kChannel = {{"id", -100900}, {"type", "channel"}, {"title", "C"}};

INSTANTIATE_TEST_SUITE_P(
    Chats, CheckChatTest,
    ::testing::Values(
        AccessCase{"MemberOfGroup", kGroup, {{"status", "member"}}, {}, true, ""},
        AccessCase{"LeftGroup", kGroup, {{"status", "left"}}, {}, false, "'left'"},
        AccessCase{"KickedFromGroup", kGroup, {{"status", "kicked"}}, {}, false, "'kicked'"},
        AccessCase{"RestrictedMuted",
                   kGroup,
                   {{"status", "restricted"}, {"is_member", true}, {"can_send_messages", false}},
                   {},
                   false,
                   "'restricted'"},
        AccessCase{"ChannelMember", kChannel, {{"status", "member"}}, {}, false, "administrator"},
        AccessCase{"ChannelAdminWithoutPost",
                   kChannel,
                   {{"status", "administrator"}, {"can_post_messages", false}},
                   {},
                   false,
                   "administrator"},
        AccessCase{"ChannelAdmin",
                   kChannel,
                   {{"status", "administrator"}, {"can_post_messages", true}},
                   {},
                   true,
                   ""},
        AccessCase{"ThreadInForum", kForum, {{"status", "member"}}, 7, true, ""},
        // Telegram ignores the thread id there: a warning (ChatAccess::warning), not a problem.
        AccessCase{"ThreadOutsideForum", kGroup, {{"status", "member"}}, 7, true, ""},
        AccessCase{"PrivateChat",
                   {{"id", 42}, {"type", "private"}, {"first_name", "Анна"}},
                   nullptr,
                   {},
                   true,
                   ""}),
    [](const auto& info) { return info.param.name; });

TEST(CheckChatErrorTest, ChatNotFoundIsAConfigError) {
  FakeHttpClient http;
  auto client = MakeTelegramClient(http, {.api_base_url = kBase, .bot_token = kToken});
  http.Reply(200, Ok({{"id", 555}, {"is_bot", true}, {"first_name", "B"}}));
  http.Reply(400, Fail(400, "Bad Request: chat not found"));
  auto access = client->CheckChat({.chat_id = "-1"});
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.error().kind, ErrorKind::kConfig);
  EXPECT_NE(access.error().message.find("Telegram getChat"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::notify
