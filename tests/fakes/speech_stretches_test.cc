// How the OpenAI emulator hears where an upload has speech (FakeTranscript::times_from_speech).
#include "fakes/speech_stretches.h"

#include <httplib.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_openai.h"

namespace callbrief::fakes {
namespace {

constexpr int kRate = 16000;

// 16-bit mono PCM WAV, 16 kHz: quiet noise-free silence with a 440 Hz tone at -12 dBFS in each of
// `tones` ([start, end) in seconds), `seconds` long.
std::string ToneWav(double seconds, const std::vector<std::pair<double, double>>& tones,
                    int channels = 1) {
  auto le = [](std::uint32_t v, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  };
  const auto samples = static_cast<std::uint32_t>(seconds * kRate);
  std::string data;
  for (std::uint32_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / kRate;
    double value = 0;
    for (const auto& [from, to] : tones) {
      if (t >= from && t < to) value = 0.25 * 32767 * std::sin(2 * std::numbers::pi * 440 * t);
    }
    for (int c = 0; c < channels; ++c)
      data += le(static_cast<std::uint16_t>(std::lround(value)), 2);
  }
  const auto bytes = static_cast<std::uint32_t>(data.size());
  return "RIFF" + le(36 + bytes, 4) + "WAVE" + "fmt " + le(16, 4) + le(1, 2) + le(channels, 2) +
         le(kRate, 4) + le(kRate * 2 * channels, 4) + le(2 * channels, 2) + le(16, 2) + "data" +
         le(bytes, 4) + data;
}

TEST(SpeechStretchesTest, FindsEachStretchOfSoundToTheFrame) {
  auto found = FindSpeechStretches(ToneWav(6, {{0.5, 1.75}, {3.0, 5.2}}));
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_NEAR((*found)[0].start, 0.5, 0.011);
  EXPECT_NEAR((*found)[0].end, 1.75, 0.011);
  EXPECT_NEAR((*found)[1].start, 3.0, 0.011);
  EXPECT_NEAR((*found)[1].end, 5.2, 0.011);
}

TEST(SpeechStretchesTest, PausesShorterThanTheJoinGapAreInsideOneStretch) {
  // 0.3 s between words is one stretch; 0.6 s between phrases is two.
  auto found = FindSpeechStretches(ToneWav(5, {{0.5, 1.0}, {1.3, 2.0}, {2.6, 3.0}}));
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_NEAR((*found)[0].start, 0.5, 0.011);
  EXPECT_NEAR((*found)[0].end, 2.0, 0.011);
  EXPECT_NEAR((*found)[1].start, 2.6, 0.011);
}

TEST(SpeechStretchesTest, ClicksShorterThanTheMinimumAreNotSpeech) {
  auto found = FindSpeechStretches(ToneWav(3, {{1.0, 1.05}}));
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->empty());
}

TEST(SpeechStretchesTest, StereoChannelsAreHeardTogether) {
  auto found = FindSpeechStretches(ToneWav(3, {{1.0, 2.0}}, 2));
  ASSERT_TRUE(found.has_value());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_NEAR((*found)[0].start, 1.0, 0.011);
}

TEST(SpeechStretchesTest, AnythingButPcm16WavIsNotRead) {
  EXPECT_FALSE(FindSpeechStretches("ID3\x04 an mp3 file").has_value());
  std::string float_wav = ToneWav(1, {{0.1, 0.5}});
  float_wav[20] = 3;  // WAVE_FORMAT_IEEE_FLOAT
  EXPECT_FALSE(FindSpeechStretches(float_wav).has_value());
}

// Over HTTP: a transcript timed by speech answers its lines at the stretches the upload has.
TEST(FakeOpenAiTimedBySpeechTest, AnswersTheScriptedLinesWhereTheUploadHasSpeech) {
  FakeOpenAi fake;
  ASSERT_TRUE(fake.Start().ok());
  fake.AddTranscript({.marker = "manager",
                      .segments = {{.text = "Добрый день"}, {.text = "Чем помочь?"}},
                      .times_from_speech = true});
  httplib::Client client("127.0.0.1", fake.port());
  const httplib::Headers auth = {{"Authorization", "Bearer " + fake.api_key()}};
  auto post = [&](const std::string& bytes, const std::string& name) {
    return client.Post(
        "/v1/audio/transcriptions", auth,
        httplib::MultipartFormDataItems{{"file", bytes, name, "audio/wav"},
                                        {"model", "whisper-1", "", ""},
                                        {"response_format", "verbose_json", "", ""}});
  };
  auto reply = post(ToneWav(4, {{0.3, 1.2}, {2.0, 3.5}}), "chunk-000-manager.wav");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  const auto segments = nlohmann::json::parse(reply->body)["segments"];
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_NEAR(segments[0]["start"].get<double>(), 0.3, 0.011);
  EXPECT_NEAR(segments[0]["end"].get<double>(), 1.2, 0.011);
  EXPECT_EQ(segments[0]["text"], " Добрый день");
  EXPECT_NEAR(segments[1]["start"].get<double>(), 2.0, 0.011);
  EXPECT_EQ(segments[1]["text"], " Чем помочь?");

  // An encoded upload cannot be heard: the test set up the service wrongly, and is told how.
  auto mp3 = post("ID3\x04 an mp3 chunk of the manager", "chunk-000-manager.mp3");
  ASSERT_TRUE(mp3);
  EXPECT_EQ(mp3->status, 400);
  EXPECT_NE(mp3->body.find("AUDIO_CHUNK_FORMAT=wav"), std::string::npos) << mp3->body;
  fake.Stop();
}

}  // namespace
}  // namespace callbrief::fakes
