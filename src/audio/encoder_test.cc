#include "audio/internal/encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "audio/fixtures.h"
#include "audio/internal/decoder.h"

namespace callbrief::audio::internal {
namespace {

using testing::TempDir;

std::vector<float> Tone(int samples) {
  std::vector<float> out(samples);
  for (int i = 0; i < samples; ++i)
    out[i] = 0.3F * std::sin(2 * std::numbers::pi * 440 * i / kRate);
  return out;
}

class ChunkWriterFormats : public ::testing::TestWithParam<ChunkFormat> {};

TEST_P(ChunkWriterFormats, WritesAFileThatDecodesToWhatWasWritten) {
  TempDir dir;
  const auto path = dir.path() / ("tone" + std::string(FileExtension(GetParam())));
  auto writer = ChunkWriter::Open(path, GetParam(), 32000);
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  const std::vector<float> tone = Tone(3 * kRate + 123);
  for (std::size_t i = 0; i < tone.size(); i += 1000) {  // blocks unrelated to frame sizes
    const int count = static_cast<int>(std::min<std::size_t>(1000, tone.size() - i));
    ASSERT_TRUE((*writer)->Write(tone.data() + i, count).ok());
  }
  EXPECT_EQ((*writer)->samples_written(), static_cast<std::int64_t>(tone.size()));
  auto bytes = (*writer)->Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, static_cast<std::int64_t>(std::filesystem::file_size(path)));
  EXPECT_LE(*bytes, EstimatedBytesPerSecond(GetParam(), 32000) * 3.1 + 4096);

  auto decoder = Decoder::Open(path);
  ASSERT_TRUE(decoder.ok()) << decoder.error().message;
  EXPECT_EQ((*decoder)->info().channels, 1);
  ASSERT_TRUE((*decoder)->Run([](const float* const*, int) { return true; }, 1 << 30).ok());
  // Encoders pad to whole frames; decoders drop the padding the container records.
  EXPECT_NEAR(static_cast<double>((*decoder)->samples()), static_cast<double>(tone.size()), 1200);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, ChunkWriterFormats,
                         ::testing::Values(ChunkFormat::kMp3, ChunkFormat::kOpus,
                                           ChunkFormat::kFlac, ChunkFormat::kWav),
                         [](const auto& info) { return std::string(ChunkFormatName(info.param)); });

TEST(ChunkWriter, AWriterDroppedBeforeFinishLeavesNoFile) {
  TempDir dir;
  const auto path = dir.path() / "dropped.mp3";
  {
    auto writer = ChunkWriter::Open(path, ChunkFormat::kMp3, 32000);
    ASSERT_TRUE(writer.ok());
    const auto tone = Tone(kRate);
    ASSERT_TRUE((*writer)->Write(tone.data(), kRate).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ChunkWriter, AnUnwritableDirectoryIsATransientError) {
  auto writer = ChunkWriter::Open("/nonexistent-dir/x.mp3", ChunkFormat::kMp3, 32000);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().kind, core::ErrorKind::kTransient);
}

TEST(ChunkFormats, HaveTheMimeTypesProvidersExpect) {
  EXPECT_EQ(MimeType(ChunkFormat::kMp3), "audio/mpeg");
  EXPECT_EQ(MimeType(ChunkFormat::kOpus), "audio/ogg");
  EXPECT_EQ(MimeType(ChunkFormat::kFlac), "audio/flac");
  EXPECT_EQ(MimeType(ChunkFormat::kWav), "audio/wav");
  EXPECT_EQ(ChunkFormatFromName("opus"), ChunkFormat::kOpus);
  EXPECT_EQ(ChunkFormatFromName("aac"), std::nullopt);
}

}  // namespace
}  // namespace callbrief::audio::internal
