// Full-text search over transcripts and summaries (CallQuery::q), the same on both databases:
// every case runs on SQLite and on PostgreSQL.
#include <algorithm>

#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

constexpr std::int64_t kDay = 86'400'000;

class SearchStoreTest : public WorkStoreTest {
 protected:
  // A call started `day` days after the first, with a transcript of one segment per text
  // (10 s apart, the manager and the client in turn) and, unless empty, a summary.
  std::int64_t AddCall(std::string call_id, int day, std::vector<std::string> texts,
                       std::string summary_json = "") {
    IncomingCall call = testing::MakeCall(call_id, 1'700'000'000'000 + day * kDay);
    call.received_at_ms = kNow - 1000;
    call.direction = day % 2 == 0 ? Direction::kIncoming : Direction::kOutgoing;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    const std::int64_t id = recorded.ok() ? (*recorded)[0].id : 0;
    EXPECT_TRUE(Claim("w1", kNow + ++clock_));
    StageOutcome done = Outcome(id, "w1", Stage::kSummarize, Stage::kDone);
    std::vector<TranscriptSegment> segments;
    for (size_t i = 0; i < texts.size(); ++i) {
      segments.push_back({.index = static_cast<int>(i),
                          .start_ms = static_cast<std::int64_t>(i) * 10'000,
                          .end_ms = static_cast<std::int64_t>(i) * 10'000 + 9'000,
                          .speaker = i % 2 == 0 ? "manager" : "client",
                          .text = std::move(texts[i])});
    }
    done.segments = std::move(segments);
    if (!summary_json.empty()) {
      done.summary = Summary{.model = "gpt-4o",
                             .summary_json = std::move(summary_json),
                             .call_kind = "conversation",
                             .sentiment = "neutral",
                             .created_at_ms = kNow};
    }
    EXPECT_TRUE(store_->FinishStage(done).ok());
    return id;
  }

  CallPage Search(CallQuery query) {
    auto page = store_->ListCalls(query);
    EXPECT_TRUE(page.ok()) << query.q << ": " << page.error().message;
    return page.ok() ? *page : CallPage{};
  }

  // The bitrix ids of the calls `q` finds, newest first.
  std::vector<std::string> Found(std::string q) {
    std::vector<std::string> ids;
    for (const CallRecord& call : Search({.q = std::move(q)}).calls) {
      ids.push_back(call.bitrix_call_id);
    }
    return ids;
  }

  void AddTheSharedCalls() {
    AddCall("A", 1, {"Добрый день, компания Ромашка.", "Мы вчера подписали договор поставки."});
    AddCall("B", 2, {"Алло.", "Пришлите, пожалуйста, договоры на почту.", "Хорошо, пришлю."});
    AddCall("C", 3, {"Сколько стоит доставка?", "Доставка бесплатная от десяти коробок."},
            R"({"summary":"Клиент ждёт проекта договора","key_points":["цена доставки"],)"
            R"("tasks":[{"text":"Выставить счёт","owner":"manager","due":null}],)"
            R"("client_request":"бесплатная доставка","next_steps":"","client_name":"Ирина",)"
            R"("company":"Ромашка"})");
    AddCall("D", 4, {"Условились о встрече в пятницу.", "Contracts were signed in March."});
  }

  int clock_ = 0;
};
INSTANTIATE_TEST_SUITE_P(Backends, SearchStoreTest, testing::AllBackends(), testing::BackendName);

// The shared set of Russian queries: both databases must give exactly these calls.
TEST_P(SearchStoreTest, FindsEveryFormOfAWordInTranscriptsAndSummaries) {
  AddTheSharedCalls();
  const std::vector<std::string> with_contract = {"C", "B", "A"};
  EXPECT_EQ(Found("договор"), with_contract);
  EXPECT_EQ(Found("договора"), with_contract);
  EXPECT_EQ(Found("ДОГОВОРАМИ"), with_contract);
  EXPECT_EQ(Found("доставкой"), (std::vector<std::string>{"C"}));
  EXPECT_EQ(Found("счета"), (std::vector<std::string>{"C"}));  // "счёт" in the summary's tasks.
  EXPECT_EQ(Found("ромашке"), (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(Found("contract sign"), (std::vector<std::string>{"D"}));
}

TEST_P(SearchStoreTest, APhraseNeedsItsWordsNextToEachOtherAndInOrder) {
  AddTheSharedCalls();
  EXPECT_EQ(Found(R"("подписать договоры")"), (std::vector<std::string>{"A"}));
  EXPECT_EQ(Found(R"("договор подписали")"), std::vector<std::string>{});
  EXPECT_EQ(Found(R"("бесплатная доставка")"), (std::vector<std::string>{"C"}));
}

TEST_P(SearchStoreTest, EveryWordMustOccurAndAWordInNoCallFindsNothing) {
  AddTheSharedCalls();
  EXPECT_EQ(Found("договор почта"), (std::vector<std::string>{"B"}));
  EXPECT_EQ(Found("договор пятница"), std::vector<std::string>{});
  EXPECT_EQ(Found("экскаватор"), std::vector<std::string>{});
}

TEST_P(SearchStoreTest, HitsGiveTheSegmentsStartSpeakerAndMarkedSnippet) {
  AddTheSharedCalls();
  CallPage page = Search({.q = "договору"});
  ASSERT_EQ(page.calls.size(), 3u);
  const std::vector<SearchHit>& a = page.hits[page.calls[2].id];
  ASSERT_EQ(a.size(), 1u);
  EXPECT_FALSE(a[0].in_summary);
  EXPECT_EQ(a[0].start_ms, 10'000);
  EXPECT_EQ(a[0].speaker, "client");
  EXPECT_EQ(a[0].snippet,
            (std::vector<SearchFragment>{
                {"Мы вчера подписали ", false}, {"договор", true}, {" поставки.", false}}));
  const std::vector<SearchHit>& c = page.hits[page.calls[0].id];
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].in_summary);
  ASSERT_GE(c[0].snippet.size(), 2u);
  EXPECT_EQ(c[0].snippet[1], (SearchFragment{"договора", true}));
}

TEST_P(SearchStoreTest, ACallShowsItsFirstFewMatchingSegments) {
  AddCall("A", 1, {"счёт", "нет", "счета", "счету", "счетом", "счёты"});
  CallPage page = Search({.q = "счет"});
  ASSERT_EQ(page.calls.size(), 1u);
  const std::vector<SearchHit>& hits = page.hits[page.calls[0].id];
  ASSERT_EQ(hits.size(), static_cast<size_t>(CallPage::kMaxHitSegments));
  EXPECT_EQ(hits[0].start_ms, 0);
  EXPECT_EQ(hits[1].start_ms, 20'000);
  EXPECT_EQ(hits[2].start_ms, 30'000);
}

TEST_P(SearchStoreTest, CombinesWithFiltersAndTheCursor) {
  for (int day = 1; day <= 5; ++day) {
    AddCall("S" + std::to_string(day), day, {"Нужен счёт на оплату"});
    AddCall("N" + std::to_string(day), day, {"Спасибо, до свидания"});
  }
  CallPage first = Search({.q = "счёт", .limit = 2});
  ASSERT_EQ(first.calls.size(), 2u);
  EXPECT_EQ(first.calls[0].bitrix_call_id, "S5");
  EXPECT_EQ(first.calls[1].bitrix_call_id, "S4");
  CallPage second = Search({.q = "счёт", .limit = 2, .cursor = first.next_cursor});
  ASSERT_EQ(second.calls.size(), 2u);
  EXPECT_EQ(second.calls[0].bitrix_call_id, "S3");
  EXPECT_EQ(second.hits.count(second.calls[1].id), 1u);

  CallPage outgoing = Search({.direction = Direction::kOutgoing, .q = "счёт"});
  ASSERT_EQ(outgoing.calls.size(), 3u);  // Odd days.
  EXPECT_EQ(outgoing.calls[0].bitrix_call_id, "S5");
  EXPECT_EQ(outgoing.calls[1].bitrix_call_id, "S3");
  EXPECT_EQ(outgoing.calls[2].bitrix_call_id, "S1");
}

TEST_P(SearchStoreTest, TheIndexFollowsATranscriptReplacedByALaterRun) {
  const std::int64_t id = Record("A");
  ASSERT_TRUE(Claim("w1"));
  StageOutcome first = Outcome(id, "w1", Stage::kTranscribe, Stage::kSummarize);
  first.segments = std::vector<TranscriptSegment>{{.speaker = "", .text = "Обсудили договор"}};
  ASSERT_TRUE(store_->FinishStage(first).ok());
  EXPECT_EQ(Found("договор"), std::vector<std::string>{"A"});

  ASSERT_TRUE(Claim("w1", kNow + 1000));
  StageOutcome second = Outcome(id, "w1", Stage::kTranscribe, Stage::kDone);
  second.segments = std::vector<TranscriptSegment>{{.speaker = "", .text = "Выставили счёт"}};
  second.summary = Summary{.model = "m",
                           .summary_json = R"({"summary":"Ждём оплату"})",
                           .call_kind = "conversation",
                           .sentiment = "neutral"};
  ASSERT_TRUE(store_->FinishStage(second).ok());
  EXPECT_EQ(Found("договор"), std::vector<std::string>{});
  EXPECT_EQ(Found("счёт"), std::vector<std::string>{"A"});
  EXPECT_EQ(Found("оплата"), std::vector<std::string>{"A"});
}

TEST_P(SearchStoreTest, AQueryWithoutWordsIsRefused) {
  auto page = store_->ListCalls({.q = "?!"});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(page.error().message.find("q:"), std::string::npos);
}

}  // namespace
}  // namespace callbrief::store
