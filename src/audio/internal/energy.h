#pragma once

#include <cstdint>
#include <vector>

namespace callbrief::audio::internal {

// Analysis frames: 10 ms. Every time inside the audio stage is a whole number of frames; at the
// 16 kHz of the chunks a frame is kFrameSamples samples.
inline constexpr int kFrameMs = 10;
inline constexpr int kFramesPerSecond = 1000 / kFrameMs;
inline constexpr int kFrameSamples = 160;
// The level of a frame of digital silence.
inline constexpr float kSilenceDb = -100.0F;

struct Energies {
  // Level of each 10 ms frame in dBFS (after removing rumble below ~100 Hz), per channel.
  std::vector<std::vector<float>> channel_db = {};
  // Stereo only: the level of the mono mix (L+R)/2 per frame.
  std::vector<float> mix_db = {};
  // Stereo only: correlation of the two channels' samples. ~1 when one signal was copied into
  // both, ~0 when each channel carries its own party (or one is silent); 1 when both are silent.
  double correlation = 1;
  int sample_rate = 0;
  std::int64_t samples = 0;
  std::int64_t frames = 0;  // 10 ms frames, the last one possibly partial
  double seconds() const {
    return sample_rate > 0 ? static_cast<double>(samples) / sample_rate : 0;
  }
};

// Streams planar audio (1 or 2 channels) at any rate into per-frame levels. Frame k covers the
// samples of [k, k+1) × 10 ms exactly (rates such as 22050 Hz give frames of 220 or 221 samples),
// so frames line up with the 16 kHz frames of the chunks without resampling. Memory: 4 bytes per
// frame and channel (plus the mix for stereo), i.e. about 1.2 kB per second of stereo.
class EnergyAnalyzer {
 public:
  EnergyAnalyzer(int channels, int sample_rate);
  void Add(const float* const* planes, int count);
  Energies Finish();

 private:
  // One-pole high-pass at ~100 Hz: rumble, hum and DC are not speech.
  struct Filter {
    float pole = 0;
    float previous_in = 0;
    float previous_out = 0;
    float Apply(float x) {
      const float y = x - previous_in + pole * previous_out;
      previous_in = x;
      previous_out = y;
      return y;
    }
  };
  void CloseFrame();
  std::int64_t FrameEnd(std::int64_t frame) const;  // first sample after `frame`

  int channels_ = 1;
  std::int64_t next_frame_end_ = 0;
  Filter filters_[3] = {};
  double frame_power_[3] = {0, 0, 0};
  int frame_fill_ = 0;
  double sum_lr_ = 0, sum_ll_ = 0, sum_rr_ = 0;
  Energies result_;
};

}  // namespace callbrief::audio::internal
