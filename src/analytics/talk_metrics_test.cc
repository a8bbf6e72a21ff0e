#include "analytics/talk_metrics.h"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

namespace callbrief::analytics {
namespace {

// Timelines are written in seconds, as a person reads them.
Segment Manager(double from, double to, std::string text = "да") {
  return {static_cast<std::int64_t>(from * 1000), static_cast<std::int64_t>(to * 1000), "manager",
          std::move(text)};
}
Segment Client(double from, double to, std::string text = "да") {
  return {static_cast<std::int64_t>(from * 1000), static_cast<std::int64_t>(to * 1000), "client",
          std::move(text)};
}
Segment Mono(double from, double to, std::string text = "да") {
  return {static_cast<std::int64_t>(from * 1000), static_cast<std::int64_t>(to * 1000), "",
          std::move(text)};
}

TalkMetrics Measure(const std::vector<Segment>& segments) {
  auto m = ComputeTalkMetrics(segments);
  EXPECT_TRUE(m.has_value());
  return m.value_or(TalkMetrics{});
}

bool IsAbsent(const TalkMetrics& m, std::string_view metric) {
  return std::any_of(m.absent.begin(), m.absent.end(),
                     [&](const AbsentMetric& a) { return a.metric == metric; });
}

TEST(TalkShare, IsEachSidesShareOfTheTimeAnyoneTalked) {
  auto m = Measure({Manager(0, 30), Client(30, 40)});
  EXPECT_EQ(m.layout, "two_party");
  EXPECT_DOUBLE_EQ(m.manager->talk_seconds, 30);
  EXPECT_DOUBLE_EQ(m.client->talk_seconds, 10);
  EXPECT_DOUBLE_EQ(m.manager->talk_share, 0.75);
  EXPECT_DOUBLE_EQ(m.client->talk_share, 0.25);
}

TEST(TalkShare, TalkingTogetherCountsForBothSides) {
  // 8–10 s both speak: the manager talked 10 s, the client 4 s.
  auto m = Measure({Manager(0, 10), Client(8, 12)});
  EXPECT_DOUBLE_EQ(m.overlap_seconds, 2);
  EXPECT_DOUBLE_EQ(m.manager->talk_share, 0.714);
  EXPECT_DOUBLE_EQ(m.client->talk_share, 0.286);
  EXPECT_DOUBLE_EQ(m.speech_seconds, 12);
}

TEST(TalkShare, OverlappingSegmentsOfOneSideAreNotCountedTwice) {
  auto m = Measure({Manager(0, 10), Manager(5, 12), Client(20, 24)});
  EXPECT_DOUBLE_EQ(m.manager->talk_seconds, 12);
}

TEST(LongestMonologue, ContinuesOverAShortPauseWhileTheOtherSideIsSilent) {
  auto m = Measure({Manager(0, 10), Manager(11, 20), Client(25, 30)});
  EXPECT_DOUBLE_EQ(m.manager->longest_monologue_seconds, 20);
  EXPECT_DOUBLE_EQ(m.client->longest_monologue_seconds, 5);
}

TEST(LongestMonologue, EndsAtAPauseOfTheThresholdOrLonger) {
  // A pause of exactly 1.5 s (kMonologueMaxPauseMs) ends it.
  auto m = Measure({Manager(0, 10), Manager(11.5, 20), Client(25, 30)});
  EXPECT_DOUBLE_EQ(m.manager->longest_monologue_seconds, 10);
}

TEST(LongestMonologue, EndsWhenTheOtherSideSaysSomethingInThePause) {
  auto m = Measure({Manager(0, 10), Client(10.2, 10.6, "угу"), Manager(11, 20)});
  EXPECT_DOUBLE_EQ(m.manager->longest_monologue_seconds, 10);
}

TEST(LongestMonologue, IsNotEndedByTheOtherSideTalkingOverIt) {
  auto m = Measure({Manager(0, 20), Client(5, 6, "угу"), Client(25, 27)});
  EXPECT_DOUBLE_EQ(m.manager->longest_monologue_seconds, 20);
}

TEST(Interruptions, StartingWhileTheOtherSpeaksAndOverlappingHalfASecondIsOne) {
  auto m = Measure({Client(0, 10), Manager(9, 15)});
  EXPECT_EQ(m.manager->interruptions, 1);
  EXPECT_EQ(m.client->interruptions, 0);
}

TEST(Interruptions, AnOverlapOfExactlyTheThresholdCounts) {
  EXPECT_EQ(Measure({Client(0, 10), Manager(9.5, 15)}).manager->interruptions, 1);
}

TEST(Interruptions, AShorterOverlapIsTurnTakingNotAnInterruption) {
  EXPECT_EQ(Measure({Client(0, 10), Manager(9.7, 15)}).manager->interruptions, 0);
}

TEST(Interruptions, AShortBackchannelInsideTheOthersSpeechIsNotOne) {
  EXPECT_EQ(Measure({Client(0, 10), Manager(4, 4.4, "угу")}).manager->interruptions, 0);
  EXPECT_EQ(Measure({Client(0, 10), Manager(4, 5, "нет-нет")}).manager->interruptions, 1);
}

TEST(Interruptions, StartingTogetherIsNotAnInterruptionBySide) {
  auto m = Measure({Manager(0, 5), Client(0, 5)});
  EXPECT_EQ(m.manager->interruptions, 0);
  EXPECT_EQ(m.client->interruptions, 0);
}

TEST(Interruptions, AreCountedForEachSide) {
  auto m = Measure({Client(0, 10), Manager(8, 20), Client(18, 25), Manager(30, 31)});
  EXPECT_EQ(m.manager->interruptions, 1);  // at 8 s
  EXPECT_EQ(m.client->interruptions, 1);   // at 18 s
}

TEST(Silence, IsMeasuredBetweenTheFirstAndTheLastWordsOnly) {
  // 0–2 s before anyone speaks (ringing, a greeting machine) is not part of the conversation.
  auto m = Measure({Manager(2, 5), Client(8, 10), Manager(10, 12)});
  EXPECT_DOUBLE_EQ(m.conversation_seconds, 10);
  EXPECT_DOUBLE_EQ(m.speech_seconds, 7);
  EXPECT_DOUBLE_EQ(m.mutual_silence_seconds, 3);
  EXPECT_DOUBLE_EQ(m.mutual_silence_share, 0.3);
  EXPECT_DOUBLE_EQ(m.longest_silence_seconds, 3);
}

TEST(Silence, OneSideSpeakingIsNotSilence) {
  auto m = Measure({Manager(0, 10), Client(12, 20), Manager(18, 30)});
  EXPECT_DOUBLE_EQ(m.mutual_silence_seconds, 2);
  EXPECT_DOUBLE_EQ(m.longest_silence_seconds, 2);
}

TEST(TimeToFirstClientWord, IsFromTheStartOfTheRecording) {
  auto m = Measure({Manager(1, 4), Client(6.25, 8, "Алло, да")});
  EXPECT_EQ(m.time_to_first_client_word_seconds, 6.25);
}

TEST(TimeToFirstClientWord, IsAbsentWhenTheClientNeverSpoke) {
  auto m = Measure({Manager(0, 10, "Алло? Вы меня слышите?")});
  EXPECT_FALSE(m.time_to_first_client_word_seconds.has_value());
  EXPECT_TRUE(IsAbsent(m, "time_to_first_client_word_seconds"));
  EXPECT_TRUE(IsAbsent(m, "words_per_minute_client"));
  EXPECT_DOUBLE_EQ(m.manager->talk_share, 1);
}

TEST(SpeakingRate, IsWordsPerMinuteOfTheSidesOwnTalkingTime) {
  std::string sixty_words;
  for (int i = 0; i < 60; ++i) sixty_words += "слово ";
  auto m = Measure({Manager(0, 30, sixty_words), Client(40, 70, "Хорошо, договорились")});
  EXPECT_EQ(m.manager->words_per_minute, 120);
  EXPECT_EQ(m.client->words_per_minute, 4);
  EXPECT_EQ(m.manager->words, 60);
}

TEST(Questions, AreSentencesEndingInAQuestionMarkPerSide) {
  auto m = Measure({Manager(0, 5, "Добрый день! Как вас зовут? Удобно говорить?!"),
                    Client(6, 8, "Да. А вы кто?"), Manager(9, 12, "Ссылка: site.ru/a.php?id=1")});
  EXPECT_EQ(m.manager->questions, 2);
  EXPECT_EQ(m.client->questions, 1);
  EXPECT_EQ(m.questions, 3);
}

TEST(Words, CountCyrillicAndLatinButNotLonePunctuation) {
  EXPECT_EQ(CountWords("Привет — это Ольга, company X …"), 5);
  EXPECT_EQ(CountWords("  "), 0);
  EXPECT_EQ(CountQuestions("«Правда?» — спросил он"), 1);
  EXPECT_EQ(CountQuestions("Что?? Где?"), 2);
}

TEST(Mono, MeasuresOnlyWhatOneChannelCanTell) {
  auto m = Measure({Mono(1, 10, "Здравствуйте, удобно говорить?"), Mono(12, 20, "Да")});
  EXPECT_EQ(m.layout, "mono");
  EXPECT_DOUBLE_EQ(m.speech_seconds, 17);
  EXPECT_DOUBLE_EQ(m.longest_silence_seconds, 2);
  EXPECT_EQ(m.questions, 1);
  EXPECT_TRUE(m.words_per_minute.has_value());
  EXPECT_FALSE(m.manager.has_value());
  EXPECT_FALSE(m.client.has_value());
  for (const char* metric :
       {"talk_share_manager", "longest_monologue_client_seconds", "interruptions_by_manager",
        "overlap_seconds", "time_to_first_client_word_seconds"}) {
    EXPECT_TRUE(IsAbsent(m, metric)) << metric;
  }
  EXPECT_NE(m.absent.front().reason.find("mono"), std::string::npos);
}

TEST(Mono, TheJsonHasEveryFieldWithNullsForWhatIsAbsent) {
  auto json = TalkMetricsToJson(Measure({Mono(0, 10)}));
  EXPECT_TRUE(json["talk_share_manager"].is_null());
  EXPECT_TRUE(json["interruptions_by_client"].is_null());
  EXPECT_EQ(json["speech_seconds"], 10);
  EXPECT_FALSE(json["absent"].empty());
}

TEST(TwoParty, TheJsonNamesEachSidesMetrics) {
  auto json = TalkMetricsToJson(Measure({Manager(0, 30), Client(30, 40)}));
  EXPECT_EQ(json["layout"], "two_party");
  EXPECT_EQ(json["talk_share_manager"], 0.75);
  EXPECT_EQ(json["longest_monologue_manager_seconds"], 30);
  EXPECT_EQ(json["interruptions_by_client"], 0);
  EXPECT_EQ(json["time_to_first_client_word_seconds"], 30);
  EXPECT_EQ(json["thresholds"]["interruption_min_overlap_seconds"], 0.5);
  EXPECT_TRUE(json["absent"].empty());
}

TEST(Input, NoSegmentsIsNothingToMeasure) { EXPECT_FALSE(ComputeTalkMetrics({}).has_value()); }

TEST(Input, SegmentOrderDoesNotMatter) {
  std::vector<Segment> timeline = {Client(0, 10), Manager(8, 20), Client(18, 25), Manager(26, 30)};
  auto in_order = TalkMetricsToJson(Measure(timeline));
  std::reverse(timeline.begin(), timeline.end());
  EXPECT_EQ(TalkMetricsToJson(Measure(timeline)), in_order);
}

TEST(Input, BadTimingsCannotMakeAMetricNegative) {
  auto m = Measure({{-5'000, 3'000, "manager", "x"}, {9'000, 2'000, "client", "y"}});
  EXPECT_DOUBLE_EQ(m.manager->talk_seconds, 3);
  EXPECT_DOUBLE_EQ(m.client->talk_seconds, 0);
  EXPECT_GE(m.mutual_silence_seconds, 0);
  EXPECT_GE(m.longest_silence_seconds, 0);
}

}  // namespace
}  // namespace callbrief::analytics
