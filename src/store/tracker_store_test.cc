// Trackers and their hits (issue 17, item 2), the same on both databases: every case runs on
// SQLite and on PostgreSQL.
#include "store/work_store_fixture.h"

namespace callbrief::store {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kFirstDay = 1'700'000'000'000;

class TrackerStoreTest : public WorkStoreTest {
 protected:
  Tracker Save(Tracker tracker) {
    auto saved = store_->SaveTracker(tracker, kNow);
    EXPECT_TRUE(saved.ok()) << saved.error().message;
    EXPECT_TRUE(saved.ok() && saved->has_value());
    return saved.ok() && saved->has_value() ? **saved : Tracker{};
  }

  // A call started `day` days after the first, transcribed with these (speaker, text) lines, 10 s
  // apart: stored as the transcribe stage stores it.
  std::int64_t Transcribed(std::string call_id, int day,
                           std::vector<std::pair<std::string, std::string>> lines) {
    IncomingCall call = testing::MakeCall(call_id, kFirstDay + day * kDay);
    call.received_at_ms = kNow - 1000;
    auto recorded = store_->RecordIncomingCalls(std::span(&call, 1));
    EXPECT_TRUE(recorded.ok());
    const std::int64_t id = recorded.ok() ? (*recorded)[0].id : 0;
    EXPECT_TRUE(Claim("w1", kNow + ++clock_));
    StoreTranscript(id, std::move(lines));
    return id;
  }

  void StoreTranscript(std::int64_t id, std::vector<std::pair<std::string, std::string>> lines) {
    StageOutcome done = Outcome(id, "w1", Stage::kTranscribe, Stage::kSummarize);
    done.next_attempt_at_ms = kNow + 3'600'000;  // Not claimed again by the next Transcribed().
    std::vector<TranscriptSegment> segments;
    for (size_t i = 0; i < lines.size(); ++i) {
      segments.push_back({.index = static_cast<int>(i),
                          .start_ms = static_cast<std::int64_t>(i) * 10'000,
                          .end_ms = static_cast<std::int64_t>(i) * 10'000 + 9'000,
                          .speaker = lines[i].first,
                          .text = lines[i].second});
    }
    done.segments = std::move(segments);
    auto finished = store_->FinishStage(done);
    EXPECT_TRUE(finished.ok()) << finished.error().message;
  }

  std::vector<std::string> Listed(CallQuery query) {
    auto page = store_->ListCalls(query);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> ids;
    if (page.ok()) {
      for (const CallRecord& call : page->calls) ids.push_back(call.bitrix_call_id);
    }
    return ids;
  }

  int clock_ = 0;
};
INSTANTIATE_TEST_SUITE_P(Backends, TrackerStoreTest, testing::AllBackends(), testing::BackendName);

TEST_P(TrackerStoreTest, TrackersAreListedByNameAndEditedInPlace) {
  const Tracker competitors =
      Save({.name = "Конкуренты", .phrases = {"Мебель-Маркет", "другой поставщик"}});
  const Tracker refusal = Save({.name = "Отказ",
                                .side = TrackerSide::kClient,
                                .phrases = {"отменить заказ"},
                                .alert = true});
  EXPECT_GT(competitors.id, 0);
  EXPECT_NE(competitors.id, refusal.id);

  Tracker edited = competitors;
  edited.name = "Конкуренты и цены";
  edited.phrases = {"дешевле", "Мебель-Маркет"};
  edited.side = TrackerSide::kManager;
  const Tracker saved = Save(edited);
  EXPECT_EQ(saved.id, competitors.id);

  auto listed = store_->ListTrackers();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], saved);
  EXPECT_EQ((*listed)[0].phrases, (std::vector<std::string>{"дешевле", "Мебель-Маркет"}));
  EXPECT_EQ((*listed)[0].updated_at_ms, kNow);
  EXPECT_EQ((*listed)[1].name, "Отказ");
  EXPECT_EQ((*listed)[1].side, TrackerSide::kClient);
  EXPECT_TRUE((*listed)[1].alert);
}

TEST_P(TrackerStoreTest, ADuplicateNameOrABadTrackerIsRefusedAndNothingChanges) {
  Save({.name = "Отказ", .phrases = {"отменить"}});
  auto duplicate = store_->SaveTracker({.name = " Отказ ", .phrases = {"не надо"}}, kNow);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_NE(duplicate.error().message.find("exists already"), std::string::npos);
  auto empty = store_->SaveTracker({.name = "Пустой", .phrases = {"  "}}, kNow);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, core::ErrorKind::kInvalidInput);
  auto listed = store_->ListTrackers();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].phrases, (std::vector<std::string>{"отменить"}));
}

TEST_P(TrackerStoreTest, AnUnknownTrackerIsNeitherSavedNorDeleted) {
  auto saved = store_->SaveTracker({.id = 999, .name = "Нет", .phrases = {"нет"}}, kNow);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_FALSE(saved->has_value());
  auto deleted = store_->DeleteTracker(999);
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(*deleted);
  EXPECT_TRUE(store_->ListTrackers()->empty());
}

TEST_P(TrackerStoreTest, AStoredTranscriptGetsTheHitsOfEveryTrackerWithTheWordsAsSaid) {
  const Tracker contracts = Save({.name = "Договор", .phrases = {"договор"}});
  const Tracker refusal =
      Save({.name = "Отказ", .side = TrackerSide::kClient, .phrases = {"отменить заказ"}});
  const std::int64_t id = Transcribed("A", 1,
                                      {{"manager", "Договор пришлю сегодня."},
                                       {"client", "Если не пришлёте договора, я отменю заказ."},
                                       {"manager", "Я не отменю заказ."}});
  const CallDetails details = Find(id);
  EXPECT_EQ(details.tracker_hits, (std::vector<TrackerHit>{{.tracker_id = contracts.id,
                                                            .tracker_name = "Договор",
                                                            .phrase = "договор",
                                                            .said = "Договор",
                                                            .speaker = "manager",
                                                            .start_ms = 0},
                                                           {.tracker_id = contracts.id,
                                                            .tracker_name = "Договор",
                                                            .phrase = "договор",
                                                            .said = "договора",
                                                            .speaker = "client",
                                                            .start_ms = 10'000},
                                                           {.tracker_id = refusal.id,
                                                            .tracker_name = "Отказ",
                                                            .phrase = "отменить заказ",
                                                            .said = "отменю заказ",
                                                            .speaker = "client",
                                                            .start_ms = 10'000}}));
}

TEST_P(TrackerStoreTest, ATranscriptStoredAgainReplacesItsHits) {
  Save({.name = "Договор", .phrases = {"договор"}});
  const std::int64_t id = Transcribed("A", 1, {{"client", "Где договор?"}});
  ASSERT_EQ(Find(id).tracker_hits.size(), 1u);
  ASSERT_TRUE(Claim("w1", kNow + 7'200'000));
  StoreTranscript(id, {{"client", "Где счёт?"}});
  EXPECT_TRUE(Find(id).tracker_hits.empty());
}

TEST_P(TrackerStoreTest, HitsShowTheTrackersNameAsItIsNowAndGoWithTheTracker) {
  Tracker contracts = Save({.name = "Договор", .phrases = {"договор"}});
  const std::int64_t id = Transcribed("A", 1, {{"client", "Где договор?"}});
  contracts.name = "Документы";
  Save(contracts);
  ASSERT_EQ(Find(id).tracker_hits.size(), 1u);
  EXPECT_EQ(Find(id).tracker_hits[0].tracker_name, "Документы");
  auto deleted = store_->DeleteTracker(contracts.id);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_TRUE(*deleted);
  EXPECT_TRUE(Find(id).tracker_hits.empty());
  EXPECT_TRUE(Listed({.tracker_id = contracts.id}).empty());
}

TEST_P(TrackerStoreTest, TheCallsListFiltersByTrackerWithTheOtherFilters) {
  const Tracker contracts = Save({.name = "Договор", .phrases = {"договор"}});
  const Tracker price = Save({.name = "Цена", .phrases = {"дорого"}});
  Transcribed("A", 1, {{"client", "Где договор?"}});
  Transcribed("B", 2, {{"client", "Дорого."}});
  Transcribed("C", 3, {{"client", "Договор дорогой, дорого."}});
  Transcribed("D", 4, {{"client", "Алло."}});
  EXPECT_EQ(Listed({.tracker_id = contracts.id}), (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(Listed({.tracker_id = price.id}), (std::vector<std::string>{"C", "B"}));
  EXPECT_EQ(Listed({.from_ms = kFirstDay + 2 * kDay, .tracker_id = contracts.id}),
            (std::vector<std::string>{"C"}));
  EXPECT_EQ(Listed({.q = "где", .tracker_id = contracts.id}), (std::vector<std::string>{"A"}));
  // Paging walks the filtered calls.
  auto first = store_->ListCalls({.tracker_id = contracts.id, .limit = 1});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Listed({.tracker_id = contracts.id, .limit = 1, .cursor = first->next_cursor}),
            (std::vector<std::string>{"A"}));
}

TEST_P(TrackerStoreTest, TheDashboardCountsCallsAndHitsPerTrackerInItsWindow) {
  const Tracker contracts = Save({.name = "Договор", .phrases = {"договор"}});
  Save({.name = "Ничего", .phrases = {"никогда"}});
  Transcribed("A", 1, {{"client", "Договор, договор."}});
  Transcribed("B", 2, {{"client", "Договор."}});
  Transcribed("C", 9, {{"client", "Договор."}});  // Outside the window.
  auto counts = store_->CountTrackerHits(
      {.from_ms = kFirstDay, .to_ms = kFirstDay + 5 * kDay, .utc_offset_minutes = 0});
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].tracker_id, contracts.id);
  EXPECT_EQ((*counts)[0].calls, 2);
  EXPECT_EQ((*counts)[0].hits, 3);
  EXPECT_EQ((*counts)[1].name, "Ничего");
  EXPECT_EQ((*counts)[1].calls, 0);
  EXPECT_EQ((*counts)[1].hits, 0);
}

}  // namespace
}  // namespace callbrief::store
