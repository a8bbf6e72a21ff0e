#include "audio/prepare.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>

#include <nlohmann/json.hpp>

#include "audio/fixtures.h"

namespace callbrief::audio {
namespace {

using testing::Fixture;
using testing::Manifest;
using testing::SpeechSeconds;
using testing::TempDir;
using testing::Utterance;

// Measured speech may differ from what was synthesized by the detector's hangover bridging
// sub-second gaps inside sentences, and by soft word onsets: allow 12 % and half a second.
void ExpectSpeechNear(double measured, double synthesized, const std::string& what) {
  EXPECT_NEAR(measured, synthesized, std::max(0.5, 0.12 * synthesized)) << what;
}

core::Result<PreparedAudio> Prepare(const char* fixture, const TempDir& dir,
                                    PrepareOptions options = {}) {
  options.work_dir = dir.path();
  return PrepareRecording(Fixture(fixture), options);
}

// Every utterance of `speaker` ("" = all that do not start inside another one) must begin,
// within 100 ms, where speech begins in some chunk, mapped back through the chunk's time map;
// and speech found in a chunk must map back into an utterance of that speaker (it may also
// begin mid-utterance, after a pause between sentences).
void ExpectOnsetsMapBack(const PreparedAudio& prepared, const std::vector<Utterance>& manifest,
                         const std::string& speaker) {
  std::vector<const Utterance*> own;
  for (const Utterance& u : manifest) {
    if (speaker.empty() || u.speaker == speaker) own.push_back(&u);
  }
  std::vector<double> found;
  for (const Chunk& chunk : prepared.chunks) {
    if (chunk.speaker != speaker) continue;
    for (const internal::Region& region : testing::SpeechIn(chunk.path)) {
      found.push_back(static_cast<double>(chunk.time_map.ToOriginal(region.begin * 10)));
    }
  }
  for (const Utterance* u : own) {
    const bool inside_another = std::any_of(own.begin(), own.end(), [&](const Utterance* o) {
      return o != u && o->start < u->start && u->start < o->end;
    });
    if (inside_another) continue;
    double nearest = 1e12;
    for (double t : found) nearest = std::min(nearest, std::abs(t - u->start * 1000));
    EXPECT_LE(nearest, 100) << speaker << " utterance at " << u->start << " s";
  }
  for (double t : found) {
    const bool in_speech = std::any_of(own.begin(), own.end(), [&](const Utterance* u) {
      return u->start * 1000 - 100 <= t && t <= u->end * 1000;
    });
    EXPECT_TRUE(in_speech) << speaker << " speech found at " << t << " ms";
  }
}

void ExpectChunksWithinLimits(const PreparedAudio& prepared, const PrepareOptions& options) {
  for (const Chunk& chunk : prepared.chunks) {
    EXPECT_TRUE(std::filesystem::exists(chunk.path)) << chunk.path;
    EXPECT_EQ(chunk.bytes, static_cast<std::int64_t>(std::filesystem::file_size(chunk.path)));
    EXPECT_LE(chunk.bytes, options.max_chunk_bytes);
    EXPECT_LE(chunk.seconds, static_cast<double>(options.max_chunk_seconds));
    // The chunk file holds what its time map says, to within an encoder frame.
    EXPECT_NEAR(chunk.seconds * 1000, static_cast<double>(chunk.time_map.ChunkLengthMs()), 80);
    EXPECT_NEAR(static_cast<double>(testing::DecodedSamples(chunk.path)) / 16,
                static_cast<double>(chunk.time_map.ChunkLengthMs()), 80);
  }
}

TEST(PrepareRecording, StereoDialogueIsSplitIntoManagerAndClient) {
  TempDir dir;
  auto prepared = Prepare("dialogue_stereo.mp3", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const AudioReport& r = prepared->report;
  const auto manifest = Manifest("dialogue_stereo");
  EXPECT_EQ(r.layout, Layout::kTwoPartyStereo);
  EXPECT_EQ(r.channels, 2);
  EXPECT_NEAR(r.duration_seconds, 45.8, 0.1);
  ExpectSpeechNear(r.manager_speech_seconds, SpeechSeconds(manifest, "manager"), "manager");
  ExpectSpeechNear(r.client_speech_seconds, SpeechSeconds(manifest, "client"), "client");
  ExpectSpeechNear(r.speech_seconds, SpeechSeconds(manifest), "anyone");
  EXPECT_GT(r.overlap_seconds, 0.1);  // the client's "угу" over the manager
  EXPECT_LT(r.channel_correlation, 0.2);
  ASSERT_EQ(prepared->chunks.size(), 2U);
  EXPECT_EQ(prepared->chunks[0].speaker, "manager");  // speaks first
  EXPECT_EQ(prepared->chunks[1].speaker, "client");
  EXPECT_EQ(prepared->chunks[0].mime_type, "audio/mpeg");
  ExpectChunksWithinLimits(*prepared, {});
  ExpectOnsetsMapBack(*prepared, manifest, "manager");
  ExpectOnsetsMapBack(*prepared, manifest, "client");
  EXPECT_NEAR(r.billed_seconds, prepared->chunks[0].seconds + prepared->chunks[1].seconds, 1e-9);
  EXPECT_EQ(r.chunk_count, 2);
}

// Seconds of `utterances` by `speaker` that the chunks of `chunk_speaker` carry.
double SecondsSent(const PreparedAudio& prepared, const std::string& chunk_speaker,
                   const std::vector<Utterance>& utterances, const std::string& speaker) {
  double total = 0;
  for (const Chunk& chunk : prepared.chunks) {
    if (chunk.speaker != chunk_speaker) continue;
    for (const core::TimeSpan& span : chunk.time_map.spans()) {
      const double from = span.original_start_ms / 1000.0;
      const double to = from + span.length_ms / 1000.0;
      for (const Utterance& u : utterances) {
        if (u.speaker == speaker)
          total += std::max(0.0, std::min(to, u.end) - std::max(from, u.start));
      }
    }
  }
  return total;
}

TEST(PrepareRecording, EchoOfTheOtherSideIsNotSpeech) {
  TempDir dir;
  auto prepared = Prepare("dialogue_echo.mp3", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const auto manifest = Manifest("dialogue_echo");
  EXPECT_EQ(prepared->report.layout, Layout::kTwoPartyStereo);
  ExpectSpeechNear(prepared->report.manager_speech_seconds, SpeechSeconds(manifest, "manager"),
                   "manager");
  ExpectSpeechNear(prepared->report.client_speech_seconds, SpeechSeconds(manifest, "client"),
                   "client");
  ASSERT_EQ(prepared->chunks.size(), 2U);
  // Each side's chunk carries all of that side's speech and, of the other side's, only what
  // overlaps its own (the client's "угу" over the manager) and the pads around it.
  for (const auto& [side, other] :
       {std::pair<std::string, std::string>{"manager", "client"}, {"client", "manager"}}) {
    EXPECT_NEAR(SecondsSent(*prepared, side, manifest, side), SpeechSeconds(manifest, side), 0.05)
        << side;
    EXPECT_LT(SecondsSent(*prepared, side, manifest, other), 1.5) << side;
  }
}

TEST(PrepareRecording, TheManagerSideIsAnOption) {
  TempDir dir;
  auto prepared = Prepare("dialogue_stereo.mp3", dir, {.manager_on_left = false});
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const auto manifest = Manifest("dialogue_stereo");
  ExpectSpeechNear(prepared->report.client_speech_seconds, SpeechSeconds(manifest, "manager"),
                   "left side, now called client");
  ASSERT_EQ(prepared->chunks.size(), 2U);
  EXPECT_EQ(prepared->chunks[0].speaker, "client");
}

TEST(PrepareRecording, MonoMixIsOneUnlabelledStream) {
  TempDir dir;
  auto prepared = Prepare("dialogue_mono.wav", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const auto manifest = Manifest("dialogue_mono");
  EXPECT_EQ(prepared->report.layout, Layout::kMono);
  EXPECT_EQ(prepared->report.sample_rate, 8000);
  ExpectSpeechNear(prepared->report.speech_seconds, SpeechSeconds(manifest), "speech");
  ASSERT_EQ(prepared->chunks.size(), 1U);
  EXPECT_EQ(prepared->chunks[0].speaker, "");
  ExpectChunksWithinLimits(*prepared, {});
  ExpectOnsetsMapBack(*prepared, manifest, "");
}

TEST(PrepareRecording, MonoCopiedIntoTwoChannelsIsRecognisedAsAMix) {
  TempDir dir;
  auto prepared = Prepare("dialogue_copied.m4a", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  EXPECT_EQ(prepared->report.layout, Layout::kMonoMixStereo);
  EXPECT_GT(prepared->report.channel_correlation, 0.9);
  ExpectSpeechNear(prepared->report.speech_seconds, SpeechSeconds(Manifest("dialogue_copied")),
                   "speech");
  ASSERT_EQ(prepared->chunks.size(), 1U);
  EXPECT_EQ(prepared->chunks[0].speaker, "");
  ExpectOnsetsMapBack(*prepared, Manifest("dialogue_copied"), "");
}

TEST(PrepareRecording, ALongPauseIsCutAndTimesStillMapBack) {
  TempDir dir;
  auto prepared = Prepare("pause_30s.mp3", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const AudioReport& r = prepared->report;
  const auto manifest = Manifest("pause_30s");
  EXPECT_NEAR(r.duration_seconds, 74.24, 0.1);
  // Each side sends its own speech plus short pads: far less than the recording, twice over.
  EXPECT_LT(r.billed_seconds, SpeechSeconds(manifest) + 0.5 * manifest.size() + 2);
  EXPECT_GT(r.silence_ratio, 0.5);
  ExpectOnsetsMapBack(*prepared, manifest, "manager");
  ExpectOnsetsMapBack(*prepared, manifest, "client");
}

TEST(PrepareRecording, VoicemailIsMonoSpeech) {
  TempDir dir;
  auto prepared = Prepare("voicemail.ogg", dir);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const auto manifest = Manifest("voicemail");
  EXPECT_EQ(prepared->report.layout, Layout::kMono);
  EXPECT_EQ(prepared->report.codec.find("opus") != std::string::npos, true);
  ExpectSpeechNear(prepared->report.speech_seconds, SpeechSeconds(manifest), "speech");
  ASSERT_EQ(prepared->chunks.size(), 1U);
  ExpectOnsetsMapBack(*prepared, manifest, "");
}

TEST(PrepareRecording, SilenceAndNoiseGiveNoChunks) {
  for (const char* fixture : {"silence.mp3", "noise.wav"}) {
    TempDir dir;
    auto prepared = Prepare(fixture, dir);
    ASSERT_TRUE(prepared.ok()) << fixture << ": " << prepared.error().message;
    EXPECT_TRUE(prepared->chunks.empty()) << fixture;
    EXPECT_EQ(prepared->report.speech_seconds, 0) << fixture;
    EXPECT_EQ(prepared->report.billed_seconds, 0) << fixture;
    EXPECT_EQ(prepared->report.silence_ratio, 1) << fixture;
    EXPECT_NEAR(prepared->report.duration_seconds, 20, 0.1) << fixture;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << fixture;
  }
}

TEST(PrepareRecording, DamagedInputIsAPermanentErrorNamingTheFile) {
  TempDir dir;
  std::ofstream(dir.path() / "page.mp3") << "<html>Access denied</html>";
  for (const auto& path : {Fixture("truncated.mp3"), dir.path() / "page.mp3"}) {
    auto prepared = PrepareRecording(path, {.work_dir = dir.path() / "work"});
    ASSERT_FALSE(prepared.ok()) << path;
    EXPECT_EQ(prepared.error().kind, core::ErrorKind::kPermanent);
    EXPECT_NE(prepared.error().message.find(path.filename().string()), std::string::npos)
        << prepared.error().message;
  }
}

// The decoded samples wait on disk in the work directory (16 kHz, 16-bit) until the chunks are
// encoded: a disk that fills up there is a temporary trouble, and nothing of the call is left.
// The full disk is played by the file size limit (writes fail with EFBIG instead of ENOSPC).
TEST(PrepareRecording, AFullDiskWhileDecodingIsATransientErrorAndLeavesNothing) {
  TempDir dir;
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 512 * 1024;  // the 46 s stereo call needs 2.9 MB
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  auto prepared = Prepare("dialogue_stereo.mp3", dir);
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.error().kind, core::ErrorKind::kTransient) << prepared.error().message;
  EXPECT_NE(prepared.error().message.find(dir.path().string()), std::string::npos)
      << prepared.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(PrepareRecording, ShortChunkLimitsSplitAtPausesAndStillMapBack) {
  TempDir dir;
  const PrepareOptions options{.max_chunk_seconds = 10};
  auto prepared = Prepare("dialogue_stereo.mp3", dir, options);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  EXPECT_GE(prepared->chunks.size(), 4U);
  for (std::size_t i = 0; i < prepared->chunks.size(); ++i) {
    EXPECT_EQ(prepared->chunks[i].index, static_cast<int>(i));
  }
  ExpectChunksWithinLimits(*prepared, options);
  const auto manifest = Manifest("dialogue_stereo");
  ExpectOnsetsMapBack(*prepared, manifest, "manager");
  ExpectOnsetsMapBack(*prepared, manifest, "client");
}

TEST(PrepareRecording, EveryChunkFormatWorks) {
  for (ChunkFormat format : {ChunkFormat::kOpus, ChunkFormat::kFlac, ChunkFormat::kWav}) {
    TempDir dir;
    auto prepared = Prepare("voicemail.ogg", dir, {.format = format});
    ASSERT_TRUE(prepared.ok()) << ChunkFormatName(format) << ": " << prepared.error().message;
    ASSERT_EQ(prepared->chunks.size(), 1U);
    EXPECT_EQ(prepared->report.chunk_format, ChunkFormatName(format));
    ExpectChunksWithinLimits(*prepared, {});
  }
}

TEST(PrepareRecording, ARerunReplacesTheChunksOfTheLastRun) {
  TempDir dir;
  ASSERT_TRUE(Prepare("dialogue_stereo.mp3", dir, {.max_chunk_seconds = 10}).ok());
  std::ofstream(dir.path() / "recording.mp3") << "kept: not ours";
  auto prepared = Prepare("dialogue_stereo.mp3", dir);
  ASSERT_TRUE(prepared.ok());
  const auto files = std::distance(std::filesystem::directory_iterator(dir.path()),
                                   std::filesystem::directory_iterator());
  EXPECT_EQ(files, static_cast<long>(prepared->chunks.size()) + 1);
}

TEST(PrepareRecording, OnlyTheFirstMaxTranscribedSecondsAreChunkedAndTheCutIsReported) {
  TempDir dir;
  auto whole = Prepare("dialogue_mono.wav", dir);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  ASSERT_GT(whole->report.duration_seconds, 15);
  EXPECT_FALSE(whole->report.transcribed_until_seconds);
  EXPECT_FALSE(nlohmann::json::parse(whole->report.ToJson()).contains("transcribed_until_seconds"));

  auto cut = Prepare("dialogue_mono.wav", dir, {.max_transcribed_seconds = 10});

  ASSERT_TRUE(cut.ok()) << cut.error().message;
  const AudioReport& r = cut->report;
  ASSERT_TRUE(r.transcribed_until_seconds);
  EXPECT_EQ(*r.transcribed_until_seconds, 10);
  // The length of the whole recording (the WAV header declares it), so the rest can be reported.
  EXPECT_NEAR(r.duration_seconds, whole->report.duration_seconds, 0.1);
  EXPECT_EQ(nlohmann::json::parse(r.ToJson())["transcribed_until_seconds"], 10);
  ASSERT_FALSE(cut->chunks.empty());
  for (const Chunk& chunk : cut->chunks) {
    EXPECT_LE(chunk.time_map.ToOriginal(chunk.time_map.ChunkLengthMs()), 10'000) << chunk.path;
  }
  EXPECT_LT(r.billed_seconds, whole->report.billed_seconds);
}

TEST(PrepareRecording, ImpossibleOptionsAreAConfigError) {
  auto prepared = PrepareRecording(Fixture("voicemail.ogg"), {});
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.error().kind, core::ErrorKind::kConfig);
}

TEST(AudioReport, JsonCarriesTheFactsTheUiShows) {
  TempDir dir;
  auto prepared = Prepare("dialogue_stereo.mp3", dir);
  ASSERT_TRUE(prepared.ok());
  const auto json = nlohmann::json::parse(prepared->report.ToJson());
  EXPECT_EQ(json["layout"], "two_party_stereo");
  EXPECT_EQ(json["channels"], 2);
  EXPECT_EQ(json["chunk_count"], 2);
  EXPECT_EQ(json["chunk_format"], "mp3");
  EXPECT_EQ(json["channel_speech_seconds"].size(), 2U);
  EXPECT_TRUE(json["speaker_speech_seconds"].contains("manager"));
  for (const char* key : {"duration_seconds", "speech_seconds", "silence_ratio", "billed_seconds",
                          "overlap_seconds", "channel_correlation"}) {
    EXPECT_TRUE(json[key].is_number()) << key;
  }
}

}  // namespace
}  // namespace callbrief::audio
