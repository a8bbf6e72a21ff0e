// The emulator over HTTP, as any Bot API client sees it.

#include "fakes/fake_telegram.h"
#include "fakes/telegram_html.h"

#include <chrono>
#include <future>

#include <gtest/gtest.h>
#include <httplib.h>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr std::int64_t kGroup = -1001234567890;

struct Reply {
  int status = 0;
  json body;
};

class FakeTelegramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    telegram_.AddChat({.id = kGroup, .title = "Звонки"});
    ASSERT_TRUE(telegram_.Start().ok());
  }

  httplib::Client Client() const {
    httplib::Client client(telegram_.BaseUrl());
    client.set_read_timeout(std::chrono::seconds(10));
    return client;
  }
  static Reply ToReply(const httplib::Result& result) {
    if (!result) {
      ADD_FAILURE() << "no HTTP answer: " << httplib::to_string(result.error());
      return {};
    }
    return {result->status, json::parse(result->body, nullptr, false)};
  }
  Reply Call(std::string_view method, const json& params = json::object(),
             const std::string& token = "") {
    std::string path =
        "/bot" + (token.empty() ? telegram_.Token() : token) + "/" + std::string(method);
    return ToReply(Client().Post(path, params.dump(), "application/json"));
  }
  Reply Send(const json& extra) {
    json params = {{"chat_id", kGroup}, {"text", "hi"}};
    if (extra.is_object()) params.update(extra);
    return Call("sendMessage", params);
  }

  FakeTelegram telegram_;
};

TEST_F(FakeTelegramTest, GetMeDescribesTheBot) {
  Reply reply = Call("getMe");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["ok"], true);
  EXPECT_EQ(reply.body["result"]["id"], telegram_.BotId());
  EXPECT_EQ(reply.body["result"]["is_bot"], true);
  EXPECT_EQ(reply.body["result"]["username"], "callbrief_test_bot");
}

TEST_F(FakeTelegramTest, MethodNamesAreCaseInsensitiveAndGetWorks) {
  EXPECT_EQ(Call("GETME").status, 200);
  EXPECT_EQ(ToReply(Client().Get("/bot" + telegram_.Token() + "/getMe")).status, 200);
}

TEST_F(FakeTelegramTest, WrongTokenIs401MalformedOrUnknownMethodIs404) {
  Reply wrong = Call("getMe", json::object(), "123:wrong");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body,
            json::parse(R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  EXPECT_EQ(Call("getMe", json::object(), "garbage").status, 404);
  EXPECT_EQ(Call("deleteEverything").status, 404);
}

TEST_F(FakeTelegramTest, SendMessageReturnsAndRecordsTheParsedMessage) {
  Reply reply = Send({{"text", "<b>Звонок</b> &amp; всё"},
                      {"parse_mode", "HTML"},
                      {"link_preview_options", {{"is_disabled", true}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body["result"]["message_id"], 1);
  EXPECT_EQ(reply.body["result"]["chat"]["id"], kGroup);
  EXPECT_EQ(reply.body["result"]["text"], "Звонок & всё");
  EXPECT_EQ(reply.body["result"]["entities"][0]["type"], "bold");
  EXPECT_EQ(Send({}).body["result"]["message_id"], 2);
  auto messages = telegram_.Messages(kGroup);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].text, "Звонок & всё");
  EXPECT_EQ(messages[0].raw_text, "<b>Звонок</b> &amp; всё");
  EXPECT_EQ(messages[0].parse_mode, "HTML");
  EXPECT_TRUE(messages[0].link_preview_disabled);
}

TEST_F(FakeTelegramTest, FormParametersWorkToo) {
  auto result =
      Client().Post("/bot" + telegram_.Token() + "/sendMessage",
                    "chat_id=-1001234567890&text=hello", "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(telegram_.Messages().at(0).text, "hello");
}

TEST_F(FakeTelegramTest, BadHtmlIsRefused) {
  Reply reply = Send({{"text", "<b>x"}, {"parse_mode", "HTML"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["description"],
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            "\"b\"");
  EXPECT_TRUE(telegram_.Messages().empty());
}

TEST_F(FakeTelegramTest, LengthIsCountedInUtf16AfterParsing) {
  std::string fits(2048, 'x');
  std::string emoji;
  for (int i = 0; i < 1024; ++i) emoji += "😀";  // 2048 units.
  EXPECT_EQ(Send({{"text", "<b>" + fits + emoji + "</b>"}, {"parse_mode", "HTML"}}).status, 200);
  Reply too_long = Send({{"text", fits + emoji + "y"}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.body["description"], "Bad Request: message is too long");
  EXPECT_EQ(Send({{"text", " \n"}}).body["description"], "Bad Request: message text is empty");
}

TEST_F(FakeTelegramTest, UnknownChatAndThreads) {
  EXPECT_EQ(Send({{"chat_id", -42}}).body["description"], "Bad Request: chat not found");
  telegram_.AddChat({.id = -1009, .is_forum = true, .topics = {5}});
  Reply ok = Send({{"chat_id", -1009}, {"message_thread_id", 5}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body["result"]["message_thread_id"], 5);
  EXPECT_EQ(telegram_.Messages(-1009).at(0).thread_id, 5);
  EXPECT_EQ(Send({{"chat_id", -1009}, {"message_thread_id", 6}}).status, 400);
  // The General topic cannot be addressed by its id 1, only by sending without a thread id.
  EXPECT_EQ(Send({{"chat_id", -1009}, {"message_thread_id", 1}}).body["description"],
            "Bad Request: message thread not found");
  EXPECT_EQ(Send({{"chat_id", -1009}}).status, 200);
}

TEST_F(FakeTelegramTest, AThreadIdOutsideAForumIsIgnored) {
  Reply reply = Send({{"message_thread_id", 5}});  // The default chat has no topics.
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_FALSE(reply.body["result"].contains("message_thread_id"));
  auto sent = telegram_.Messages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].thread_id.has_value());
  EXPECT_EQ(Send({{"message_thread_id", "-3"}}).status, 200);
}

TEST_F(FakeTelegramTest, BotThatCannotPostIsRefused) {
  telegram_.SetBotStatus(kGroup, "kicked");
  Reply kicked = Send({});
  EXPECT_EQ(kicked.status, 403);
  EXPECT_EQ(kicked.body["description"], "Forbidden: bot was kicked from the supergroup chat");
  telegram_.AddChat({.id = 77, .type = "private", .title = "Анна", .bot_status = "kicked"});
  EXPECT_EQ(Send({{"chat_id", 77}}).body["description"], "Forbidden: bot was blocked by the user");
  telegram_.AddChat({.id = -1005, .type = "channel", .bot_status = "member"});
  EXPECT_EQ(Send({{"chat_id", -1005}}).body["description"],
            "Bad Request: need administrator rights in the channel chat");
}

TEST_F(FakeTelegramTest, UpgradedGroupAnswersWithTheNewId) {
  telegram_.AddChat({.id = -555, .type = "group"});
  telegram_.UpgradeToSupergroup(-555, -100555);
  Reply reply = Send({{"chat_id", -555}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["parameters"]["migrate_to_chat_id"], -100555);
  EXPECT_EQ(Send({{"chat_id", -100555}}).status, 200);
}

TEST_F(FakeTelegramTest, GetChatAndGetChatMember) {
  telegram_.AddChat({.id = -1005,
                     .type = "channel",
                     .title = "Канал",
                     .bot_status = "administrator",
                     .can_post_messages = true});
  Reply chat = Call("getChat", {{"chat_id", -1005}});
  ASSERT_EQ(chat.status, 200);
  EXPECT_EQ(chat.body["result"]["type"], "channel");
  EXPECT_EQ(chat.body["result"]["title"], "Канал");
  Reply member = Call("getChatMember", {{"chat_id", -1005}, {"user_id", telegram_.BotId()}});
  ASSERT_EQ(member.status, 200);
  EXPECT_EQ(member.body["result"]["status"], "administrator");
  EXPECT_EQ(member.body["result"]["can_post_messages"], true);
  EXPECT_EQ(Call("getChat", {{"chat_id", 1}}).body["description"], "Bad Request: chat not found");
}

TEST_F(FakeTelegramTest, SendDocumentTakesAMultipartFile) {
  httplib::MultipartFormDataItems items = {
      {"chat_id", std::to_string(kGroup), "", ""},
      {"caption", "<b>Расшифровка</b>", "", ""},
      {"parse_mode", "HTML", "", ""},
      {"document", "[00:00] Менеджер: Алло\n", "transcript_1.txt", "text/plain"}};
  auto result = Client().Post("/bot" + telegram_.Token() + "/sendDocument", items);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  json body = json::parse(result->body);
  EXPECT_EQ(body["result"]["document"]["file_name"], "transcript_1.txt");
  EXPECT_EQ(body["result"]["caption"], "Расшифровка");
  auto messages = telegram_.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].is_document);
  EXPECT_EQ(messages[0].file_content, "[00:00] Менеджер: Алло\n");
  Reply no_file = Call("sendDocument", {{"chat_id", kGroup}, {"document", "abc"}});
  EXPECT_EQ(no_file.status, 400);
}

TEST_F(FakeTelegramTest, FaultsApplyInOrderToTheirMethodOnly) {
  telegram_.InjectFault("sendMessage", TelegramFault::TooManyRequests(7));
  telegram_.InjectFault("SENDMESSAGE", TelegramFault::InternalError().Times(2));
  EXPECT_EQ(Call("getMe").status, 200);
  Reply flood = Send({});
  EXPECT_EQ(flood.status, 429);
  EXPECT_EQ(flood.body, json::parse(R"({"ok":false,"error_code":429,
      "description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"));
  EXPECT_EQ(Send({}).status, 500);
  EXPECT_EQ(Send({}).status, 500);
  EXPECT_EQ(Send({}).status, 200);
  EXPECT_EQ(telegram_.Messages().size(), 1u);
  EXPECT_EQ(telegram_.CountRequests("sendmessage"), 4);
}

TEST_F(FakeTelegramTest, HangOutlastsAShortClientTimeout) {
  telegram_.InjectFault("sendMessage", TelegramFault::Hang(milliseconds(3000)));
  httplib::Client client = Client();
  client.set_read_timeout(milliseconds(200));
  auto result = client.Post("/bot" + telegram_.Token() + "/sendMessage",
                            json{{"chat_id", kGroup}, {"text", "x"}}.dump(), "application/json");
  EXPECT_FALSE(result);
}

TEST_F(FakeTelegramTest, AFaultForOneChatLetsTheOtherChatsPass) {
  constexpr std::int64_t kOther = -1002;
  telegram_.AddChat({.id = kOther, .title = "Оповещения"});
  telegram_.InjectFault("sendMessage", TelegramFault::InternalError().InChat(kOther));
  EXPECT_EQ(Send({}).status, 200);
  EXPECT_EQ(Send({{"chat_id", kOther}}).status, 500);
  EXPECT_EQ(Send({{"chat_id", std::to_string(kOther)}}).status, 200);
  EXPECT_EQ(telegram_.Messages(kOther).size(), 1u);
}

TEST_F(FakeTelegramTest, ALateAnswerComesAfterTheMessageWasSent) {
  telegram_.InjectFault("sendMessage", TelegramFault::AnswerLate(milliseconds(3000)));
  httplib::Client client = Client();
  client.set_read_timeout(milliseconds(200));
  auto result = client.Post("/bot" + telegram_.Token() + "/sendMessage",
                            json{{"chat_id", kGroup}, {"text", "x"}}.dump(), "application/json");
  EXPECT_FALSE(result) << "no answer within the client's timeout";
  EXPECT_EQ(telegram_.Messages(kGroup).size(), 1u) << "but the message is in the chat";
}

TEST_F(FakeTelegramTest, StopCutsAHangShort) {
  telegram_.InjectFault("getMe", TelegramFault::Hang(milliseconds(60000)));
  auto pending = std::async(std::launch::async, [this] {
    return Client().Post("/bot" + telegram_.Token() + "/getMe", "{}", "application/json");
  });
  std::this_thread::sleep_for(milliseconds(200));
  telegram_.Stop();
  EXPECT_EQ(pending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(TelegramHtmlTest, LinksToHostsWithoutADotAreDroppedSilently) {
  ParsedHtml parsed = ParseTelegramHtml(
      "<a href=\"http://localhost:8080/calls/1\">звонок</a> <a href=\"https://x.ru/\">x</a>");
  ASSERT_TRUE(parsed.ok) << parsed.error;
  EXPECT_EQ(parsed.text, "звонок x");
  ASSERT_EQ(parsed.entities.size(), 1u);
  EXPECT_EQ(parsed.entities[0]["url"], "https://x.ru/");
}

TEST(TelegramHtmlTest, AtMost100EntitiesAreKeptLinksBeforeBold) {
  std::string html;
  for (int i = 0; i < 80; ++i) html += "<b>b</b> ";
  for (int i = 0; i < 30; ++i) html += "<code>c</code> ";
  ParsedHtml parsed = ParseTelegramHtml(html);
  ASSERT_TRUE(parsed.ok) << parsed.error;
  ASSERT_EQ(parsed.entities.size(), 100u);
  int code = 0;
  for (const auto& entity : parsed.entities) code += entity["type"] == "code";
  EXPECT_EQ(code, 30);
}

// tdlib/telegram-bot-api Client.cpp fail_query_with_error.
TEST(TelegramFaultTest, ServerErrorsReachTheBotAsTheBotApiPassesThemOn) {
  TelegramFault write = TelegramFault::FromServer(403, "CHAT_WRITE_FORBIDDEN");
  EXPECT_EQ(write.status, 400);
  EXPECT_EQ(write.description, "Bad Request: CHAT_WRITE_FORBIDDEN");
  TelegramFault access = TelegramFault::FromServer(400, "Have no write access to the chat");
  EXPECT_EQ(access.description, "Bad Request: have no write access to the chat");
  TelegramFault kicked = TelegramFault::FromServer(403, "Bot was kicked from the group chat");
  EXPECT_EQ(kicked.status, 403);
  EXPECT_EQ(kicked.description, "Forbidden: bot was kicked from the group chat");
}

}  // namespace
}  // namespace callbrief::fakes
