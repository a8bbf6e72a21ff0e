#include "audio/fixtures.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "audio/internal/decoder.h"
#include "audio/internal/energy.h"

namespace callbrief::audio::testing {

std::filesystem::path Fixture(std::string_view name) {
  return std::filesystem::path(CALLBRIEF_AUDIO_FIXTURES) / std::string(name);
}

std::vector<Utterance> Manifest(std::string_view name) {
  std::ifstream in(Fixture(std::string(name) + ".tsv"));
  if (!in) throw std::runtime_error("no manifest for fixture " + std::string(name));
  std::vector<Utterance> result;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Utterance u;
    std::string start, end;
    std::getline(fields, u.speaker, '\t');
    std::getline(fields, start, '\t');
    std::getline(fields, end, '\t');
    u.start = std::stod(start);
    u.end = std::stod(end);
    result.push_back(u);
  }
  return result;
}

double SpeechSeconds(const std::vector<Utterance>& utterances, std::string_view speaker) {
  std::vector<std::pair<double, double>> spans;
  for (const Utterance& u : utterances) {
    if (speaker.empty() || u.speaker == speaker) spans.emplace_back(u.start, u.end);
  }
  std::sort(spans.begin(), spans.end());
  double total = 0, covered_to = -1;
  for (auto [start, end] : spans) {
    start = std::max(start, covered_to);
    if (end > start) total += end - start;
    covered_to = std::max(covered_to, end);
  }
  return total;
}

std::vector<internal::Region> SpeechIn(const std::filesystem::path& file) {
  auto decoder = internal::Decoder::Open(file);
  if (!decoder) throw std::runtime_error(decoder.error().message);
  internal::EnergyAnalyzer analyzer((*decoder)->info().output_channels,
                                    (*decoder)->info().output_rate);
  auto status = (*decoder)->Run(
      [&](const float* const* planes, int count) {
        analyzer.Add(planes, count);
        return true;
      },
      1 << 30);
  if (!status) throw std::runtime_error(status.error().message);
  const internal::Energies energies = analyzer.Finish();
  return internal::DetectSpeech(energies.channel_db[0], {}).regions;
}

std::int64_t DecodedSamples(const std::filesystem::path& file) {
  auto decoder = internal::Decoder::Open(file);
  if (!decoder) throw std::runtime_error(decoder.error().message);
  auto status = (*decoder)->Run([](const float* const*, int) { return true; }, 1 << 30);
  if (!status) throw std::runtime_error(status.error().message);
  return (*decoder)->samples();
}

}  // namespace callbrief::audio::testing
