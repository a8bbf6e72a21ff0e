#include "http/calls_api.h"

#include <gtest/gtest.h>

namespace callbrief::http {
namespace {

TEST(ParseCallQueryTest, EmptyQueryMeansFirstPageOfEverything) {
  auto q = ParseCallQuery({});
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->stages.empty());
  EXPECT_EQ(q->limit, 50);
  EXPECT_FALSE(q->from_ms.has_value());
}

TEST(ParseCallQueryTest, ReadsEveryFilter) {
  auto q = ParseCallQuery({{"stage", "failed,skipped"},
                           {"direction", "incoming"},
                           {"from", "2026-11-01"},
                           {"to", "2026-11-02T12:00:00+03:00"},
                           {"number", "+7 (900) 123"},
                           {"limit", "20"},
                           {"cursor", "1_2"}});
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->stages, (std::vector<store::Stage>{store::Stage::kFailed, store::Stage::kSkipped}));
  EXPECT_EQ(q->direction, store::Direction::kIncoming);
  EXPECT_EQ(q->from_ms, 1'793'491'200'000);
  EXPECT_EQ(q->to_ms, 1'793'610'000'000);
  EXPECT_EQ(q->number_contains, "7900123");
  EXPECT_EQ(q->limit, 20);
  EXPECT_EQ(q->cursor, "1_2");
}

TEST(ParseCallQueryTest, ReadsTheAnswerToACustomQuestion) {
  auto q = ParseCallQuery({{"answer", "new_client:yes"}});
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->answer_question, "new_client");
  EXPECT_EQ(q->answer_value, "yes");
  auto text = ParseCallQuery({{"answer", "competitor:ООО Ромашка: склад"}});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->answer_value, "ООО Ромашка: склад");
  for (const char* bad : {"new_client", "new_client:", ":yes", "New Client:yes"}) {
    auto refused = ParseCallQuery({{"answer", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().message,
              "answer: expected QUESTION:ANSWER, e.g. new_client:yes (ANSWER * for any answer)");
  }
}

TEST(ParseCallQueryTest, BadParametersAreNamedInTheError) {
  struct Case {
    std::string name, value, message_start;
  };
  for (const Case& c : std::vector<Case>{
           {"stage", "finished", "stage: unknown stage \"finished\""},
           {"direction", "sideways", "direction:"},
           {"from", "yesterday", "from: expected a date"},
           {"to", "2026-13-01", "to: expected a date"},
           {"limit", "0", "limit: expected a number from 1 to 200"},
           {"limit", "500", "limit:"},
           {"limit", "ten", "limit:"},
       }) {
    auto q = ParseCallQuery({{c.name, c.value}});
    ASSERT_FALSE(q.ok()) << c.name << "=" << c.value;
    EXPECT_TRUE(q.error().message.starts_with(c.message_start)) << q.error().message;
  }
}

TEST(CallJsonTest, UnknownFactsAreNullNotInvented) {
  store::CallRecord call;
  call.id = 7;
  call.bitrix_call_id = "A.1";
  call.source = store::CallSource::kWebhook;
  call.started_at_ms = 1'773'239'326'000;
  call.received_at_ms = 1'773'239'400'000;
  call.updated_at_ms = call.received_at_ms;
  auto j = CallToJson(call);
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["stage"], "received");
  EXPECT_EQ(j["direction"], "unknown");
  EXPECT_EQ(j["started_at"], "2026-03-11T14:28:46.000Z");
  EXPECT_TRUE(j["duration_seconds"].is_null());
  EXPECT_TRUE(j["client_number"].is_null());
  EXPECT_TRUE(j["last_error"].is_null());
  EXPECT_TRUE(j["crm"]["entity_id"].is_null());
}

TEST(CallJsonTest, ErrorsShownToPeopleAreRedacted) {
  store::CallRecord call;
  call.last_error = "GET https://a.bitrix24.ru/rest/1/webhooksecret/disk.file.get: 401";
  auto j = CallToJson(call);
  EXPECT_EQ(j["last_error"].get<std::string>().find("webhooksecret"), std::string::npos);
}

TEST(CallJsonTest, DetailsEmbedStoredDocumentsAsObjects) {
  store::CallDetails d;
  d.events.push_back({1, "ONVOXIMPLANTCALLEND", 0, "127.0.0.1", R"({"event":"X"})"});
  d.summary = store::Summary{"gpt-4o", R"({"summary":"ok"})", "conversation", "neutral", 0};
  auto j = CallDetailsToJson(d);
  EXPECT_EQ(j["events"][0]["body"]["event"], "X");
  EXPECT_EQ(j["summary"]["content"]["summary"], "ok");
  EXPECT_TRUE(j["transcript"].is_array());
  EXPECT_TRUE(j["deliveries"].is_array());
}

TEST(CallPageJsonTest, LastPageHasNullCursor) {
  auto j = CallPageToJson({});
  EXPECT_TRUE(j["calls"].is_array());
  EXPECT_TRUE(j["next_cursor"].is_null());
}

TEST(ParseCallQueryTest, ReadsTheManagerAndToneFilters) {
  auto q = ParseCallQuery({{"manager", "1269"}, {"sentiment", "negative"}});
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->portal_user_id, 1269);
  EXPECT_EQ(q->sentiment, "negative");
  EXPECT_TRUE(ParseCallQuery({{"manager", "Olga"}}).error().message.starts_with("manager:"));
  EXPECT_TRUE(ParseCallQuery({{"sentiment", "angry"}}).error().message.starts_with("sentiment:"));
}

TEST(CallJsonTest, DetailsCarryTheTimelineUsageAndCrmLink) {
  store::CallDetails d;
  d.call.crm_entity_type = "CONTACT";
  d.call.crm_entity_id = 42;
  d.call.recording_path = "data/recordings/1.mp3";
  d.stage_runs.push_back({.stage = store::Stage::kTranscribe,
                          .attempt = 2,
                          .started_at_ms = 1'000,
                          .finished_at_ms = 4'500,
                          .outcome = "retry",
                          .error = "HTTP 503"});
  d.usage.push_back({.stage = store::Stage::kSummarize,
                     .provider = "openai",
                     .model = "gpt-4o",
                     .cost_usd = 0.01});
  auto j = CallDetailsToJson(d, "https://p.bitrix24.ru");
  EXPECT_EQ(j["crm"]["url"], "https://p.bitrix24.ru/crm/contact/details/42/");
  EXPECT_EQ(j["stage_runs"][0]["stage"], "transcribe");
  EXPECT_EQ(j["stage_runs"][0]["duration_ms"], 3'500);
  EXPECT_EQ(j["stage_runs"][0]["error"], "HTTP 503");
  EXPECT_EQ(j["usage"][0]["cost_usd"], 0.01);
  EXPECT_EQ(j["has_recording"], true);
  EXPECT_TRUE(CallDetailsToJson(d)["crm"]["url"].is_null());
}

TEST(CallPageJsonTest, EachCallCarriesItsBriefOrNull) {
  store::CallPage page;
  page.calls.resize(2);
  page.calls[0].id = 1;
  page.calls[1].id = 2;
  std::vector<store::SummaryBrief> briefs = {
      {.call_id = 2, .sentiment = "positive", .headline = "Заказ кресел", .client_name = "Иван"}};
  auto j = CallPageToJson(page, briefs);
  EXPECT_TRUE(j["calls"][0]["brief"].is_null());
  EXPECT_EQ(j["calls"][1]["brief"]["headline"], "Заказ кресел");
  EXPECT_EQ(j["calls"][1]["brief"]["sentiment"], "positive");
  EXPECT_TRUE(j["calls"][1]["brief"]["company"].is_null());
}

}  // namespace
}  // namespace callbrief::http

namespace callbrief::http {
namespace {

TEST(CallJsonTest, DetailsCarryTheTalkMetricsStoredWithTheTranscript) {
  store::CallDetails d;
  d.metrics_json = R"({"layout":"two_party","talk_share_manager":0.732,"absent":[]})";
  auto metrics = CallDetailsToJson(d)["metrics"];
  ASSERT_TRUE(metrics.is_object()) << metrics.dump();
  EXPECT_EQ(metrics["layout"], "two_party");
  EXPECT_EQ(metrics["talk_share_manager"], 0.732);
}

TEST(CallPageJsonTest, EachCallCarriesTheMetricsTheListSortsByOrNull) {
  store::CallPage page;
  page.calls.resize(3);
  page.calls[0].metrics_layout = "two_party";
  page.calls[0].talk_share_manager_permille = 432;
  page.calls[0].longest_monologue_manager_ms = 61'250;
  page.calls[0].interruptions_by_manager = 2;
  page.calls[1].metrics_layout = "mono";
  // page.calls[2]: not transcribed yet.
  auto calls = CallPageToJson(page)["calls"];
  EXPECT_EQ(calls[0]["metrics"], nlohmann::json::parse(R"({"layout": "two_party",
      "talk_share_manager": 0.432, "longest_monologue_manager_seconds": 61.25,
      "interruptions_by_manager": 2})"));
  EXPECT_EQ(calls[1]["metrics"], nlohmann::json::parse(R"({"layout": "mono",
      "talk_share_manager": null, "longest_monologue_manager_seconds": null,
      "interruptions_by_manager": null})"));
  EXPECT_TRUE(calls[2]["metrics"].is_null());
}

TEST(ParseCallQueryTest, ReadsTheSortByAMetricAndItsOrder) {
  auto q = ParseCallQuery({{"sort", "longest_monologue_manager_seconds"}, {"order", "asc"}});
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->sort, store::CallSort::kLongestMonologueManager);
  EXPECT_TRUE(q->ascending);
  auto by_default = ParseCallQuery({{"sort", "talk_share_manager"}});
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(by_default->sort, store::CallSort::kTalkShareManager);
  EXPECT_FALSE(by_default->ascending);  // The largest first: the calls worth a look.
}

TEST(ParseCallQueryTest, AnUnknownSortOrOrderIsNamedWithTheChoices) {
  auto sort = ParseCallQuery({{"sort", "cost"}});
  ASSERT_FALSE(sort.ok());
  EXPECT_NE(sort.error().message.find("sort: expected started_at, talk_share_manager"),
            std::string::npos);
  auto order = ParseCallQuery({{"sort", "talk_share_manager"}, {"order", "up"}});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().message, "order: expected asc or desc");
  // Oldest first is not offered: the time-ordered list and its index run newest first.
  auto oldest_first = ParseCallQuery({{"order", "asc"}});
  ASSERT_FALSE(oldest_first.ok());
  EXPECT_NE(oldest_first.error().message.find("order=asc needs a metric in sort"),
            std::string::npos);
}

TEST(CallJsonTest, MetricsAreNullWithoutATranscript) {
  EXPECT_TRUE(CallDetailsToJson(store::CallDetails{})["metrics"].is_null());
}

TEST(ParseCallQueryTest, PassesTheSearchOnWithoutLeadingSpace) {
  auto q = ParseCallQuery({{"q", "  договор \"на поставку\""}, {"direction", "incoming"}});
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->q, "договор \"на поставку\"");
  EXPECT_EQ(ParseCallQuery({{"q", "   "}})->q, "");
}

TEST(CallPageJsonTest, ASearchGivesEachCallItsHitsAsPlainTextPieces) {
  store::CallPage page;
  page.calls.resize(2);
  page.calls[0].id = 7;
  page.calls[1].id = 8;
  page.hits[7] = {
      {.in_summary = false,
       .start_ms = 12'500,
       .speaker = "client",
       .snippet = {{"<b>Пришлите</b> ", false}, {"договор", true}}},
      {.in_summary = true, .start_ms = 0, .speaker = "", .snippet = {{"договора", true}}}};
  auto j = CallPageToJson(page, {}, /*searched=*/true);
  const auto& hits = j["calls"][0]["hits"];
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0]["in"], "transcript");
  EXPECT_EQ(hits[0]["start_ms"], 12'500);
  EXPECT_EQ(hits[0]["speaker"], "client");
  EXPECT_EQ(hits[0]["snippet"][0]["text"], "<b>Пришлите</b> ");  // Text as stored: the UI escapes.
  EXPECT_EQ(hits[0]["snippet"][0]["hit"], false);
  EXPECT_EQ(hits[0]["snippet"][1]["hit"], true);
  EXPECT_EQ(hits[1]["in"], "summary");
  EXPECT_TRUE(hits[1]["start_ms"].is_null());
  EXPECT_TRUE(j["calls"][1]["hits"].empty());
  EXPECT_FALSE(CallPageToJson(page)["calls"][0].contains("hits"));
}

}  // namespace
}  // namespace callbrief::http
