// Talk metrics end to end (issue 16, item 1): a synthesized two-party call in which the client
// cuts into the manager's answer (scripts/make-fixtures: interruption_stereo.mp3) goes through the
// real service and the emulators; the metrics it stores must be the script's within 0.3 s, and
// with MESSAGE_ANALYTICS_LINE the Telegram message shows the talk share (item 5).
//
// What makes the check honest: the OpenAI emulator does not read the script's times. It answers
// each side's chunk at the stretches where that chunk has speech (FakeTranscript::
// times_from_speech, as Whisper's verbose_json gives segment times in seconds of the uploaded file:
// openai-python types/audio/transcription_segment.py), so the times pass through everything
// callbrief does to them: speech detection and silence cutting per channel, the chunks' time
// maps, stitching, storing, and the metrics. What it does not check is Whisper's own accuracy.

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analytics/talk_metrics.h"
#include "e2e/e2e_support.h"

namespace callbrief::testing {
namespace {

using fakes::CallBuilder;
using nlohmann::json;

constexpr double kToleranceSeconds = 0.3;

// The fixture's manifest: one utterance a line, "speaker<TAB>start_s<TAB>end_s<TAB>text".
std::vector<analytics::Segment> Script(const std::string& name) {
  std::istringstream lines(FixtureBytes(name));
  std::vector<analytics::Segment> script;
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string speaker, start, end, text;
    std::getline(fields, speaker, '\t');
    std::getline(fields, start, '\t');
    std::getline(fields, end, '\t');
    std::getline(fields, text);
    script.push_back({.start_ms = std::llround(std::stod(start) * 1000),
                      .end_ms = std::llround(std::stod(end) * 1000),
                      .speaker = speaker,
                      .text = text});
  }
  return script;
}

std::vector<fakes::FakeSegment> LinesOf(const std::vector<analytics::Segment>& script,
                                        const std::string& speaker) {
  std::vector<fakes::FakeSegment> lines;
  for (const auto& s : script) {
    if (s.speaker == speaker) lines.push_back({.text = s.text});
  }
  return lines;
}

TEST_F(PipelineE2eTest, TalkMetricsOfAStereoDialogueWithAnInterruptionMatchTheScript) {
  const std::vector<analytics::Segment> script = Script("interruption_stereo.tsv");
  ASSERT_EQ(script.size(), 8u) << "scripts/make-fixtures changed: update this test";
  // Chunks are named after their side (chunk-000-manager.wav), which is what each script matches.
  for (const char* speaker : {"manager", "client"}) {
    openai_.AddTranscript(
        {.marker = speaker, .segments = LinesOf(script, speaker), .times_from_speech = true});
  }
  // whisper-1 answers verbose_json with segment times; the emulator hears speech in PCM WAV only.
  // MESSAGE_ANALYTICS_LINE: the Telegram message carries the talk share too (item 5).
  ServiceProcess service(Env({{"TRANSCRIBE_MODEL", "whisper-1"},
                              {"AUDIO_CHUNK_FORMAT", "wav"},
                              {"MESSAGE_ANALYTICS_LINE", "true"}}));
  ASSERT_TRUE(service.Start());
  const std::string call_id = AddCall(CallBuilder().Incoming(), "interruption_stereo.mp3");
  Announce(service, call_id);
  const json call = WaitFor(service, call_id, Done);
  ASSERT_TRUE(Done(call)) << call.dump(2) << service.Log();

  // Each utterance came back as one segment of its side, with its words.
  ASSERT_EQ(call["transcript"].size(), script.size()) << call["transcript"].dump(2);
  for (const char* speaker : {"manager", "client"}) {
    std::vector<std::string> heard, said;
    for (const json& s : call["transcript"]) {
      if (s["speaker"] == speaker) heard.push_back(s["text"].get<std::string>());
    }
    for (const auto& s : script) {
      if (s.speaker == speaker) said.push_back(s.text);
    }
    EXPECT_EQ(heard, said) << speaker;
  }

  const json& m = call["metrics"];
  ASSERT_TRUE(m.is_object()) << call.dump(2);
  const auto expected = analytics::ComputeTalkMetrics(script);
  ASSERT_TRUE(expected.has_value());
  const json want = analytics::TalkMetricsToJson(*expected);
  EXPECT_EQ(m["layout"], "two_party");
  // The scripted interruption: the client started 1.4 s before the manager's answer ended.
  EXPECT_EQ(want["interruptions_by_client"], 1);
  EXPECT_EQ(want["interruptions_by_manager"], 0);
  EXPECT_NEAR(want["overlap_seconds"].get<double>(), 1.4, 0.01);
  for (const char* count : {"interruptions_by_client", "interruptions_by_manager",
                            "questions_manager", "questions_client", "words"}) {
    EXPECT_EQ(m[count], want[count]) << count;
  }
  for (const char* seconds :
       {"talk_seconds_manager", "talk_seconds_client", "overlap_seconds",
        "longest_monologue_manager_seconds", "longest_monologue_client_seconds",
        "conversation_seconds", "speech_seconds", "mutual_silence_seconds",
        "longest_silence_seconds", "time_to_first_client_word_seconds"}) {
    ASSERT_TRUE(m[seconds].is_number()) << seconds << ": " << m.dump(2);
    EXPECT_NEAR(m[seconds].get<double>(), want[seconds].get<double>(), kToleranceSeconds)
        << seconds;
  }
  // A share moves by at most 0.3 s of either side's talk over all talk.
  const double talk =
      want["talk_seconds_manager"].get<double>() + want["talk_seconds_client"].get<double>();
  EXPECT_NEAR(m["talk_share_manager"].get<double>(), want["talk_share_manager"].get<double>(),
              2 * kToleranceSeconds / talk);

  // The message's analytics line shows the stored share.
  std::string sent;
  for (const auto& message : TelegramMessages()) sent += message.text + "\n";
  const std::string line =
      "📈 Разговор: речь менеджера " +
      std::to_string(std::lround(m["talk_share_manager"].get<double>() * 100)) +
      " % (ориентир 43 %)";
  EXPECT_NE(sent.find(line), std::string::npos) << sent;

  // The Calls list carries the same figures, and sorts by them.
  auto listed = service.Client().Get("/api/calls?sort=talk_share_manager");
  ASSERT_TRUE(listed && listed->status == 200);
  const json brief = json::parse(listed->body)["calls"][0]["metrics"];
  EXPECT_EQ(brief["talk_share_manager"], m["talk_share_manager"]);
  EXPECT_EQ(brief["interruptions_by_manager"], 0);
  EXPECT_NEAR(brief["longest_monologue_manager_seconds"].get<double>(),
              m["longest_monologue_manager_seconds"].get<double>(), 0.001);
}

}  // namespace
}  // namespace callbrief::testing
