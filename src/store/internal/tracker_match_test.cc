// Trackers' words in a transcript: word forms, phrases, sides, limits.
#include "store/internal/tracker_match.h"

#include <gtest/gtest.h>

namespace callbrief::store::internal {
namespace {

TranscriptSegment Line(std::string speaker, std::string text, std::int64_t start_ms = 0) {
  return {.start_ms = start_ms,
          .end_ms = start_ms + 5000,
          .speaker = std::move(speaker),
          .text = std::move(text)};
}

Tracker Make(std::int64_t id, std::string name, std::vector<std::string> phrases,
             TrackerSide side = TrackerSide::kBoth) {
  return {.id = id, .name = std::move(name), .side = side, .phrases = std::move(phrases)};
}

std::vector<TrackerHit> Find(const std::vector<TranscriptSegment>& segments,
                             const std::vector<Tracker>& trackers) {
  return FindTrackerHits(segments, CompileTrackers(trackers));
}

// What was said, hit by hit.
std::vector<std::string> Said(const std::vector<TrackerHit>& hits) {
  std::vector<std::string> said;
  for (const TrackerHit& hit : hits) said.push_back(hit.said);
  return said;
}

TEST(TrackerMatchTest, AWordMatchesEveryFormOfIt) {
  const std::vector<Tracker> trackers = {Make(1, "Договоры", {"договор"})};
  const auto hits = Find({Line("client", "Пришлите договора и ДОГОВОРЫ."),
                          Line("manager", "По договору всё готово, цена договорная.")},
                         trackers);
  // "договорная" is another word (its stem is "договорн").
  EXPECT_EQ(Said(hits), (std::vector<std::string>{"договора", "ДОГОВОРЫ", "договору"}));
}

TEST(TrackerMatchTest, AHitNamesItsTrackerPhraseSpeakerAndTheLineStart) {
  const std::vector<Tracker> trackers = {Make(7, "Конкуренты", {"Мебель-Маркет"})};
  const auto hits = Find(
      {Line("manager", "Здравствуйте.", 0), Line("client", "В Мебель-маркете дешевле.", 12'500)},
      trackers);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0], (TrackerHit{.tracker_id = 7,
                                 .tracker_name = "Конкуренты",
                                 .phrase = "Мебель-Маркет",
                                 .said = "Мебель-маркете",
                                 .speaker = "client",
                                 .start_ms = 12'500}));
}

TEST(TrackerMatchTest, APhraseMatchesItsWordsNextToEachOtherInOrder) {
  const std::vector<Tracker> trackers = {Make(1, "Отказ", {"отменить заказ"})};
  const auto hits =
      Find({Line("client", "Если не привезёте, я отменю заказ."), Line("client", "Заказ отменю."),
            Line("client", "Отменю, пожалуй, заказ."), Line("client", "Отменить")},
           trackers);
  EXPECT_EQ(Said(hits), (std::vector<std::string>{"отменю заказ"}));
}

TEST(TrackerMatchTest, APhraseDoesNotRunAcrossTwoLines) {
  const std::vector<Tracker> trackers = {Make(1, "Отказ", {"отменить заказ"})};
  EXPECT_TRUE(Find({Line("client", "Я отменю"), Line("client", "заказ")}, trackers).empty());
}

TEST(TrackerMatchTest, AOneSideTrackerHearsOnlyThatSide) {
  const std::vector<TranscriptSegment> call = {Line("manager", "Скидка будет."),
                                               Line("client", "А скидку дадите?"),
                                               Line("", "Скидки нет.")};
  EXPECT_EQ(Said(Find(call, {Make(1, "m", {"скидка"}, TrackerSide::kManager)})),
            (std::vector<std::string>{"Скидка"}));
  EXPECT_EQ(Said(Find(call, {Make(1, "c", {"скидка"}, TrackerSide::kClient)})),
            (std::vector<std::string>{"скидку"}));
  // A mono recording's lines (no speaker) are heard by trackers of both sides only.
  EXPECT_EQ(Said(Find(call, {Make(1, "b", {"скидка"})})),
            (std::vector<std::string>{"Скидка", "скидку", "Скидки"}));
}

TEST(TrackerMatchTest, EveryOccurrenceAndEveryTrackerCounts) {
  const std::vector<Tracker> trackers = {Make(1, "Цена", {"дорого"}),
                                         Make(2, "Стоп-слова", {"дорого", "не знаю"})};
  const auto hits = Find({Line("client", "Дорого, очень дорого. Не знаю.")}, trackers);
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (const TrackerHit& hit : hits) got.emplace_back(hit.tracker_id, hit.said);
  EXPECT_EQ(got, (std::vector<std::pair<std::int64_t, std::string>>{
                     {1, "Дорого"}, {2, "Дорого"}, {1, "дорого"}, {2, "дорого"}, {2, "Не знаю"}}));
}

TEST(TrackerMatchTest, NoTrackersOrNoTranscriptFindNothing) {
  EXPECT_TRUE(Find({Line("client", "договор")}, {}).empty());
  EXPECT_TRUE(Find({}, {Make(1, "d", {"договор"})}).empty());
}

TEST(TrackerMatchTest, HitsPerCallAreCapped) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "дорого ";
  const auto hits = Find({Line("client", text)}, {Make(1, "Цена", {"дорого"})});
  EXPECT_EQ(hits.size(), kMaxTrackerHitsPerCall);
}

TEST(TrackerMatchTest, BrokenUtf8InATranscriptOnlySeparatesWords) {
  const auto hits = Find({Line("client", "дого\xD0вор договор\xFF")}, {Make(1, "d", {"договор"})});
  EXPECT_EQ(Said(hits), (std::vector<std::string>{"договор"}));
}

TEST(CleanTrackerTest, TrimsDropsEmptyAndRepeatedFormsKeepingTheOrder) {
  auto clean = CleanTracker(Make(
      0, "  Конкуренты ", {" Мебель-Маркет", "", "  ", "договор", "Договора", "мебель маркет"}));
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(clean->name, "Конкуренты");
  EXPECT_EQ(clean->phrases, (std::vector<std::string>{"Мебель-Маркет", "договор"}));
}

TEST(CleanTrackerTest, RefusesWhatCannotBeATrackerNamingTheField) {
  const std::string long_name(kMaxTrackerNameChars + 1, 'x');
  const std::string long_phrase(kMaxTrackerPhraseBytes + 1, 'x');
  std::vector<std::string> many;
  for (size_t i = 0; i <= kMaxTrackerPhrases; ++i) many.push_back("слово" + std::to_string(i));
  const std::vector<std::pair<Tracker, std::string>> cases = {
      {Make(0, " ", {"a"}), "name:"},
      {Make(0, long_name, {"a"}), "name:"},
      {Make(0, "two\nlines", {"a"}), "name:"},
      {Make(0, "n", {}), "phrases:"},
      {Make(0, "n", {"", " "}), "phrases:"},
      {Make(0, "n", {"?!"}), "phrases:"},
      {Make(0, "n", {long_phrase}), "phrases:"},
      {Make(0, "n", {"a b c d e f g h i"}), "phrases:"},
      {Make(0, "n", {"a\nb"}), "phrases:"},
      {Make(0, "n", many), "phrases:"},
  };
  for (const auto& [tracker, field] : cases) {
    auto clean = CleanTracker(tracker);
    ASSERT_FALSE(clean.ok()) << tracker.name;
    EXPECT_EQ(clean.error().kind, core::ErrorKind::kInvalidInput);
    EXPECT_TRUE(clean.error().message.starts_with(field)) << clean.error().message;
  }
}

TEST(CleanTrackerTest, ANameIsCountedInCharactersNotBytes) {
  const std::string cyrillic = std::string(kMaxTrackerNameChars / 2, 'x') + [] {
    std::string s;
    for (size_t i = 0; i < kMaxTrackerNameChars / 2; ++i) s += "ж";
    return s;
  }();
  EXPECT_TRUE(CleanTracker(Make(0, cyrillic, {"a"})).ok());
}

}  // namespace
}  // namespace callbrief::store::internal
