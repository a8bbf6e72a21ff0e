#include "bitrix/call_transcript.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

using core::ErrorKind;
using net::testing::FakeHttpClient;
using nlohmann::json;

constexpr const char* kWebhook = "https://portal.bitrix24.ru/rest/1/hook/";
constexpr const char* kCallId = "5E316880469A6376.1773306964.8740011";

TEST(TranscriptionMessagesTest, WholeSecondsSidesAndNoBlankLines) {
  json messages = TranscriptionMessages({
      {.side = TranscriptSide::kUser, .start_ms = 0, .end_ms = 400, .text = "Алло"},
      {.side = TranscriptSide::kClient, .start_ms = 1500, .end_ms = 4200, .text = "Добрый день"},
      {.side = TranscriptSide::kClient, .start_ms = 5000, .end_ms = 5000, .text = "  "},
      {.side = TranscriptSide::kUser, .start_ms = 7000, .end_ms = 7000, .text = "Да"},
  });
  EXPECT_EQ(messages, json::parse(R"([
    {"SIDE":"User","START_TIME":0,"STOP_TIME":1,"MESSAGE":"Алло"},
    {"SIDE":"Client","START_TIME":1,"STOP_TIME":5,"MESSAGE":"Добрый день"},
    {"SIDE":"User","START_TIME":7,"STOP_TIME":8,"MESSAGE":"Да"}])"));
}

class AttachCallTranscriptTest : public ::testing::Test {
 protected:
  FakeHttpClient http_;
  std::unique_ptr<RestClient> rest_ = MakeRestClient(http_, nullptr, {.webhook_url = kWebhook});
  const std::vector<CallTranscriptLine> lines_{
      {.side = TranscriptSide::kUser, .start_ms = 0, .end_ms = 2000, .text = "Компания «Ромашка»"}};
};

TEST_F(AttachCallTranscriptTest, SendsTheLinesWithoutACostAndReturnsTheTranscriptId) {
  http_.Reply(200, R"({"result":{"TRANSCRIPT_ID":17},"time":{}})");
  auto id = AttachCallTranscript(*rest_, kCallId, lines_);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 17);
  auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, std::string(kWebhook) + "telephony.call.attachTranscription.json");
  json body = json::parse(requests[0].body);
  EXPECT_EQ(body["CALL_ID"], kCallId);
  EXPECT_EQ(body["MESSAGES"].size(), 1u);
  // The card shows COST in the call's currency: a USD amount would read as roubles.
  EXPECT_FALSE(body.contains("COST"));
  EXPECT_FALSE(body.contains("COST_CURRENCY"));
}

TEST_F(AttachCallTranscriptTest, AnEmptyTranscriptIsRefusedWithoutARequest) {
  auto id = AttachCallTranscript(*rest_, kCallId, {});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(AttachCallTranscriptTest, AnUnknownCallIsPermanentAndSaysWhatItWasDoing) {
  http_.Reply(
      400, R"({"error":"ERROR_CORE","error_description":"Call X is not found. Is it finished?"})");
  auto id = AttachCallTranscript(*rest_, kCallId, lines_);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::kPermanent);
  EXPECT_NE(id.error().message.find("attaching the transcript of call"), std::string::npos)
      << id.error().message;
}

}  // namespace
}  // namespace callbrief::bitrix
