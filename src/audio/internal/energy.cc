#include "audio/internal/energy.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace callbrief::audio::internal {
namespace {

float ToDb(double mean_square) {
  if (mean_square <= 1e-10) return kSilenceDb;
  return static_cast<float>(10.0 * std::log10(mean_square));
}

}  // namespace

EnergyAnalyzer::EnergyAnalyzer(int channels, int sample_rate)
    : channels_(std::clamp(channels, 1, 2)) {
  result_.sample_rate = std::max(sample_rate, kFramesPerSecond);
  result_.channel_db.resize(channels_);
  const auto pole = static_cast<float>(std::exp(-2 * std::numbers::pi * 100 / result_.sample_rate));
  for (Filter& filter : filters_) filter.pole = pole;
  next_frame_end_ = FrameEnd(0);
}

std::int64_t EnergyAnalyzer::FrameEnd(std::int64_t frame) const {
  return (frame + 1) * result_.sample_rate / kFramesPerSecond;
}

void EnergyAnalyzer::Add(const float* const* planes, int count) {
  int i = 0;
  while (i < count) {
    const std::int64_t position = result_.samples + i;
    const int take =
        static_cast<int>(std::min<std::int64_t>(count - i, next_frame_end_ - position));
    if (channels_ == 1) {
      double power = 0;
      for (int k = i; k < i + take; ++k) {
        const float x = filters_[0].Apply(planes[0][k]);
        power += static_cast<double>(x) * x;
      }
      frame_power_[0] += power;
    } else {
      double pl = 0, pr = 0, pm = 0, lr = 0;
      for (int k = i; k < i + take; ++k) {
        const float l = filters_[0].Apply(planes[0][k]);
        const float r = filters_[1].Apply(planes[1][k]);
        const float m = 0.5F * (l + r);
        pl += static_cast<double>(l) * l;
        pr += static_cast<double>(r) * r;
        pm += static_cast<double>(m) * m;
        lr += static_cast<double>(l) * r;
      }
      frame_power_[0] += pl;
      frame_power_[1] += pr;
      frame_power_[2] += pm;
      sum_ll_ += pl;
      sum_rr_ += pr;
      sum_lr_ += lr;
    }
    frame_fill_ += take;
    i += take;
    if (position + take == next_frame_end_) CloseFrame();
  }
  result_.samples += count;
}

void EnergyAnalyzer::CloseFrame() {
  if (frame_fill_ == 0) return;
  for (int c = 0; c < channels_; ++c) {
    result_.channel_db[c].push_back(ToDb(frame_power_[c] / frame_fill_));
  }
  if (channels_ == 2) result_.mix_db.push_back(ToDb(frame_power_[2] / frame_fill_));
  frame_power_[0] = frame_power_[1] = frame_power_[2] = 0;
  frame_fill_ = 0;
  next_frame_end_ = FrameEnd(static_cast<std::int64_t>(result_.channel_db[0].size()));
}

Energies EnergyAnalyzer::Finish() {
  CloseFrame();
  result_.frames = static_cast<std::int64_t>(result_.channel_db[0].size());
  if (channels_ == 2) {
    constexpr double kNothing = 1e-6;
    if (sum_ll_ < kNothing && sum_rr_ < kNothing) {
      result_.correlation = 1;  // both silent: nothing tells them apart
    } else if (sum_ll_ < kNothing || sum_rr_ < kNothing) {
      result_.correlation = 0;  // one side silent: certainly not a copy
    } else {
      result_.correlation = sum_lr_ / std::sqrt(sum_ll_ * sum_rr_);
    }
  }
  return std::move(result_);
}

}  // namespace callbrief::audio::internal
