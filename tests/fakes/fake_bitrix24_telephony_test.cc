// voximplant.statistic.get: rows, filters, order, paging, recordings and permissions.

#include <regex>

#include <gtest/gtest.h>

#include "fakes/fake_bitrix24_test_support.h"

namespace callbrief::fakes::testing {
namespace {

using json = nlohmann::json;

class StatisticTest : public FakeBitrix24Test {
 protected:
  // Ids of the rows a FILTER selects, in the order returned.
  std::vector<std::string> Ids(const json& params) {
    Reply reply = Call("voximplant.statistic.get", params);
    EXPECT_EQ(reply.status, 200) << reply.body.dump();
    std::vector<std::string> ids;
    for (const json& row : reply.body["result"]) ids.push_back(row["ID"]);
    return ids;
  }
  core::TimePoint At(const char* iso) {
    core::TimePoint t;
    EXPECT_TRUE(core::ParseIso8601(iso, &t));
    return t;
  }
};

TEST_F(StatisticTest, RowHasEveryDocumentedFieldAsStringOrNull) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  json row = StatisticRow(id);
  for (const char* field : {"ID",
                            "CALL_ID",
                            "EXTERNAL_CALL_ID",
                            "CALL_CATEGORY",
                            "PORTAL_USER_ID",
                            "PORTAL_NUMBER",
                            "PHONE_NUMBER",
                            "CALL_TYPE",
                            "CALL_DURATION",
                            "CALL_START_DATE",
                            "CALL_LOG",
                            "CALL_RECORD_URL",
                            "RECORD_FILE_ID",
                            "RECORD_DURATION",
                            "CALL_VOTE",
                            "COST",
                            "COST_CURRENCY",
                            "CALL_FAILED_CODE",
                            "CALL_FAILED_REASON",
                            "CRM_ENTITY_TYPE",
                            "CRM_ENTITY_ID",
                            "CRM_ACTIVITY_ID",
                            "REST_APP_ID",
                            "REST_APP_NAME",
                            "TRANSCRIPT_ID",
                            "TRANSCRIPT_PENDING",
                            "SESSION_ID",
                            "REDIAL_ATTEMPT",
                            "COMMENT"}) {
    ASSERT_TRUE(row.contains(field)) << field;
    EXPECT_TRUE(row[field].is_string() || row[field].is_null()) << field;
  }
}

TEST_F(StatisticTest, DefaultRowIsAnAnsweredIncomingCallBoundToAContact) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  json row = StatisticRow(id);
  EXPECT_EQ(row["CALL_TYPE"], "2");
  EXPECT_EQ(row["CALL_DURATION"], "135");
  EXPECT_EQ(row["CALL_FAILED_CODE"], "200");
  EXPECT_EQ(row["PORTAL_USER_ID"], "7");
  EXPECT_EQ(row["COST"], "0.0000");
  EXPECT_EQ(row["COST_CURRENCY"], "RUR");
  EXPECT_EQ(row["CRM_ENTITY_TYPE"], "CONTACT");
  EXPECT_TRUE(std::regex_match(row["CRM_ENTITY_ID"].get<std::string>(), std::regex(R"(\d+)")));
  EXPECT_TRUE(std::regex_match(row["CRM_ACTIVITY_ID"].get<std::string>(), std::regex(R"(\d+)")));
  EXPECT_EQ(row["CALL_START_DATE"], "2026-03-11T17:26:26+03:00");  // now − 135 s − 5 s.
  EXPECT_EQ(row["TRANSCRIPT_PENDING"], "N");
}

TEST_F(StatisticTest, GeneratedCallIdsLookLikeVoximplantOnes) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  EXPECT_TRUE(std::regex_match(id, std::regex(R"([0-9A-F]{16}\.1773239186\.\d{7})"))) << id;
}

TEST_F(StatisticTest, ExternalPbxCallsHaveExternalCallIds) {
  std::string id = portal_.AddCall(CallBuilder().External("17", "Office PBX").Build());
  EXPECT_TRUE(std::regex_match(id, std::regex(R"(externalCall\.[0-9a-f]{32}\.\d+)"))) << id;
  json row = StatisticRow(id);
  EXPECT_EQ(row["PORTAL_NUMBER"], "REST_APP:");
  EXPECT_EQ(row["REST_APP_ID"], "17");
  EXPECT_EQ(row["REST_APP_NAME"], "Office PBX");
  EXPECT_TRUE(row["EXTERNAL_CALL_ID"].is_string());
}

TEST_F(StatisticTest, CallWithoutCrmHasNullCrmFields) {
  json row = StatisticRow(portal_.AddCall(CallBuilder().WithoutCrm().Build()));
  EXPECT_TRUE(row["CRM_ENTITY_TYPE"].is_null());
  EXPECT_TRUE(row["CRM_ENTITY_ID"].is_null());
  EXPECT_TRUE(row["CRM_ACTIVITY_ID"].is_null());
}

TEST_F(StatisticTest, FiltersByCallIdWithOrWithoutEqualsAndIgnoringCase) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  std::string other = portal_.AddCall(CallBuilder().Build());
  std::string row_id = StatisticRow(id)["ID"];
  EXPECT_EQ(Ids({{"FILTER", {{"CALL_ID", id}}}}), std::vector<std::string>{row_id});
  EXPECT_EQ(Ids({{"FILTER", {{"=CALL_ID", id}}}}), std::vector<std::string>{row_id});
  std::string lower = id;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(Ids({{"filter", {{"call_id", lower}}}}), std::vector<std::string>{row_id});
}

TEST_F(StatisticTest, IdComparisonsMakeACursor) {
  for (int i = 0; i < 4; ++i) portal_.AddCall(CallBuilder().Build());  // IDs 2041..2044.
  EXPECT_EQ(Ids({{"FILTER", {{">ID", 2042}}}}), (std::vector<std::string>{"2043", "2044"}));
  EXPECT_EQ(Ids({{"FILTER", {{">=ID", "2043"}}}}), (std::vector<std::string>{"2043", "2044"}));
  EXPECT_EQ(Ids({{"FILTER", {{"<ID", 2042}}}}), (std::vector<std::string>{"2041"}));
}

TEST_F(StatisticTest, FiltersByStartDateRangeWithOffsets) {
  portal_.AddCall(CallBuilder().StartedAt(At("2026-03-10T09:00:00Z")).Build());  // 2041
  portal_.AddCall(CallBuilder().StartedAt(At("2026-03-11T09:00:00Z")).Build());  // 2042
  portal_.AddCall(CallBuilder().StartedAt(At("2026-03-12T09:00:00Z")).Build());  // 2043
  EXPECT_EQ(Ids({{"FILTER",
                  {{">=CALL_START_DATE", "2026-03-11T12:00:00+03:00"},
                   {"<CALL_START_DATE", "2026-03-12T12:00:00+03:00"}}}}),
            (std::vector<std::string>{"2042"}));
  EXPECT_EQ(Ids({{"FILTER", {{"<=CALL_START_DATE", "2026-03-11T12:00:00+03:00"}}}}),
            (std::vector<std::string>{"2041", "2042"}));
  // Without an offset a time is portal time (+03:00).
  EXPECT_EQ(Ids({{"FILTER", {{">CALL_START_DATE", "2026-03-12 11:59:59"}}}}),
            (std::vector<std::string>{"2043"}));
}

TEST_F(StatisticTest, FiltersByUserTypeAndFailureCode) {
  portal_.AddCall(CallBuilder().Operator(7).Build());             // 2041
  portal_.AddCall(CallBuilder().Operator(8).Outgoing().Build());  // 2042
  portal_.AddCall(CallBuilder().Operator(7).Missed().Build());    // 2043
  EXPECT_EQ(Ids({{"FILTER", {{"PORTAL_USER_ID", 8}}}}), (std::vector<std::string>{"2042"}));
  EXPECT_EQ(Ids({{"FILTER", {{"CALL_TYPE", "2"}}}}), (std::vector<std::string>{"2041", "2043"}));
  EXPECT_EQ(Ids({{"FILTER", {{"CALL_FAILED_CODE", "304"}}}}), (std::vector<std::string>{"2043"}));
}

TEST_F(StatisticTest, ListValueMeansAnyOf) {
  std::string a = portal_.AddCall(CallBuilder().Build());
  portal_.AddCall(CallBuilder().Build());
  std::string c = portal_.AddCall(CallBuilder().Build());
  Reply reply = PostForm("voximplant.statistic.get",
                         "FILTER%5BCALL_ID%5D%5B%5D=" + a + "&FILTER%5BCALL_ID%5D%5B%5D=" + c);
  ASSERT_EQ(reply.body["result"].size(), 2u);
}

TEST_F(StatisticTest, NestedFilterMayCombineWithOr) {
  portal_.AddCall(CallBuilder().Outgoing().Build());  // 2041
  portal_.AddCall(CallBuilder().Build());             // 2042
  portal_.AddCall(CallBuilder().Missed().Build());    // 2043
  json either = {{"LOGIC", "OR"}, {"CALL_TYPE", 1}, {"CALL_FAILED_CODE", "304"}};
  EXPECT_EQ(Ids({{"FILTER", {{"0", either}}}}), (std::vector<std::string>{"2041", "2043"}));
}

TEST_F(StatisticTest, UnknownOperatorIsSilentlyIgnored) {
  portal_.AddCall(CallBuilder().Build());
  portal_.AddCall(CallBuilder().Build());
  EXPECT_EQ(Ids({{"FILTER", {{"~CALL_ID", "nothing"}}}}).size(), 2u);
  EXPECT_EQ(Ids({{"FILTER", {{"=>ID", 99999}}}}).size(), 2u);
}

// vi_rest.php checkStatisticFilter unsets a key whose field the table lacks: a typo filters
// nothing (RECORD_FILE_ID is printed in rows but is no column).
TEST_F(StatisticTest, UnknownFieldIsSilentlyDropped) {
  portal_.AddCall(CallBuilder().Build());
  portal_.AddCall(CallBuilder().Build());
  Reply reply = Call("voximplant.statistic.get", {{"FILTER", {{"RECORD_FILE_ID", 9043}}}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["result"].size(), 2u);
  EXPECT_EQ(Ids({{"FILTER", {{"CALL_IDD", "nothing"}}}}).size(), 2u);
}

TEST_F(StatisticTest, UnparsableDateIsACoreError) {
  Reply reply =
      Call("voximplant.statistic.get", {{"FILTER", {{">=CALL_START_DATE", "yesterday"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"], "ERROR_CORE");
}

TEST_F(StatisticTest, SortsByAFieldWhenOrderIsGiven) {
  for (int i = 0; i < 3; ++i) portal_.AddCall(CallBuilder().Duration(100 - i * 10).Build());
  EXPECT_EQ(Ids({{"SORT", "ID"}, {"ORDER", "DESC"}}),
            (std::vector<std::string>{"2043", "2042", "2041"}));
  EXPECT_EQ(Ids({{"SORT", "CALL_DURATION"}, {"ORDER", "ASC"}}),
            (std::vector<std::string>{"2043", "2042", "2041"}));
}

TEST_F(StatisticTest, SortWithoutOrderKeepsIdAscending) {
  for (int i = 0; i < 3; ++i) portal_.AddCall(CallBuilder().Duration(100 - i * 10).Build());
  EXPECT_EQ(Ids({{"SORT", "CALL_DURATION"}}), (std::vector<std::string>{"2041", "2042", "2043"}));
}

// vi_rest.php filterSortParam / filterOrderParam: an unknown SORT field, a field in another case
// and an ORDER other than exactly "ASC"/"DESC" are dropped, and rows keep table order.
TEST_F(StatisticTest, AnUnknownSortOrALowercaseOrderIsDroppedWithoutError) {
  for (int i = 0; i < 3; ++i) portal_.AddCall(CallBuilder().Duration(100 - i * 10).Build());
  const std::vector<std::string> table_order{"2041", "2042", "2043"};
  EXPECT_EQ(Ids({{"SORT", "CALL_TYPE"}, {"ORDER", "DESC"}}), table_order);
  EXPECT_EQ(Ids({{"SORT", "NO_SUCH_FIELD"}, {"ORDER", "DESC"}}), table_order);
  EXPECT_EQ(Ids({{"SORT", "id"}, {"ORDER", "DESC"}}), table_order);
  EXPECT_EQ(Ids({{"SORT", "ID"}, {"ORDER", "desc"}}), table_order);
  EXPECT_EQ(Ids({{"SORT", "ID"}, {"ORDER", " DESC "}}),
            (std::vector<std::string>{"2043", "2042", "2041"}));  // Trimmed first.
}

TEST_F(StatisticTest, PagesHoldFiftyRowsWithTotalAndNext) {
  for (int i = 0; i < 120; ++i) portal_.AddCall(CallBuilder().Build());
  Reply first = Call("voximplant.statistic.get");
  EXPECT_EQ(first.body["result"].size(), 50u);
  EXPECT_EQ(first.body["total"], 120);
  EXPECT_EQ(first.body["next"], 50);
  Reply last = Call("voximplant.statistic.get", {{"start", 100}});
  EXPECT_EQ(last.body["result"].size(), 20u);
  EXPECT_EQ(last.body["result"][0]["ID"], "2141");
  EXPECT_EQ(last.body["total"], 120);
  EXPECT_FALSE(last.body.contains("next"));
}

TEST_F(StatisticTest, StartMinusOneSkipsTheCount) {
  for (int i = 0; i < 60; ++i) portal_.AddCall(CallBuilder().Build());
  Reply reply = Call("voximplant.statistic.get", {{"start", -1}});
  EXPECT_EQ(reply.body["result"].size(), 50u);
  EXPECT_FALSE(reply.body.contains("total"));
  EXPECT_FALSE(reply.body.contains("next"));
}

TEST_F(StatisticTest, RowWithoutRecordingHasNullRecordFields) {
  json row = StatisticRow(portal_.AddCall(CallBuilder().Build()));
  EXPECT_TRUE(row["RECORD_FILE_ID"].is_null());
  EXPECT_TRUE(row["CALL_RECORD_URL"].is_null());
  EXPECT_TRUE(row["RECORD_DURATION"].is_null());
}

TEST_F(StatisticTest, AttachedRecordingShowsItsDiskFileId) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  std::int64_t file = portal_.AttachRecording(id, "mp3 bytes", RecordingOptions::Lasting(130));
  json row = StatisticRow(id);
  EXPECT_EQ(row["RECORD_FILE_ID"], file);  // An integer: (int)CALL_WEBDAV_ID in vi_rest.php.
  EXPECT_EQ(row["CALL_RECORD_URL"].get<std::string>().rfind(
                "https://storage-gw-ru-03.voximplant.com/records/", 0),
            0u)
      << "Voximplant's storage, not the portal";
  EXPECT_EQ(row["RECORD_DURATION"], "130");
  EXPECT_TRUE(row["CALL_RECORD_URL"].is_string());
}

TEST_F(StatisticTest, RecordingCanAppearOnlyAfterSomePolls) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  portal_.AttachRecording(id, "mp3", RecordingOptions::HiddenForPolls(2));
  EXPECT_TRUE(StatisticRow(id)["RECORD_FILE_ID"].is_null());
  EXPECT_TRUE(StatisticRow(id)["RECORD_FILE_ID"].is_null());
  EXPECT_TRUE(StatisticRow(id)["RECORD_FILE_ID"].is_number_integer());
}

TEST_F(StatisticTest, RecordingCanAppearOnlyAtATime) {
  std::string id = portal_.AddCall(CallBuilder().Build());
  portal_.AttachRecording(id, "mp3",
                          RecordingOptions::VisibleAt(clock_.Now() + std::chrono::seconds(60)));
  EXPECT_TRUE(StatisticRow(id)["RECORD_FILE_ID"].is_null());
  clock_.Advance(std::chrono::seconds(60));
  EXPECT_TRUE(StatisticRow(id)["RECORD_FILE_ID"].is_number_integer());
}

TEST_F(StatisticTest, NonAdminWebhookSeesOnlyItsUsersCalls) {
  portal_.AddCall(CallBuilder().Operator(7).Build());  // 2041
  portal_.AddCall(CallBuilder().Operator(1).Build());  // 2042
  portal_.SetAdmin(false);
  EXPECT_EQ(Ids(json::object()), (std::vector<std::string>{"2042"}));
  EXPECT_EQ(Ids({{"FILTER", {{"PORTAL_USER_ID", 7}}}}), std::vector<std::string>{});
  EXPECT_EQ(Call("voximplant.statistic.get").body["total"], 1);
}

}  // namespace
}  // namespace callbrief::fakes::testing
