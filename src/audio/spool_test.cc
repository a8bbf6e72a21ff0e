#include "audio/internal/spool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <vector>

#include "audio/fixtures.h"

namespace callbrief::audio::internal {
namespace {

using testing::TempDir;

// A sample value that differs per channel and position and fits 16 bits exactly.
float Value(int channel, std::int64_t i) {
  return static_cast<float>((i * 37 + channel * 1000) % 60000 - 30000) / 32768.0F;
}

void AppendSamples(Spool& spool, std::int64_t total, int block) {
  std::vector<float> planes_data[2] = {std::vector<float>(block), std::vector<float>(block)};
  for (std::int64_t from = 0; from < total; from += block) {
    const int count = static_cast<int>(std::min<std::int64_t>(block, total - from));
    for (int c = 0; c < 2; ++c) {
      for (int k = 0; k < count; ++k) planes_data[c][k] = Value(c, from + k);
    }
    const float* planes[2] = {planes_data[0].data(), planes_data[1].data()};
    ASSERT_TRUE(spool.Append(planes, count).ok());
  }
}

TEST(Spool, GivesBackWhatWasAppendedAnywhereInIt) {
  for (int channels : {1, 2}) {
    TempDir dir;
    auto spool = Spool::Create(dir.path(), channels);
    ASSERT_TRUE(spool.ok()) << spool.error().message;
    // Over its write buffer several times, in blocks that do not divide it.
    const std::int64_t total = 1'000'003;
    AppendSamples(**spool, total, 4999);
    ASSERT_TRUE((*spool)->Flush().ok());
    EXPECT_EQ((*spool)->samples(), total);
    for (std::int64_t from : {std::int64_t{0}, std::int64_t{65535}, total - 777}) {
      std::vector<float> left(777), right(777);
      float* planes[2] = {left.data(), right.data()};
      ASSERT_TRUE((*spool)->Read(from, 777, planes).ok());
      for (int k = 0; k < 777; ++k) {
        ASSERT_EQ(left[k], Value(0, from + k)) << channels << " channel(s), sample " << from + k;
        if (channels == 2) {
          ASSERT_EQ(right[k], Value(1, from + k)) << "sample " << from + k;
        }
      }
    }
  }
}

TEST(Spool, ClipsBeyondFullScaleAndPutsNanAtTheBottom) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  constexpr float kTop = 32767.0F / 32768.0F;
  // Twelve values: eight go through the vector conversion, four through the scalar one.
  const std::vector<float> in = {1.5F,  -1.5F, 1.0F, -1.0F, std::nanf(""), kInf,
                                 -kInf, 0.5F,  1.5F, -1.5F, std::nanf(""), kInf};
  const std::vector<float> expected = {kTop,  -1.0F, kTop, -1.0F, -1.0F, kTop,
                                       -1.0F, 0.5F,  kTop, -1.0F, -1.0F, kTop};
  for (int channels : {1, 2}) {
    TempDir dir;
    auto spool = Spool::Create(dir.path(), channels);
    ASSERT_TRUE(spool.ok());
    const float* planes[2] = {in.data(), in.data()};
    ASSERT_TRUE((*spool)->Append(planes, static_cast<int>(in.size())).ok());
    ASSERT_TRUE((*spool)->Flush().ok());
    std::vector<float> left(in.size()), right(in.size());
    float* out[2] = {left.data(), right.data()};
    ASSERT_TRUE((*spool)->Read(0, static_cast<int>(in.size()), out).ok());
    EXPECT_EQ(left, expected) << channels << " channel(s)";
    if (channels == 2) {
      EXPECT_EQ(right, expected);
    }
  }
}

TEST(Spool, LeavesNoFileBehindEvenWhileOpen) {
  TempDir dir;
  auto spool = Spool::Create(dir.path(), 2);
  ASSERT_TRUE(spool.ok());
  AppendSamples(**spool, 100'000, 1000);
  ASSERT_TRUE((*spool)->Flush().ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Spool, AMissingDirectoryIsATransientError) {
  TempDir dir;
  auto spool = Spool::Create(dir.path() / "gone", 1);
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(spool.error().message.find("gone"), std::string::npos) << spool.error().message;
}

TEST(Spool, ReadingPastTheEndIsAnError) {
  TempDir dir;
  auto spool = Spool::Create(dir.path(), 1);
  ASSERT_TRUE(spool.ok());
  AppendSamples(**spool, 1000, 1000);
  ASSERT_TRUE((*spool)->Flush().ok());
  std::vector<float> out(10);
  float* planes[] = {out.data()};
  EXPECT_FALSE((*spool)->Read(995, 10, planes).ok());
}

// A full disk, played by the file size limit (the write fails with EFBIG instead of ENOSPC).
TEST(Spool, AFullDiskIsATransientErrorNamingTheDirectory) {
  TempDir dir;
  auto spool = Spool::Create(dir.path(), 2);
  ASSERT_TRUE(spool.ok());
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 512 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  core::Status status = core::Ok();
  std::vector<float> zeros(16000);
  const float* planes[2] = {zeros.data(), zeros.data()};
  for (int second = 0; second < 60 && status.ok(); ++second) {
    status = (*spool)->Append(planes, 16000);
  }
  if (status.ok()) status = (*spool)->Flush();
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(status.error().message.find(dir.path().string()), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace callbrief::audio::internal
