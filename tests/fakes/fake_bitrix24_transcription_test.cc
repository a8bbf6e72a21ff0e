// telephony.call.attachTranscription (reference §3.4, checks as in vi_rest.php).

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

class TranscriptionTest : public FakeBitrix24Test {
 protected:
  void SetUp() override {
    FakeBitrix24Test::SetUp();
    call_id_ = portal_.AddCall(CallBuilder().Build());
  }
  json Messages() {
    return json::array(
        {{{"SIDE", "User"}, {"START_TIME", 1}, {"STOP_TIME", 3}, {"MESSAGE", "Добрый день"}},
         {{"SIDE", "Client"}, {"START_TIME", 4}, {"STOP_TIME", 7}, {"MESSAGE", "Здравствуйте"}}});
  }
  std::string call_id_;
};

TEST_F(TranscriptionTest, ReturnsTheNewTranscriptIdAsANumber) {
  Reply reply =
      Call("telephony.call.attachTranscription", {{"CALL_ID", call_id_}, {"MESSAGES", Messages()}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["result"], json::parse(R"({"TRANSCRIPT_ID":1})"));
}

TEST_F(TranscriptionTest, MarksTheStatisticRow) {
  Call("telephony.call.attachTranscription", {{"CALL_ID", call_id_}, {"MESSAGES", Messages()}});
  json row = StatisticRow(call_id_);
  EXPECT_EQ(row["TRANSCRIPT_ID"], "1");
  EXPECT_EQ(row["TRANSCRIPT_PENDING"], "N");
}

TEST_F(TranscriptionTest, StoresTheMessagesAndCost) {
  Call("telephony.call.attachTranscription",
       {{"CALL_ID", call_id_}, {"MESSAGES", Messages()}, {"COST", 1.5}, {"COST_CURRENCY", "RUB"}});
  std::optional<json> stored = portal_.AttachedTranscript(call_id_);
  ASSERT_TRUE(stored);
  EXPECT_EQ((*stored)["MESSAGES"], Messages());
  EXPECT_EQ((*stored)["COST"], 1.5);
  EXPECT_EQ((*stored)["COST_CURRENCY"], "RUB");
}

TEST_F(TranscriptionTest, AcceptsFormEncoding) {
  Reply reply = PostForm("telephony.call.attachTranscription",
                         "CALL_ID=" + call_id_ +
                             "&MESSAGES[0][SIDE]=User&MESSAGES[0][START_TIME]=0"
                             "&MESSAGES[0][STOP_TIME]=2&MESSAGES[0][MESSAGE]=Hello");
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
}

TEST_F(TranscriptionTest, WorksForAnyFinishedCallNotOnlyExternalOnes) {
  std::string external = portal_.AddCall(CallBuilder().External("5", "PBX").Build());
  EXPECT_EQ(
      Call("telephony.call.attachTranscription", {{"CALL_ID", external}, {"MESSAGES", Messages()}})
          .status,
      200);
}

struct InvalidCase {
  const char* name;
  json params;  // "$CALL" is replaced by a real CALL_ID.
  const char* description;
};

class TranscriptionValidationTest : public TranscriptionTest,
                                    public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(TranscriptionValidationTest, IsACoreErrorWithTheDocumentedText) {
  json params = GetParam().params;
  if (params.value("CALL_ID", json()) == "$CALL") params["CALL_ID"] = call_id_;
  Reply reply = Call("telephony.call.attachTranscription", params);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "ERROR_CORE");
  EXPECT_EQ(reply.body["error_description"], GetParam().description);
}

json One(json message) { return json::array({std::move(message)}); }

INSTANTIATE_TEST_SUITE_P(
    Cases, TranscriptionValidationTest,
    ::testing::Values(
        InvalidCase{"NoCallId", {{"MESSAGES", json::array()}}, "CALL_ID should be set"},
        InvalidCase{"MessagesNotAnArray",
                    {{"CALL_ID", "$CALL"}, {"MESSAGES", "text"}},
                    "MESSAGES should be an array"},
        InvalidCase{"BadSide",
                    {{"CALL_ID", "$CALL"},
                     {"MESSAGES", One({{"SIDE", "user"}, {"STOP_TIME", 1}, {"MESSAGE", "a"}})}},
                    "MESSAGES[0][SIDE] should be either Client or User"},
        InvalidCase{
            "NegativeStart",
            {{"CALL_ID", "$CALL"},
             {"MESSAGES",
              One({{"SIDE", "User"}, {"START_TIME", -1}, {"STOP_TIME", 1}, {"MESSAGE", "a"}})}},
            "MESSAGES[0][START_TIME] should be greater or equal to zero"},
        InvalidCase{"ZeroStop",
                    {{"CALL_ID", "$CALL"},
                     {"MESSAGES", One({{"SIDE", "Client"}, {"STOP_TIME", 0}, {"MESSAGE", "a"}})}},
                    "MESSAGES[0][STOP_TIME] should be greater than zero"},
        InvalidCase{"EmptyMessage",
                    {{"CALL_ID", "$CALL"},
                     {"MESSAGES", One({{"SIDE", "Client"}, {"STOP_TIME", 2}, {"MESSAGE", ""}})}},
                    "MESSAGES[0][MESSAGE] is empty"},
        InvalidCase{"UnknownCall",
                    {{"CALL_ID", "0000000000000000.1.1"}, {"MESSAGES", json::array()}},
                    "Call 0000000000000000.1.1 is not found. Is it finished?"}),
    [](const ::testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

TEST_F(TranscriptionTest, ParameterNamesAreCaseSensitive) {
  Reply reply =
      Call("telephony.call.attachTranscription", {{"call_id", call_id_}, {"MESSAGES", Messages()}});
  EXPECT_EQ(reply.body["error_description"], "CALL_ID should be set");
}

}  // namespace
}  // namespace callbrief::fakes::testing
