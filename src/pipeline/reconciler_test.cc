#include "pipeline/reconciler.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"
#include "store/sqlite_store.h"
#include "store/test_support.h"

namespace callbrief::pipeline {
namespace {

nlohmann::json Row(int id, std::string call_id) {
  return {{"ID", std::to_string(id)},  {"CALL_ID", std::move(call_id)},
          {"CALL_TYPE", "2"},          {"PHONE_NUMBER", "+79001234567"},
          {"CALL_DURATION", "61"},     {"CALL_START_DATE", "2026-11-20T10:00:00+03:00"},
          {"CALL_FAILED_CODE", "200"}, {"RECORD_FILE_ID", "9"}};
}

std::string Page(std::vector<nlohmann::json> rows) {
  return nlohmann::json{{"result", rows}}.dump();
}

class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenSqliteStore({.path = dir_.File("r.db")});
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    reconciler_ = std::make_unique<Reconciler>(*client_, *store_, core::SystemClock::Instance());
  }

  nlohmann::json Sent(size_t i) { return nlohmann::json::parse(http_.requests().at(i).body); }

  store::testing::TempDir dir_;
  std::unique_ptr<store::CallStore> store_;
  net::testing::FakeHttpClient http_;
  std::unique_ptr<bitrix::RestClient> client_ =
      bitrix::MakeRestClient(http_, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  std::unique_ptr<Reconciler> reconciler_;
};

TEST_F(ReconcilerTest, FirstRunStartsAfterTheNewestRowWithoutImportingHistory) {
  http_.Reply(200, Page({Row(500, "OLD.500")}));  // Newest row, asked for with ORDER DESC.
  http_.Reply(200, Page({}));                     // Nothing after it.
  auto report = reconciler_->RunOnce();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->created, 0);
  EXPECT_EQ(Sent(0)["ORDER"], "DESC");
  EXPECT_EQ(Sent(1)["FILTER"][">ID"], 500);
  EXPECT_FALSE(store_->FindCall("OLD.500")->has_value());
  EXPECT_EQ(store_->GetSetting(Reconciler::kCursorSetting)->value_or(""), "500");
}

TEST_F(ReconcilerTest, RecordsCallsNoEventAnnouncedAndAdvancesTheCursor) {
  ASSERT_TRUE(store_->PutSetting(Reconciler::kCursorSetting, "100").ok());
  http_.Reply(200, Page({Row(101, "MISSED.101"), Row(102, "MISSED.102")}));
  auto report = reconciler_->RunOnce();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->created, 2);
  auto call = store_->FindCall("MISSED.101");
  ASSERT_TRUE(call.ok() && call->has_value());
  EXPECT_EQ((*call)->call.source, store::CallSource::kReconcile);
  EXPECT_EQ((*call)->call.stage, store::Stage::kReceived);
  EXPECT_EQ((*call)->call.duration_seconds, 61);
  EXPECT_EQ((*call)->call.direction, store::Direction::kIncoming);
  EXPECT_EQ(store_->GetSetting(Reconciler::kCursorSetting)->value_or(""), "102");
}

TEST_F(ReconcilerTest, CallsAlreadyAnnouncedByAnEventAreLeftAsTheyAre) {
  ASSERT_TRUE(store_->RecordIncomingCalls(std::vector{store::testing::MakeCall("KNOWN.1")}).ok());
  ASSERT_TRUE(store_->PutSetting(Reconciler::kCursorSetting, "1").ok());
  http_.Reply(200, Page({Row(2, "KNOWN.1"), Row(3, "NEW.3")}));
  auto report = reconciler_->RunOnce();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->seen, 2);
  EXPECT_EQ(report->created, 1);
  EXPECT_EQ((*store_->FindCall("KNOWN.1"))->call.source, store::CallSource::kWebhook);
}

TEST_F(ReconcilerTest, WalksEveryFullPage) {
  ASSERT_TRUE(store_->PutSetting(Reconciler::kCursorSetting, "0").ok());
  std::vector<nlohmann::json> full;
  for (int id = 1; id <= bitrix::kStatisticPageSize; ++id)
    full.push_back(Row(id, "P." + std::to_string(id)));
  http_.Reply(200, Page(full));
  http_.Reply(200, Page({Row(51, "P.51")}));
  auto report = reconciler_->RunOnce();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->pages, 2);
  EXPECT_EQ(report->created, 51);
  EXPECT_EQ(Sent(1)["FILTER"][">ID"], 50);
}

TEST_F(ReconcilerTest, AFailedPageKeepsTheCursorOfThePagesBefore) {
  ASSERT_TRUE(store_->PutSetting(Reconciler::kCursorSetting, "0").ok());
  std::vector<nlohmann::json> full;
  for (int id = 1; id <= bitrix::kStatisticPageSize; ++id)
    full.push_back(Row(id, "F." + std::to_string(id)));
  http_.Reply(200, Page(full));
  http_.Reply(503, R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})");
  auto report = reconciler_->RunOnce();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(store_->GetSetting(Reconciler::kCursorSetting)->value_or(""), "50");
}

TEST(ImportStatisticTest, DryRunCountsWithoutWriting) {
  store::testing::TempDir dir;
  auto store = store::OpenSqliteStore({.path = dir.File("d.db")});
  ASSERT_TRUE(store.ok());
  net::testing::FakeHttpClient http;
  http.Reply(200, Page({Row(7, "DRY.7")}));
  auto client =
      bitrix::MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  int pages_seen = 0;
  auto report = ImportStatistic(*client, **store, {}, store::CallSource::kBackfill,
                                core::SystemClock::Instance(), /*dry_run=*/true,
                                [&](const ImportReport&) { ++pages_seen; });
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->created, 1);
  EXPECT_EQ(pages_seen, 1);
  EXPECT_FALSE((*store)->FindCall("DRY.7")->has_value());
}

}  // namespace
}  // namespace callbrief::pipeline
