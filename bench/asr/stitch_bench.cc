// Stitching benchmark: parse the verbose_json answers of a one-hour two-channel call (6 chunks of
// 20 minutes, 1,000 segments in all) and stitch them into one transcript, as the pipeline does
// after transcription. Prints a Markdown section for bench/README.md.
//
//   asr_stitch_bench [iterations]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "asr/stitch.h"
#include "asr/transcription_response.h"

namespace {

using callbrief::asr::ChunkToTranscribe;
using callbrief::asr::ChunkTranscript;

constexpr int kChunksPerChannel = 3;
constexpr int kSegmentsPerChunk = 167;  // 6 × 167 ≈ 1,000.
constexpr double kChunkSeconds = 1200;

const char* const kPhrases[] = {
    "Добрый день, компания Ромашка, меня зовут Ольга, чем могу помочь?",
    "Здравствуйте, я хотел бы уточнить условия поставки упаковки на следующий месяц.",
    "Да, конечно, сколько единиц вам потребуется и на какой склад везти?",
    "Примерно двести коробок, склад в Казани, как обычно.",
    "Продолжение следует...",
    "Хорошо, тогда я подготовлю коммерческое предложение и пришлю его сегодня до вечера.",
};

// One chunk's verbose_json answer, as OpenAI sends it.
std::string ChunkBody(int chunk, int channel) {
  nlohmann::json segments = nlohmann::json::array();
  std::string text;
  for (int i = 0; i < kSegmentsPerChunk; ++i) {
    double start = i * (kChunkSeconds / kSegmentsPerChunk) + channel * 3.0;
    const char* phrase = kPhrases[(i + chunk + channel) % 6];
    segments.push_back({{"id", i},
                        {"seek", static_cast<int>(start * 100)},
                        {"start", start},
                        {"end", start + 3.2},
                        {"text", std::string(" ") + phrase},
                        {"tokens", {50364, 1234, 5678, 50414}},
                        {"temperature", 0.0},
                        {"avg_logprob", -0.27},
                        {"compression_ratio", 1.41},
                        {"no_speech_prob", i % 50 == 0 ? 0.93 : 0.02}});
    text += phrase;
  }
  return nlohmann::json{
      {"task", "transcribe"},      {"language", "russian"},
      {"duration", kChunkSeconds}, {"text", text},
      {"segments", segments},      {"usage", {{"type", "duration"}, {"seconds", 1200}}}}
      .dump();
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 300;
  std::vector<ChunkToTranscribe> chunks;
  std::vector<std::string> bodies;
  for (int channel = 0; channel < 2; ++channel) {
    for (int chunk = 0; chunk < kChunksPerChannel; ++chunk) {
      ChunkToTranscribe c;
      c.index = channel * kChunksPerChannel + chunk;
      c.speaker = channel == 0 ? "manager" : "client";
      c.seconds = kChunkSeconds;
      // Silence cut: the chunk's audio is two stretches of the original.
      const std::int64_t base = static_cast<std::int64_t>(chunk * kChunkSeconds * 1000);
      c.time_map = callbrief::core::TimeMap({{0, base, 600000}, {600000, base + 605000, 600000}});
      chunks.push_back(std::move(c));
      bodies.push_back(ChunkBody(chunk, channel));
    }
  }

  std::vector<double> ms, parse_ms, stitch_ms;
  std::size_t segments = 0, dropped = 0, input_segments = 0, bytes = 0;
  for (const auto& body : bodies) bytes += body.size();
  for (int i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<ChunkToTranscribe, ChunkTranscript>> parsed;
    input_segments = 0;
    for (std::size_t c = 0; c < chunks.size(); ++c) {
      auto transcript = callbrief::asr::ParseTranscriptionResponse(bodies[c], 1200000);
      if (!transcript) return 1;
      input_segments += transcript->segments.size();
      parsed.emplace_back(chunks[c], std::move(*transcript));
    }
    auto parsed_at = std::chrono::steady_clock::now();
    auto stitched = callbrief::asr::Stitch(parsed);
    auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    parse_ms.push_back(std::chrono::duration<double, std::milli>(parsed_at - start).count());
    stitch_ms.push_back(std::chrono::duration<double, std::milli>(end - parsed_at).count());
    segments = stitched.segments.size();
    dropped = static_cast<std::size_t>(stitched.dropped_hallucinations + stitched.dropped_overlaps);
  }
  for (auto* v : {&ms, &parse_ms, &stitch_ms}) std::sort(v->begin(), v->end());
  auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
  auto median = [](const std::vector<double>& v) { return v[v.size() / 2]; };
  fmt::print(
      "{} segments in ({:.0f} KiB of verbose_json, 6 chunks, 2 channels) → {} kept, {} "
      "dropped; {} iterations\n\n",
      input_segments, bytes / 1024.0, segments, dropped, iterations);
  fmt::print("| min | median | p95 | max |\n|---|---|---|---|\n");
  fmt::print("| {:.2f} ms | {:.2f} ms | {:.2f} ms | {:.2f} ms |\n", ms.front(), at(0.5), at(0.95),
             ms.back());
  fmt::print("\nMedian split: parsing {:.2f} ms, stitching {:.2f} ms (min {:.2f} / {:.2f}).\n",
             median(parse_ms), median(stitch_ms), parse_ms.front(), stitch_ms.front());
  fmt::print("\nMedian {:.2f} ms: the 5 ms target is {}.\n", at(0.5),
             at(0.5) < 5.0 ? "met" : "MISSED");
  return 0;
}
