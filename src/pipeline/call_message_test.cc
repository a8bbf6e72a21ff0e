#include "pipeline/call_message.h"

#include <gtest/gtest.h>

#include "notify/telegram_format.h"
#include "notify/timeline_format.h"

namespace callbrief::pipeline {
namespace {

store::CallDetails ProcessedCall() {
  store::CallDetails d;
  d.call.id = 42;
  d.call.bitrix_call_id = "CALL.42";
  d.call.direction = store::Direction::kIncoming;
  d.call.client_number = "+79001234567";
  d.call.portal_number = "+74950000000";
  d.call.duration_seconds = 135;
  d.call.manager_name = "Анна Петрова";
  d.call.crm_entity_type = "CONTACT";
  d.call.crm_entity_id = 77;
  d.summary = store::Summary{
      .model = "gpt-4o",
      .summary_json = R"({"summary":"Клиент спросил о доставке.","key_points":["доставка"],
        "tasks":[{"text":"Отправить счёт","owner":"менеджер","due":null}],
        "client_request":"Доставка в пятницу","next_steps":"Счёт сегодня",
        "sentiment":"positive","call_kind":"conversation","client_name":"Иван","company":null})",
      .call_kind = "conversation",
      .sentiment = "positive"};
  d.segments = {{.index = 0, .start_ms = 1200, .speaker = "manager", .text = "Добрый день"}};
  return d;
}

const MessageContext kContext{.public_url = "https://calls.example.com",
                              .portal_url = "https://acme.bitrix24.ru"};

TEST(CallMessageTest, AnIncomingCallIsFromTheClientToTheLine) {
  auto m = CallMessageFrom(ProcessedCall(), kContext);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->direction, notify::Direction::kIncoming);
  EXPECT_EQ(m->from_number, "+79001234567");
  EXPECT_EQ(m->to_number, "+74950000000");
}

TEST(CallMessageTest, AnOutgoingCallIsFromTheLineToTheClient) {
  store::CallDetails d = ProcessedCall();
  d.call.direction = store::Direction::kOutgoing;
  auto m = CallMessageFrom(d, kContext);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->from_number, "+74950000000");
  EXPECT_EQ(m->to_number, "+79001234567");
}

TEST(CallMessageTest, CarriesTheSummaryLinksAndTranscript) {
  auto m = CallMessageFrom(ProcessedCall(), kContext);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->summary, "Клиент спросил о доставке.");
  ASSERT_EQ(m->tasks.size(), 1u);
  EXPECT_EQ(m->tasks[0].owner, "менеджер");
  EXPECT_EQ(m->tasks[0].due, "");
  EXPECT_EQ(m->sentiment, "positive");
  EXPECT_EQ(m->client_name, "Иван");
  EXPECT_EQ(m->manager_name, "Анна Петрова");
  EXPECT_EQ(m->call_url, "https://calls.example.com/calls/42");
  EXPECT_EQ(m->client_url, "https://acme.bitrix24.ru/crm/contact/details/77/");
  ASSERT_EQ(m->transcript.size(), 1u);
  EXPECT_EQ(m->transcript[0].speaker, "manager");
}

TEST(CallMessageTest, ATranscriptCutAtMaxCallMinutesSaysSoAtItsEnd) {
  store::CallDetails d = ProcessedCall();
  d.call.audio_report_json = R"({"duration_seconds":11100.0,"transcribed_until_seconds":7200.0})";

  auto m = CallMessageFrom(d, kContext);

  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->transcript.size(), 2u);
  EXPECT_EQ(m->transcript.back().start_ms, 7'200'000);
  EXPECT_EQ(m->transcript.back().text,
            "[Расшифрованы только первые 120 мин записи длиной 185 мин — ограничение "
            "MAX_CALL_MINUTES; остальное не расшифровано]");
}

TEST(CallMessageTest, AWholeTranscriptHasNoNote) {
  store::CallDetails d = ProcessedCall();
  d.call.audio_report_json = R"({"duration_seconds":135.0})";
  auto m = CallMessageFrom(d, kContext);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->transcript.size(), 1u);
}

TEST(CallMessageTest, AnUnreadableSummaryIsAPermanentError) {
  store::CallDetails d = ProcessedCall();
  d.summary->summary_json = "{not json";
  auto m = CallMessageFrom(d, kContext);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, core::ErrorKind::kPermanent);
}

}  // namespace
}  // namespace callbrief::pipeline

namespace callbrief::pipeline {
namespace {

// MESSAGE_ANALYTICS_LINE (issue 16, item 5).
store::CallDetails WithMetrics() {
  store::CallDetails d = ProcessedCall();
  d.metrics_json = R"({"layout":"two_party","talk_share_manager":0.618,"talk_share_client":0.382})";
  return d;
}

TEST(CallMessageTest, ByDefaultTheStoredMetricsChangeNotOneCharacterOfTheMessages) {
  auto plain = CallMessageFrom(ProcessedCall(), kContext);
  auto measured = CallMessageFrom(WithMetrics(), kContext);
  ASSERT_TRUE(plain.ok() && measured.ok());
  EXPECT_FALSE(measured->figures.has_value());
  EXPECT_EQ(notify::FormatTelegramHtml(*measured), notify::FormatTelegramHtml(*plain));
  EXPECT_EQ(notify::FormatTimelineComment(*measured), notify::FormatTimelineComment(*plain));
}

TEST(CallMessageTest, TheAnalyticsLineCarriesTheStoredTalkShare) {
  MessageContext context = kContext;
  context.analytics_line = true;
  auto m = CallMessageFrom(WithMetrics(), context);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->figures.has_value());
  EXPECT_EQ(m->figures->talk_share_manager, 0.618);
  EXPECT_NE(notify::FormatTelegramHtml(*m).find("речь менеджера 62 % (ориентир 43 %)"),
            std::string::npos);
}

TEST(CallMessageTest, TheAnalyticsLineCarriesTheScoreAndTheFailedCriticalQuestions) {
  MessageContext context = kContext;
  context.analytics_line = true;
  store::CallDetails d = WithMetrics();
  d.scorecard = store::ScorecardRecord{.checklist_id = "sales",
                                       .score = 67,
                                       .critical_failed = true,
                                       .scorecard_json = R"({"criteria":[
          {"id":"greeting","question":"Поздоровался?","critical":false,"verdict":"no"},
          {"id":"next_step","question":"Следующий шаг?","critical":true,"verdict":"no"},
          {"id":"close","question":"Попрощался?","critical":true,"verdict":"yes"}]})"};
  auto m = CallMessageFrom(d, context);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->figures.has_value());
  EXPECT_EQ(m->figures->score, 67);
  EXPECT_EQ(m->figures->failed_critical, std::vector<std::string>{"Следующий шаг?"});
}

TEST(CallMessageTest, AMonoCallHasNoTalkShareForTheLine) {
  MessageContext context = kContext;
  context.analytics_line = true;
  store::CallDetails mono = ProcessedCall();
  mono.metrics_json = R"({"layout":"mono","talk_share_manager":null})";
  auto m = CallMessageFrom(mono, context);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->figures.has_value());
  EXPECT_FALSE(m->figures->talk_share_manager.has_value());
}

}  // namespace
}  // namespace callbrief::pipeline
