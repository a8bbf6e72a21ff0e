#include "asr/stitch.h"

#include <gtest/gtest.h>

namespace callbrief::asr {
namespace {

using Chunks = std::vector<std::pair<ChunkToTranscribe, ChunkTranscript>>;

RawSegment Line(std::int64_t start_ms, std::int64_t end_ms, std::string text) {
  return {.start_ms = start_ms, .end_ms = end_ms, .text = std::move(text)};
}

std::pair<ChunkToTranscribe, ChunkTranscript> Chunk(int index, std::string speaker,
                                                    std::vector<core::TimeSpan> spans,
                                                    std::vector<RawSegment> segments) {
  ChunkToTranscribe chunk{
      .index = index, .speaker = std::move(speaker), .time_map = core::TimeMap(std::move(spans))};
  ChunkTranscript transcript{.index = index, .segments = std::move(segments)};
  return {std::move(chunk), std::move(transcript)};
}

std::vector<std::string> Texts(const StitchedTranscript& t) {
  std::vector<std::string> out;
  for (const auto& s : t.segments) out.push_back(s.text);
  return out;
}

TEST(StitchTest, MapsChunkTimesThroughTheTimeMap) {
  // The chunk keeps 0–10 s and 25–35 s of the original (15 s of silence cut), starting at 60 s.
  Chunks chunks = {Chunk(1, "", {{0, 60000, 10000}, {10000, 85000, 10000}},
                         {Line(2000, 4000, "Первая"), Line(12000, 15000, "Вторая")})};
  StitchedTranscript t = Stitch(chunks);
  ASSERT_EQ(t.segments.size(), 2u);
  EXPECT_EQ(t.segments[0].start_ms, 62000);
  EXPECT_EQ(t.segments[0].end_ms, 64000);
  EXPECT_EQ(t.segments[1].start_ms, 87000);
  EXPECT_EQ(t.segments[1].end_ms, 90000);
}

TEST(StitchTest, InterleavesTheTwoChannelsByTime) {
  Chunks chunks = {
      Chunk(0, "manager", {{0, 0, 60000}},
            {Line(0, 2000, "Добрый день"), Line(6000, 8000, "Когда удобно?")}),
      Chunk(1, "client", {{0, 0, 60000}},
            {Line(2500, 5000, "Здравствуйте"), Line(8500, 9000, "Завтра")}),
  };
  StitchedTranscript t = Stitch(chunks);
  EXPECT_EQ(Texts(t),
            (std::vector<std::string>{"Добрый день", "Здравствуйте", "Когда удобно?", "Завтра"}));
  EXPECT_EQ(t.segments[0].speaker, "manager");
  EXPECT_EQ(t.segments[1].speaker, "client");
  EXPECT_EQ(t.dropped_hallucinations, 0);
}

TEST(StitchTest, ChunksInAnyOrderGiveTheSameTranscript) {
  auto first = Chunk(0, "", {{0, 0, 30000}}, {Line(0, 1000, "Раз")});
  auto second = Chunk(1, "", {{0, 30000, 30000}}, {Line(0, 1000, "Два")});
  EXPECT_EQ(Texts(Stitch({second, first})), (std::vector<std::string>{"Раз", "Два"}));
}

TEST(StitchTest, DropsKnownPhrasesAndCountsThem) {
  Chunks chunks = {
      Chunk(0, "client", {},
            {Line(0, 3000, "Алло, слушаю"), Line(40000, 45000, "Продолжение следует..."),
             Line(50000, 55000, "Субтитры сделал DimaTorzok")})};
  StitchedTranscript t = Stitch(chunks);
  EXPECT_EQ(Texts(t), (std::vector<std::string>{"Алло, слушаю"}));
  EXPECT_EQ(t.dropped_hallucinations, 2);
  ASSERT_EQ(t.dropped.size(), 2u);
  EXPECT_EQ(t.dropped[0].reason, DropReason::kKnownPhrase);
  EXPECT_EQ(t.dropped[0].start_ms, 40000);
  EXPECT_EQ(t.dropped[0].speaker, "client");
}

TEST(StitchTest, DropsSegmentsTheModelThinksHadNoSpeech) {
  struct Case {
    double no_speech_prob;
    double avg_logprob;
    bool dropped;
  } cases[] = {
      {0.9, -0.2, true},   // Sure there was no speech.
      {0.7, -1.5, true},   // Unsure, and the words are unlikely.
      {0.7, -0.3, false},  // Unsure, but the words are confident.
      {0.2, -1.5, false},  // Speech, badly recognised: still speech.
  };
  for (const auto& c : cases) {
    RawSegment segment = Line(0, 1000, "Угу");
    segment.no_speech_prob = c.no_speech_prob;
    segment.avg_logprob = c.avg_logprob;
    StitchedTranscript t = Stitch({Chunk(0, "", {}, {segment})});
    EXPECT_EQ(t.segments.empty(), c.dropped) << c.no_speech_prob << " " << c.avg_logprob;
    EXPECT_EQ(t.dropped_hallucinations, c.dropped ? 1 : 0);
    if (c.dropped) {
      EXPECT_EQ(t.dropped[0].reason, DropReason::kNoSpeech);
    }
  }
}

TEST(StitchTest, DropsGarbledRepetitiveSegments) {
  RawSegment garbled = Line(0, 30000, "и и и и и и и и и и и и и и и и");
  garbled.compression_ratio = 3.1;
  garbled.avg_logprob = -1.4;
  RawSegment dense = Line(30000, 31000, "да да да");
  dense.compression_ratio = 3.1;  // Repetitive but confident: a person saying it.
  dense.avg_logprob = -0.2;
  StitchedTranscript t = Stitch({Chunk(0, "", {}, {garbled, dense})});
  EXPECT_EQ(Texts(t), (std::vector<std::string>{"да да да"}));
  EXPECT_EQ(t.dropped[0].reason, DropReason::kGarbled);
}

TEST(StitchTest, CollapsesLoopsOfIdenticalLines) {
  Chunks chunks = {Chunk(0, "", {},
                         {Line(0, 1000, "Алло"), Line(1000, 2000, "Я вас не слышу."),
                          Line(2000, 3000, "Я вас не слышу"), Line(3000, 4000, "я вас не слышу!"),
                          Line(4000, 5000, "Перезвоните")})};
  StitchedTranscript t = Stitch(chunks);
  EXPECT_EQ(Texts(t), (std::vector<std::string>{"Алло", "Я вас не слышу.", "Перезвоните"}));
  EXPECT_EQ(t.dropped_hallucinations, 2);
  EXPECT_EQ(t.dropped[0].reason, DropReason::kRepetition);
}

TEST(StitchTest, KeepsAShortWordSaidTwice) {
  Chunks chunks = {Chunk(0, "", {}, {Line(0, 500, "Да."), Line(600, 1000, "Да.")})};
  EXPECT_EQ(Stitch(chunks).segments.size(), 2u);
}

TEST(StitchTest, RepeatsALongLineOnlyOnce) {
  const std::string line = "Мы отправим коммерческое предложение сегодня";
  Chunks chunks = {Chunk(0, "", {}, {Line(0, 3000, line), Line(3000, 6000, line)})};
  StitchedTranscript t = Stitch(chunks);
  EXPECT_EQ(t.segments.size(), 1u);
  EXPECT_EQ(t.dropped_hallucinations, 1);
}

TEST(StitchTest, DropsWordsRepeatedInTheOverlapOfTwoChunks) {
  // Chunk 0 covers 0–60 s, chunk 1 covers 55–115 s: the same 5 s appear in both.
  Chunks chunks = {
      Chunk(0, "client", {{0, 0, 60000}},
            {Line(50000, 54000, "Нам нужно двадцать штук"), Line(56000, 59500, "к концу месяца")}),
      Chunk(1, "client", {{0, 55000, 60000}},
            {Line(1000, 4600, "к концу месяца"), Line(6000, 9000, "и со скидкой")}),
  };
  StitchedTranscript t = Stitch(chunks);
  EXPECT_EQ(Texts(t), (std::vector<std::string>{"Нам нужно двадцать штук", "к концу месяца",
                                                "и со скидкой"}));
  EXPECT_EQ(t.dropped_overlaps, 1);
  EXPECT_EQ(t.dropped_hallucinations, 0);
  EXPECT_EQ(t.dropped[0].reason, DropReason::kOverlap);
}

TEST(StitchTest, TheOtherSpeakerSayingTheSameIsNotAnOverlap) {
  Chunks chunks = {Chunk(0, "manager", {}, {Line(0, 1000, "Хорошо")}),
                   Chunk(1, "client", {}, {Line(200, 1000, "Хорошо")})};
  EXPECT_EQ(Stitch(chunks).segments.size(), 2u);
}

TEST(StitchTest, SkipsEmptySegmentsWithoutCountingThem) {
  StitchedTranscript t = Stitch({Chunk(0, "", {}, {Line(0, 100, "  "), Line(100, 200, "...")})});
  EXPECT_TRUE(t.segments.empty());
  EXPECT_EQ(t.dropped_hallucinations, 0);
}

TEST(StitchTest, CarriesTheChunkFlags) {
  auto chunk = Chunk(0, "", {}, {Line(0, 100, "Текст")});
  chunk.second.timestamps_estimated = true;
  chunk.second.possibly_truncated = true;
  StitchedTranscript t = Stitch({chunk});
  EXPECT_TRUE(t.timestamps_estimated);
  EXPECT_TRUE(t.possibly_truncated);
  EXPECT_EQ(t.ToJson()["segments"][0]["text"], "Текст");
}

TEST(RenderTranscriptTest, LabelsSpeakersInTheCallLanguage) {
  std::vector<TranscriptSegment> segments = {
      {.start_ms = 5000, .end_ms = 6000, .speaker = "manager", .text = "Добрый день"},
      {.start_ms = 65000, .end_ms = 66000, .speaker = "client", .text = "Здравствуйте"},
      {.start_ms = 3723000, .end_ms = 3724000, .speaker = "", .text = "Шум"},
  };
  EXPECT_EQ(RenderTranscript(segments, "ru"),
            "[00:05] Менеджер: Добрый день\n[01:05] Клиент: Здравствуйте\n[1:02:03] Шум\n");
  EXPECT_EQ(RenderTranscript({segments[0]}, "en"), "[00:05] Manager: Добрый день\n");
}

}  // namespace
}  // namespace callbrief::asr
