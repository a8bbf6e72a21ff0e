#include "audio/internal/energy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace callbrief::audio::internal {
namespace {

std::vector<float> Sine(int samples, double amplitude, double hz = 1000) {
  std::vector<float> out(samples);
  for (int i = 0; i < samples; ++i) {
    out[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * i / 16000));
  }
  return out;
}

std::vector<float> Noise(int samples, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0, 0.1F);
  std::vector<float> out(samples);
  for (float& x : out) x = normal(random);
  return out;
}

Energies Analyse(const std::vector<float>& left, const std::vector<float>* right = nullptr,
                 int block = 333) {
  EnergyAnalyzer analyzer(right != nullptr ? 2 : 1, 16000);
  for (std::size_t i = 0; i < left.size(); i += block) {
    const int count = static_cast<int>(std::min<std::size_t>(block, left.size() - i));
    const float* planes[2] = {left.data() + i, right != nullptr ? right->data() + i : nullptr};
    analyzer.Add(planes, count);
  }
  return analyzer.Finish();
}

TEST(EnergyAnalyzer, MeasuresTheLevelOfEachTenMillisecondFrame) {
  const Energies e = Analyse(Sine(16000, 0.5));
  ASSERT_EQ(e.frames, 100);
  // A sine of amplitude 0.5 has RMS 0.354: -9.03 dBFS.
  EXPECT_NEAR(e.channel_db[0][50], -9.03, 0.2);
}

TEST(EnergyAnalyzer, CountsAPartialLastFrame) {
  EXPECT_EQ(Analyse(Sine(16000 + 10, 0.5)).frames, 101);
  EXPECT_EQ(Analyse(Sine(16000 + 10, 0.5)).samples, 16010);
}

TEST(EnergyAnalyzer, RemovesDcAndDampsRumble) {
  std::vector<float> dc(16000, 0.3F);
  EXPECT_LT(Analyse(dc).channel_db[0][50], -60);
  // 30 Hz at -9 dBFS comes out at least 9 dB down (a one-pole high-pass at 100 Hz).
  EXPECT_LT(Analyse(Sine(16000, 0.5, 30)).channel_db[0][50], -18);
  // Speech frequencies pass.
  EXPECT_NEAR(Analyse(Sine(16000, 0.5, 1000)).channel_db[0][50], -9.03, 0.2);
}

TEST(EnergyAnalyzer, FramesAreTenMillisecondsAtAnyRate) {
  for (const int rate : {8000, 11025, 22050, 44100, 48000}) {
    EnergyAnalyzer analyzer(1, rate);
    std::vector<float> second(rate, 0.1F);
    const float* planes[1] = {second.data()};
    analyzer.Add(planes, 1000);  // blocks that do not line up with frames
    analyzer.Add(planes, rate - 1000);
    const Energies e = analyzer.Finish();
    EXPECT_EQ(e.frames, 100) << rate;
    EXPECT_DOUBLE_EQ(e.seconds(), 1.0) << rate;
  }
}

TEST(EnergyAnalyzer, DigitalSilenceIsTheSilenceLevel) {
  EXPECT_EQ(Analyse(std::vector<float>(1600, 0.0F)).channel_db[0][5], kSilenceDb);
}

TEST(EnergyAnalyzer, CorrelationTellsCopiedFromIndependentChannels) {
  const auto a = Noise(16000, 1), b = Noise(16000, 2), silent = std::vector<float>(16000, 0.0F);
  std::vector<float> half(a);
  for (float& x : half) x *= 0.5F;
  EXPECT_NEAR(Analyse(a, &a).correlation, 1.0, 1e-6);
  EXPECT_NEAR(Analyse(a, &half).correlation, 1.0, 1e-6);
  EXPECT_NEAR(Analyse(a, &b).correlation, 0.0, 0.05);
  EXPECT_EQ(Analyse(a, &silent).correlation, 0.0);
  EXPECT_EQ(Analyse(silent, &silent).correlation, 1.0);
}

TEST(EnergyAnalyzer, StereoAlsoMeasuresTheMix) {
  const auto a = Sine(16000, 0.5);
  std::vector<float> inverted(a);
  for (float& x : inverted) x = -x;
  const Energies e = Analyse(a, &inverted);
  EXPECT_EQ(e.channel_db.size(), 2U);
  EXPECT_EQ(e.mix_db[50], kSilenceDb);  // opposite phases cancel in the mix
}

}  // namespace
}  // namespace callbrief::audio::internal
