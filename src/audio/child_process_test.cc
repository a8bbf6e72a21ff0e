#include "audio/child_process.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "audio/fixtures.h"
#include "audio/internal/wire.h"

namespace callbrief::audio {
namespace {

using testing::Fixture;
using testing::TempDir;

HelperOptions RealHelper() { return {.program = CALLBRIEF_AUDIO_HELPER}; }

// A stand-in for callbrief-audio: a shell script doing what a broken or hostile helper would.
std::filesystem::path FakeHelper(const TempDir& dir, const std::string& script) {
  const std::filesystem::path path = dir.path() / "fake-callbrief-audio";
  std::ofstream(path) << "#!/bin/sh\n" << script << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

std::string Contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PrepareRecordingInChildProcess, GivesExactlyWhatPrepareRecordingGivesInProcess) {
  TempDir in_process_dir;
  TempDir child_dir;
  PrepareOptions options;
  options.work_dir = in_process_dir.path();
  auto expected = PrepareRecording(Fixture("dialogue_stereo.mp3"), options);
  options.work_dir = child_dir.path();
  auto got = PrepareRecordingInChildProcess(Fixture("dialogue_stereo.mp3"), options, RealHelper());

  ASSERT_TRUE(expected.ok()) << expected.error().message;
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->report.ToJson(), expected->report.ToJson());
  EXPECT_EQ(got->report.layout, Layout::kTwoPartyStereo);
  EXPECT_EQ(got->report.billed_seconds, expected->report.billed_seconds);  // not rounded
  ASSERT_EQ(got->chunks.size(), expected->chunks.size());
  for (std::size_t i = 0; i < got->chunks.size(); ++i) {
    const Chunk& a = got->chunks[i];
    const Chunk& b = expected->chunks[i];
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.speaker, b.speaker);
    EXPECT_EQ(a.mime_type, b.mime_type);
    EXPECT_EQ(a.seconds, b.seconds);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.path.parent_path(), child_dir.path());
    EXPECT_EQ(a.path.filename(), b.path.filename());
    EXPECT_EQ(Contents(a.path), Contents(b.path)) << "chunk " << i;
    ASSERT_EQ(a.time_map.spans().size(), b.time_map.spans().size());
    for (std::size_t s = 0; s < a.time_map.spans().size(); ++s) {
      EXPECT_EQ(a.time_map.spans()[s].chunk_start_ms, b.time_map.spans()[s].chunk_start_ms);
      EXPECT_EQ(a.time_map.spans()[s].original_start_ms, b.time_map.spans()[s].original_start_ms);
      EXPECT_EQ(a.time_map.spans()[s].length_ms, b.time_map.spans()[s].length_ms);
    }
  }
}

TEST(PrepareRecordingInChildProcess, ReturnsTheErrorOfAnUnusableRecordingWithItsKind) {
  TempDir dir;
  const std::filesystem::path not_audio = dir.path() / "recording.mp3";
  std::ofstream(not_audio) << "<html>this is a login page, not a recording</html>";
  PrepareOptions options;
  options.work_dir = dir.path() / "in-process";
  auto expected = PrepareRecording(not_audio, options);
  options.work_dir = dir.path() / "child";
  auto got = PrepareRecordingInChildProcess(not_audio, options, RealHelper());

  ASSERT_FALSE(expected.ok());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kPermanent);
  EXPECT_EQ(got.error().message, expected.error().message);
}

TEST(PrepareRecordingInChildProcess, AMissingHelperIsAConfigurationErrorSayingWhatToInstall) {
  auto got = PrepareRecordingInChildProcess(Fixture("voicemail.ogg"), {},
                                            {.program = "/nonexistent/callbrief-audio"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(got.error().message.find("install callbrief-audio next to the callbrief program"),
            std::string::npos)
      << got.error().message;
}

TEST(PrepareRecordingInChildProcess, ADecoderCrashFailsTheCallAndNamesTheSignal) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(Fixture("voicemail.ogg"), {},
                                            {.program = FakeHelper(dir, "kill -SEGV $$")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(got.error().message.find("the audio decoder crashed (SIGSEGV)"), std::string::npos)
      << got.error().message;
}

TEST(PrepareRecordingInChildProcess, AHelperKilledFromOutsideIsTriedAgainLater) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(Fixture("voicemail.ogg"), {},
                                            {.program = FakeHelper(dir, "kill -KILL $$")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(got.error().message.find("SIGKILL"), std::string::npos) << got.error().message;
}

TEST(PrepareRecordingInChildProcess, AHelperPastItsDeadlineIsKilledAndTheCallTriedAgainLater) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(
      Fixture("voicemail.ogg"), {},
      {.program = FakeHelper(dir, "exec sleep 600"), .deadline = std::chrono::seconds(1)});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kTransient);
  EXPECT_NE(got.error().message.find("ran past its deadline"), std::string::npos)
      << got.error().message;
}

TEST(PrepareRecordingInChildProcess, AnAnswerThatIsNotAnAnswerIsRefused) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(
      Fixture("voicemail.ogg"), {}, {.program = FakeHelper(dir, R"(echo '{"report": 1}')")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kPermanent);
  EXPECT_NE(got.error().message.find("cannot read"), std::string::npos) << got.error().message;
}

TEST(PrepareRecordingInChildProcess, AnEndlessAnswerIsCutOffNotCollected) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(Fixture("voicemail.ogg"), {},
                                            {.program = FakeHelper(dir, "exec yes")});
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("more than 16 MiB"), std::string::npos) << got.error().message;
}

TEST(PrepareRecordingInChildProcess, AHelperFromAnotherBuildIsAConfigurationError) {
  TempDir dir;
  auto got = PrepareRecordingInChildProcess(Fixture("voicemail.ogg"), {},
                                            {.program = FakeHelper(dir, "exit 2")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(got.error().message.find("different builds"), std::string::npos);
}

TEST(CheckHelperStarts, AcceptsTheRealHelper) {
  EXPECT_TRUE(CheckHelperStarts(CALLBRIEF_AUDIO_HELPER).ok());
}

TEST(CheckHelperStarts, SaysWhatToInstallWhenTheHelperIsMissingOrBroken) {
  auto missing = CheckHelperStarts("/nonexistent/callbrief-audio");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, core::ErrorKind::kConfig);
  EXPECT_NE(missing.error().message.find("install callbrief-audio next to the callbrief program"),
            std::string::npos);

  TempDir dir;  // what the loader does when a library is missing: exit 127
  auto broken = CheckHelperStarts(FakeHelper(dir, "exit 127"));
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("exit status 127"), std::string::npos)
      << broken.error().message;
}

TEST(HelperWire, ARequestReadsBackAsWritten) {
  internal::HelperRequest request{.recording = "/data/calls/7/recording.mp3",
                                  .max_memory_bytes = 123456789,
                                  .log_format = core::LogFormat::kJson,
                                  .log_level = "debug",
                                  .call_id = "7",
                                  .parent_pid = 4242};
  request.options.work_dir = "/data/calls/7/chunks";
  request.options.format = ChunkFormat::kOpus;
  request.options.vad_threshold_db = 12.25;
  request.options.max_transcribed_seconds = 600;
  request.options.manager_on_left = false;

  auto read = internal::RequestFromJson(internal::RequestToJson(request));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->recording, request.recording);
  EXPECT_EQ(read->options.work_dir, request.options.work_dir);
  EXPECT_EQ(read->options.format, ChunkFormat::kOpus);
  EXPECT_EQ(read->options.vad_threshold_db, 12.25);
  EXPECT_EQ(read->options.max_transcribed_seconds, 600);
  EXPECT_FALSE(read->options.manager_on_left);
  EXPECT_EQ(read->max_memory_bytes, 123456789);
  EXPECT_EQ(read->log_format, core::LogFormat::kJson);
  EXPECT_EQ(read->log_level, "debug");
  EXPECT_EQ(read->call_id, "7");
  EXPECT_EQ(read->parent_pid, 4242);
}

TEST(HelperWire, ARequestOfAnotherVersionOrShapeIsRefused) {
  EXPECT_FALSE(internal::RequestFromJson(R"({"version": 999})").ok());
  EXPECT_FALSE(internal::RequestFromJson(R"({"version": 1, "recording": 5})").ok());
  EXPECT_FALSE(internal::RequestFromJson("[[[[").ok());
}

}  // namespace
}  // namespace callbrief::audio
