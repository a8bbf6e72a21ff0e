#include "pipeline/resolve_stage.h"
#include "testing/manual_clock.h"

#include <gtest/gtest.h>

namespace callbrief::pipeline {
namespace {

using nlohmann::json;
using store::Stage;

constexpr std::int64_t kReceivedMs = 1'800'000'000'000;

using testing::ManualClock;

// A portal with one statistic row (or none) and one user.
class Portal final : public bitrix::RestClient {
 public:
  core::Result<bitrix::RestResponse> Call(std::string_view method, const json&) override {
    bitrix::RestResponse reply;
    reply.result = json::array();
    if (method == "voximplant.statistic.get") {
      if (!row.is_null()) reply.result.push_back(row);
    } else if (method == "user.get") {
      reply.result.push_back({{"ID", "12"}, {"NAME", "Анна"}, {"LAST_NAME", "Петрова"}});
    }
    return reply;
  }
  json row = {{"ID", "1042"},
              {"CALL_ID", "CALL.1"},
              {"PORTAL_USER_ID", "12"},
              {"PHONE_NUMBER", "+79001234567"},
              {"PORTAL_NUMBER", "+74950000000"},
              {"CALL_TYPE", "2"},
              {"CALL_DURATION", "135"},
              {"CALL_FAILED_CODE", "200"},
              {"CRM_ENTITY_TYPE", "CONTACT"},
              {"CRM_ENTITY_ID", "77"},
              {"RECORD_FILE_ID", "9043"}};
};

class ResolveStageTest : public ::testing::Test {
 protected:
  store::CallDetails Call() {
    store::CallDetails details;
    details.call.id = 1;
    details.call.bitrix_call_id = "CALL.1";
    details.call.received_at_ms = kReceivedMs;
    return details;
  }
  core::Result<StageResult> Run() { return stage_.Run(Call()); }

  Portal portal_;
  ManualClock clock_{core::FromUnixMillis(kReceivedMs)};
  bitrix::UserNames names_{portal_, clock_};
  ResolveStage stage_{
      &portal_,
      &names_,
      clock_,
      {.min_call_duration_seconds = 10, .recording_wait = std::chrono::minutes(10)}};
};

TEST_F(ResolveStageTest, ACompletedCallWithARecordingGoesToDownloadWithItsFacts) {
  auto result = Run();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->next, Stage::kDownload);
  ASSERT_TRUE(result->facts);
  EXPECT_EQ(result->facts->direction, store::Direction::kIncoming);
  EXPECT_EQ(result->facts->manager_name, "Анна Петрова");
  EXPECT_EQ(result->facts->duration_seconds, 135);
  EXPECT_EQ(result->facts->crm_entity_id, 77);
  EXPECT_EQ(result->facts->record_file_id, 9043);
}

TEST_F(ResolveStageTest, AShortCallIsSkippedWithTheReason) {
  portal_.row["CALL_DURATION"] = "4";
  auto result = Run();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->next, Stage::kSkipped);
  EXPECT_NE(result->note.find("too short"), std::string::npos);
  EXPECT_EQ(result->facts->duration_seconds, 4);
}

TEST_F(ResolveStageTest, AMissedCallIsSkipped) {
  portal_.row["CALL_FAILED_CODE"] = "304";
  auto result = Run();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->next, Stage::kSkipped);
}

TEST_F(ResolveStageTest, ACallWithoutRecordingYetWaitsAndLooksAgainSoon) {
  portal_.row.erase("RECORD_FILE_ID");
  clock_.Advance(std::chrono::seconds(8));
  auto result = Run();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->next, Stage::kResolve);
  EXPECT_EQ(result->wait_until_ms, kReceivedMs + 8'000 + 5'000);
}

TEST_F(ResolveStageTest, ARecordingThatNeverAppearsIsSkippedWhenTheWaitRunsOut) {
  portal_.row.erase("RECORD_FILE_ID");
  clock_.Advance(std::chrono::minutes(10));
  auto result = Run();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->next, Stage::kSkipped);
  EXPECT_EQ(result->note, "no recording");
}

TEST_F(ResolveStageTest, ACallThePortalDoesNotListWaitsThenFailsNamingTheAdministratorRule) {
  portal_.row = nullptr;
  auto early = Run();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->next, Stage::kResolve);

  clock_.Advance(std::chrono::minutes(11));
  auto late = Run();
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(late.error().message.find("administrator"), std::string::npos);
}

TEST_F(ResolveStageTest, WithoutTheWebhookUrlTheCallWaitsForConfiguration) {
  ResolveStage unconfigured(nullptr, nullptr, clock_, {});
  auto result = unconfigured.Run(Call());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(result.error().message.find("BITRIX24_WEBHOOK_URL"), std::string::npos);
}

TEST(NextLookAtTest, BacksOffWithTheTimeWaitedAndStopsAtTheDeadline) {
  const auto wait = std::chrono::minutes(10);
  EXPECT_EQ(NextLookAtMs(kReceivedMs + 1'000, kReceivedMs, wait), kReceivedMs + 6'000);
  EXPECT_EQ(NextLookAtMs(kReceivedMs + 100'000, kReceivedMs, wait), kReceivedMs + 125'000);
  EXPECT_EQ(NextLookAtMs(kReceivedMs + 400'000, kReceivedMs, wait), kReceivedMs + 460'000);
  EXPECT_EQ(NextLookAtMs(kReceivedMs + 590'000, kReceivedMs, wait), kReceivedMs + 600'000);
}

}  // namespace
}  // namespace callbrief::pipeline
