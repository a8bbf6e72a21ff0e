#include <gtest/gtest.h>

#include "llm/summarizer.h"

namespace callbrief::llm {
namespace {

SummaryInput Call(std::vector<TranscriptLine> lines, std::string direction = "outgoing") {
  return {.transcript = std::move(lines), .direction = std::move(direction)};
}

TEST(SummaryWithoutLlmTest, NoSpeechAtAll) {
  for (auto lines : std::vector<std::vector<TranscriptLine>>{
           {},
           {{.speaker = "manager", .text = "Алло?"}, {.speaker = "manager", .text = "Алло!"}},
           {{.speaker = "", .text = "..."}}}) {
    auto summary = SummaryWithoutLlm(Call(lines));
    ASSERT_TRUE(summary.has_value());
    EXPECT_EQ(summary->call_kind, "no_speech");
    EXPECT_EQ(summary->sentiment, "neutral");
    EXPECT_FALSE(summary->summary.empty());
  }
}

TEST(SummaryWithoutLlmTest, AVoicemailGreetingOnAnOutgoingCall) {
  auto summary = SummaryWithoutLlm(
      Call({{.start_ms = 0, .speaker = "manager", .text = "Алло, добрый день"},
            {.start_ms = 2000,
             .speaker = "client",
             .text = "Абонент не может ответить. Оставьте сообщение после звукового сигнала."}}));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->call_kind, "voicemail");
  EXPECT_EQ(summary->next_steps, "Перезвонить клиенту.");
  ASSERT_EQ(summary->key_points.size(), 1u);
  EXPECT_NE(summary->key_points[0].find("Абонент не может ответить"), std::string::npos);
}

TEST(SummaryWithoutLlmTest, AnIvrMenuOnAMonoRecording) {
  auto summary = SummaryWithoutLlm(
      Call({{.text = "Здравствуйте! Ваш звонок очень важен для нас."},
            {.text = "Для связи с оператором нажмите ноль или оставайтесь на линии."}},
           "incoming"));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->call_kind, "ivr");
  EXPECT_EQ(summary->next_steps, "");
}

TEST(SummaryWithoutLlmTest, AConversationGoesToTheModel) {
  std::vector<TranscriptLine> lines = {
      {.speaker = "manager", .text = "Добрый день, компания Ромашка, меня зовут Ольга."},
      {.speaker = "client", .text = "Здравствуйте, хочу заказать двадцать упаковок."},
      {.speaker = "manager", .text = "Хорошо, подготовлю счёт и пришлю на почту до вечера."},
      {.speaker = "client", .text = "Спасибо, жду."},
  };
  EXPECT_FALSE(SummaryWithoutLlm(Call(lines)).has_value());
}

TEST(SummaryWithoutLlmTest, AnIvrFollowedByARealConversationGoesToTheModel) {
  std::vector<TranscriptLine> lines = {
      {.speaker = "client", .text = "Для связи с оператором нажмите ноль."},
      {.speaker = "manager",
       .text = "Добрый день, это Ольга из Ромашки, звоню по вашей заявке на поставку упаковки, "
               "удобно сейчас обсудить объёмы, сроки и условия оплаты по договору?"},
      {.speaker = "client", .text = "Да, удобно, слушаю вас внимательно."},
  };
  EXPECT_FALSE(SummaryWithoutLlm(Call(lines)).has_value());
}

TEST(SummaryWithoutLlmTest, EnglishNotesForOtherLanguages) {
  SummaryInput input = Call({});
  input.language = "en";
  EXPECT_EQ(SummaryWithoutLlm(input)->summary,
            "The recording has no conversation: no speech or only a few words.");
}

}  // namespace
}  // namespace callbrief::llm
