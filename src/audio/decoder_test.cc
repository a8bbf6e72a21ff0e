#include "audio/internal/decoder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "audio/fixtures.h"

namespace callbrief::audio::internal {
namespace {

using testing::Fixture;
using testing::TempDir;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteAll(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Opens and decodes `path`; returns the error or an empty optional on success.
std::optional<core::Error> Decode(const std::filesystem::path& path,
                                  std::int64_t max_seconds = 1 << 30) {
  auto decoder = Decoder::Open(path);
  if (!decoder) return decoder.error();
  auto status = (*decoder)->Run([](const float* const*, int) { return true; }, max_seconds);
  if (!status) return status.error();
  return std::nullopt;
}

struct SourceCase {
  const char* fixture;
  int channels;
  int sample_rate;
  double seconds;
};

TEST(Decoder, ReadsEveryKindOfRecordingWeExpect) {
  const std::vector<SourceCase> cases = {
      {"dialogue_stereo.mp3", 2, 22050, 45.8}, {"dialogue_mono.wav", 1, 8000, 45.8},
      {"dialogue_copied.m4a", 2, 22050, 45.8}, {"voicemail.ogg", 1, 48000, 20.9},
      {"noise.wav", 1, 16000, 20.0},
  };
  for (const SourceCase& c : cases) {
    auto decoder = Decoder::Open(Fixture(c.fixture));
    ASSERT_TRUE(decoder.ok()) << c.fixture << ": " << decoder.error().message;
    EXPECT_EQ((*decoder)->info().channels, c.channels) << c.fixture;
    EXPECT_EQ((*decoder)->info().sample_rate, c.sample_rate) << c.fixture;
    EXPECT_EQ((*decoder)->info().output_channels, c.channels) << c.fixture;
    std::int64_t delivered = 0;
    auto status = (*decoder)->Run(
        [&](const float* const*, int count) {
          delivered += count;
          return true;
        },
        1 << 30);
    ASSERT_TRUE(status.ok()) << c.fixture << ": " << status.error().message;
    EXPECT_EQ(delivered, (*decoder)->samples());
    EXPECT_NEAR(static_cast<double>(delivered) / kRate, c.seconds, 0.1) << c.fixture;
  }
}

struct BadInputCase {
  const char* name;
  std::string bytes;
  const char* message_part;
};

TEST(Decoder, RefusesWhatIsNotAudioWithAPermanentError) {
  const std::vector<BadInputCase> cases = {
      {"empty", "", "empty"},
      {"text", "Здравствуйте, это не звук.\n", "not an audio file"},
      {"json", R"({"result": {"DOWNLOAD_URL": "https://example.invalid/"}})", "not an audio file"},
      {"html error page", "<html><body>404 Not Found</body></html>", "not an audio file"},
      {"playlist", "#EXTM3U\n#EXT-X-TARGETDURATION:10\nfile:///etc/passwd\n", "not an audio file"},
  };
  TempDir dir;
  for (const BadInputCase& c : cases) {
    const auto path = dir.path() / "input";
    WriteAll(path, c.bytes);
    const auto error = Decode(path);
    ASSERT_TRUE(error.has_value()) << c.name;
    EXPECT_EQ(error->kind, core::ErrorKind::kPermanent) << c.name;
    EXPECT_NE(error->message.find(c.message_part), std::string::npos)
        << c.name << ": " << error->message;
  }
}

TEST(Decoder, AMissingFileIsPermanent) {
  const auto error = Decode("/nonexistent/recording.mp3");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, core::ErrorKind::kPermanent);
}

TEST(Decoder, ATruncatedMp3IsPermanentAndSaysSo) {
  const auto error = Decode(Fixture("truncated.mp3"));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, core::ErrorKind::kPermanent);
  EXPECT_NE(error->message.find("truncated"), std::string::npos) << error->message;
}

TEST(Decoder, ATruncatedM4aIsPermanent) {
  TempDir dir;
  const std::string m4a = ReadAll(Fixture("dialogue_copied.m4a"));
  WriteAll(dir.path() / "cut.m4a", m4a.substr(0, m4a.size() / 2));
  const auto error = Decode(dir.path() / "cut.m4a");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, core::ErrorKind::kPermanent);
}

// A WAV header's data size is not trusted by FFmpeg (recorders often leave it wrong), so a WAV
// cut short is simply a shorter recording.
TEST(Decoder, AWavCutShortDecodesAsAShorterRecording) {
  TempDir dir;
  const std::string wav = ReadAll(Fixture("dialogue_mono.wav"));
  WriteAll(dir.path() / "cut.wav", wav.substr(0, 44 + 16000 * 10));
  auto decoder = Decoder::Open(dir.path() / "cut.wav");
  ASSERT_TRUE(decoder.ok());
  ASSERT_TRUE((*decoder)->Run([](const float* const*, int) { return true; }, 1 << 30).ok());
  EXPECT_NEAR(static_cast<double>((*decoder)->samples()) / kRate, 10.0, 0.05);
}

TEST(Decoder, ARecordingOverTheLengthLimitIsPermanent) {
  const auto error = Decode(Fixture("noise.wav"), 10);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, core::ErrorKind::kPermanent);
  EXPECT_NE(error->message.find("longer than"), std::string::npos) << error->message;
}

TEST(Decoder, TheSinkCanStopEarly) {
  auto decoder = Decoder::Open(Fixture("dialogue_stereo.mp3"));
  ASSERT_TRUE(decoder.ok());
  int blocks = 0;
  ASSERT_TRUE(
      (*decoder)->Run([&](const float* const*, int) { return ++blocks < 3; }, 1 << 30).ok());
  EXPECT_EQ(blocks, 3);
}

// Randomized robustness: random bytes, real files cut anywhere, real files with bytes flipped,
// and random bytes behind real magic numbers. Every input must end in success or a permanent
// error — never a crash, a hang or another kind. Deterministic seeds, so failures reproduce.
TEST(DecoderFuzz, NeverCrashesOnRandomOrDamagedInput) {
  TempDir dir;
  std::mt19937 random(20261201);
  const std::vector<std::string> originals = {
      ReadAll(Fixture("dialogue_stereo.mp3")), ReadAll(Fixture("dialogue_mono.wav")),
      ReadAll(Fixture("voicemail.ogg")), ReadAll(Fixture("dialogue_copied.m4a"))};
  const std::vector<std::string> magics = {"ID3\x03",
                                           "RIFF\x24\x00\x00\x00WAVEfmt ",
                                           "OggS",
                                           "fLaC",
                                           "\xff\xfb\x90\x64",
                                           std::string("\x00\x00\x00\x20"
                                                       "ftypM4A ",
                                                       12)};
  auto random_bytes = [&](std::size_t n) {
    std::string bytes(n, '\0');
    for (char& b : bytes) b = static_cast<char>(random() & 0xff);
    return bytes;
  };
  int succeeded = 0, refused = 0;
  for (int round = 0; round < 240; ++round) {
    std::string input;
    const std::string& original = originals[random() % originals.size()];
    switch (round % 4) {
      case 0:
        input = random_bytes(random() % 20000);
        break;
      case 1:
        input = original.substr(0, random() % original.size());
        break;
      case 2: {
        input = original;
        const int flips = 1 + static_cast<int>(random() % 200);
        for (int i = 0; i < flips; ++i)
          input[random() % input.size()] = static_cast<char>(random());
        break;
      }
      default:
        input = magics[random() % magics.size()] + random_bytes(random() % 20000);
    }
    const auto path = dir.path() / ("fuzz-" + std::to_string(round));
    WriteAll(path, input);
    const auto error = Decode(path, 600);
    if (error.has_value()) {
      EXPECT_EQ(error->kind, core::ErrorKind::kPermanent)
          << "round " << round << ": " << error->message;
      EXPECT_FALSE(error->message.empty());
      ++refused;
    } else {
      ++succeeded;
    }
    std::filesystem::remove(path);
  }
  // Both outcomes occur: damaged-but-decodable files are accepted, garbage is refused.
  EXPECT_GT(succeeded, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace callbrief::audio::internal
