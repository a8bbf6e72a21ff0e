#include "http/audio_route.h"

#include <gtest/gtest.h>

#include <fstream>

#include "store/test_support.h"

namespace callbrief::http {
namespace {

using Kind = RangeRequest::Kind;

TEST(SniffAudioTypeTest, RecognisesCommonRecordingFormats) {
  using namespace std::string_literals;
  EXPECT_EQ(SniffAudioType("RIFF\x24\x08\x00\x00WAVEfmt "s), "audio/wav");
  EXPECT_EQ(SniffAudioType("ID3\x04\x00"s), "audio/mpeg");
  EXPECT_EQ(SniffAudioType("\xff\xfb\x90\x64"s), "audio/mpeg");
  EXPECT_EQ(SniffAudioType("OggS\x00\x02"s), "audio/ogg");
  EXPECT_EQ(SniffAudioType("fLaC"s), "audio/flac");
  EXPECT_EQ(SniffAudioType("\x00\x00\x00\x20"
                           "ftypM4A "s),
            "audio/mp4");
  EXPECT_EQ(SniffAudioType("\x1a\x45\xdf\xa3"s), "audio/webm");
  EXPECT_EQ(SniffAudioType("<html>"), "application/octet-stream");
  EXPECT_EQ(SniffAudioType(""), "application/octet-stream");
}

TEST(ParseRangeHeaderTest, SingleRangesAreClampedToTheFile) {
  auto r = ParseRangeHeader("bytes=0-", 1000);
  EXPECT_EQ(r.kind, Kind::kPart);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 999u);
  r = ParseRangeHeader("bytes=100-199", 1000);
  EXPECT_EQ(r.kind, Kind::kPart);
  EXPECT_EQ(r.first, 100u);
  EXPECT_EQ(r.last, 199u);
  r = ParseRangeHeader("bytes=900-5000", 1000);
  EXPECT_EQ(r.last, 999u);
  r = ParseRangeHeader("bytes=-100", 1000);
  EXPECT_EQ(r.kind, Kind::kPart);
  EXPECT_EQ(r.first, 900u);
  EXPECT_EQ(r.last, 999u);
  r = ParseRangeHeader("bytes=-5000", 1000);
  EXPECT_EQ(r.first, 0u);
}

TEST(ParseRangeHeaderTest, RangesPastTheEndCannotBeSatisfied) {
  EXPECT_EQ(ParseRangeHeader("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRangeHeader("bytes=5000-6000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRangeHeader("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(ParseRangeHeader("bytes=0-", 0).kind, Kind::kUnsatisfiable);
}

TEST(ParseRangeHeaderTest, AnythingElseGetsTheWholeFile) {
  for (std::string_view h :
       {"", "bytes=0-1,5-6", "items=0-5", "bytes=abc-", "bytes=5-2", "bytes=", "bytes=-"}) {
    EXPECT_EQ(ParseRangeHeader(h, 1000).kind, Kind::kWhole) << h;
  }
}

TEST(IsInsideDirectoryTest, PathsCannotClimbOut) {
  store::testing::TempDir dir;
  std::string data = dir.File("data");
  std::filesystem::create_directories(data + "/recordings");
  std::ofstream(data + "/recordings/1.mp3") << "x";
  std::ofstream(dir.File("secret.txt")) << "x";
  EXPECT_TRUE(IsInsideDirectory(data + "/recordings/1.mp3", data));
  EXPECT_FALSE(IsInsideDirectory(data + "/recordings/../../secret.txt", data));
  EXPECT_FALSE(IsInsideDirectory(dir.File("secret.txt"), data));
  EXPECT_FALSE(IsInsideDirectory(data, data));
  EXPECT_FALSE(IsInsideDirectory(dir.File("data-other/x"), data));
  std::filesystem::create_symlink(dir.File("secret.txt"), data + "/link.mp3");
  EXPECT_FALSE(IsInsideDirectory(data + "/link.mp3", data));
}

TEST(ServeRecordingTest, ARecordingIsNeverStoredByACache) {
  // A conversation with a client must not stay in a shared computer's browser cache.
  store::testing::TempDir dir;
  const std::string path = dir.File("1.mp3");
  std::ofstream(path) << "ID3\x04 some audio";
  Request req{.method = "GET", .path = "/api/calls/1/audio"};
  Response res;

  ServeRecording(req, res, path);

  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.get_header_value("Cache-Control"), "no-store");
}

}  // namespace
}  // namespace callbrief::http
