#include "bitrix/call_facts.h"

#include <gtest/gtest.h>

#include "net/fake_http_client.h"

namespace callbrief::bitrix {
namespace {

// A row as voximplant.statistic.get returns it (values are strings, as PHP renders them).
nlohmann::json StatisticRow() {
  return nlohmann::json::parse(R"({
    "ID":"1042","CALL_ID":"5E316880469A6376.1773306964.8740011","EXTERNAL_CALL_ID":null,
    "CALL_CATEGORY":"external","PORTAL_USER_ID":"12","PORTAL_NUMBER":"reg133788",
    "PHONE_NUMBER":"+79001234567","CALL_TYPE":"2","CALL_DURATION":"135",
    "CALL_START_DATE":"2026-03-11T17:28:46+03:00","CALL_RECORD_URL":"",
    "RECORD_FILE_ID":9043,"RECORD_DURATION":"134","COST":"0.0000","COST_CURRENCY":"RUR",
    "CALL_FAILED_CODE":"200","CALL_FAILED_REASON":"","CRM_ENTITY_TYPE":"CONTACT",
    "CRM_ENTITY_ID":"77","CRM_ACTIVITY_ID":"7953","TRANSCRIPT_ID":null,"TRANSCRIPT_PENDING":"N"})");
}

TEST(ParseStatisticRowTest, ReadsTheFactsTheResolveStageNeeds) {
  auto f = ParseStatisticRow(StatisticRow());
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->statistic_id, 1042);
  EXPECT_EQ(f->call_type, 2);
  EXPECT_EQ(f->portal_user_id, 12);
  EXPECT_EQ(f->duration_seconds, 135);
  EXPECT_EQ(f->started_at_ms, 1'773'239'326'000);
  EXPECT_EQ(f->crm_entity_type, "CONTACT");
  EXPECT_EQ(f->crm_entity_id, 77);
  EXPECT_EQ(f->crm_activity_id, 7953);
  EXPECT_EQ(f->record_file_id, 9043);  // An int here, a string elsewhere: both are read.
  EXPECT_EQ(f->record_duration_seconds, 134);
  EXPECT_TRUE(f->HasRecording());
}

TEST(ParseStatisticRowTest, NullAndZeroIdsMeanNone) {
  auto row = StatisticRow();
  row["RECORD_FILE_ID"] = nullptr;
  row["CRM_ENTITY_ID"] = "0";
  row["CRM_ACTIVITY_ID"] = nullptr;
  auto f = ParseStatisticRow(row);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->record_file_id.has_value());
  EXPECT_FALSE(f->crm_entity_id.has_value());
  EXPECT_FALSE(f->crm_activity_id.has_value());
  EXPECT_FALSE(f->HasRecording());
}

TEST(ParseStatisticRowTest, ARowWithoutIdOrCallIdIsRefused) {
  auto row = StatisticRow();
  row.erase("ID");
  EXPECT_FALSE(ParseStatisticRow(row).ok());
}

TEST(FetchCallFactsTest, FiltersByCallIdAndIgnoresOtherRows) {
  net::testing::FakeHttpClient http;
  auto other = StatisticRow();
  other["CALL_ID"] = "OTHER.1";
  http.Reply(200, nlohmann::json{{"result", {other, StatisticRow()}}}.dump());
  auto client = MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  auto facts = FetchCallFacts(*client, "5E316880469A6376.1773306964.8740011");
  ASSERT_TRUE(facts.ok());
  ASSERT_TRUE(facts->has_value());
  EXPECT_EQ((*facts)->statistic_id, 1042);
  auto body = nlohmann::json::parse(http.requests()[0].body);
  EXPECT_EQ(body["FILTER"]["CALL_ID"], "5E316880469A6376.1773306964.8740011");
}

TEST(FetchCallFactsTest, AnUnknownCallIsNoRowNotAnError) {
  net::testing::FakeHttpClient http;
  http.Reply(200, R"({"result":[],"total":0})");
  auto client = MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  auto facts = FetchCallFacts(*client, "NOPE.1");
  ASSERT_TRUE(facts.ok());
  EXPECT_FALSE(facts->has_value());
}

CallFacts Facts(std::string code, int duration, bool recording) {
  CallFacts f;
  f.failed_code = std::move(code);
  f.duration_seconds = duration;
  if (recording) f.record_file_id = 1;
  return f;
}

TEST(DecideCallTest, AppliesTheSeedsFiltersInOrder) {
  struct Case {
    CallFacts facts;
    bool wait_over;
    Verdict verdict;
    std::string reason;
  };
  auto missed = Facts("304", 0, false);
  missed.failed_reason = "Call canceled";
  for (const Case& c : std::vector<Case>{
           {Facts("200", 135, true), false, Verdict::kProcess, ""},
           {missed, false, Verdict::kSkip, "not completed: CALL_FAILED_CODE 304 (Call canceled)"},
           {Facts("", 50, true), false, Verdict::kSkip, "not completed: CALL_FAILED_CODE missing"},
           {Facts("200", 10, true), false, Verdict::kSkip,
            "too short: 10 s, MIN_CALL_DURATION is 10 s"},
           {Facts("200", 11, false), false, Verdict::kWaitForRecording,
            "waiting for the recording to appear in Bitrix24"},
           {Facts("200", 11, false), true, Verdict::kSkip, "no recording"},
       }) {
    auto d = DecideCall(c.facts, 10, c.wait_over);
    EXPECT_EQ(d.verdict, c.verdict) << c.reason;
    EXPECT_EQ(d.reason, c.reason);
  }
}

}  // namespace
}  // namespace callbrief::bitrix

namespace callbrief::bitrix {
namespace {

nlohmann::json RowWithId(int id) {
  auto row = StatisticRow();
  row["ID"] = std::to_string(id);
  row["CALL_ID"] = "C." + std::to_string(id);
  return row;
}

TEST(ListStatisticPageTest, AsksForRowsAfterTheCursorOldestFirstInFastMode) {
  net::testing::FakeHttpClient http;
  http.Reply(200, nlohmann::json{{"result", {RowWithId(101), RowWithId(102)}}}.dump());
  auto client = MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  auto page = ListStatisticPage(
      *client, {.after_id = 100, .since_ms = 1'793'491'200'000, .until_ms = std::nullopt});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->calls.size(), 2u);
  EXPECT_EQ(page->next_after_id, 102);
  EXPECT_TRUE(page->done);
  auto body = nlohmann::json::parse(http.requests()[0].body);
  EXPECT_EQ(body["FILTER"][">ID"], 100);
  EXPECT_EQ(body["FILTER"][">=CALL_START_DATE"], "2026-11-01T00:00:00+00:00");
  EXPECT_FALSE(body["FILTER"].contains("<CALL_START_DATE"));
  EXPECT_EQ(body["SORT"], "ID");
  EXPECT_EQ(body["ORDER"], "ASC");
  EXPECT_EQ(body["start"], -1);
}

TEST(ListStatisticPageTest, AFullPageIsNotTheLast) {
  net::testing::FakeHttpClient http;
  nlohmann::json rows = nlohmann::json::array();
  for (int id = 1; id <= kStatisticPageSize; ++id) rows.push_back(RowWithId(id));
  http.Reply(200, nlohmann::json{{"result", rows}}.dump());
  auto client = MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  auto page = ListStatisticPage(*client, {});
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->done);
  EXPECT_EQ(page->next_after_id, kStatisticPageSize);
}

TEST(ListStatisticPageTest, RowsAtOrBeforeTheCursorAreDroppedEvenIfThePortalSendsThem) {
  net::testing::FakeHttpClient http;
  http.Reply(200, nlohmann::json{{"result", {RowWithId(5), RowWithId(7)}}}.dump());
  auto client = MakeRestClient(http, nullptr, {.webhook_url = "https://a.bitrix24.ru/rest/1/x/"});
  StatisticWindow window;
  window.after_id = 6;
  auto page = ListStatisticPage(*client, window);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->calls.size(), 1u);
  EXPECT_EQ(page->calls[0].statistic_id, 7);
}

}  // namespace
}  // namespace callbrief::bitrix
