#include "support/demo_audio.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

extern char** environ;

namespace callbrief::testing {
namespace {

constexpr int kGapMs = 350;

struct Pcm {
  int channels = 0;
  int sample_rate = 0;
  int bits = 0;
  std::string data{};
};

core::Status Run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    return core::Error::Config(
        fmt::format("cannot run {}: is it installed (scripts/setup)?", args[0]));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return core::Error::Permanent(fmt::format("{} failed", args[0]));
  }
  return core::Ok();
}

std::uint32_t Le32(const std::string& s, size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

std::uint16_t Le16(const std::string& s, size_t at) {
  std::uint16_t v = 0;
  std::memcpy(&v, s.data() + at, 2);
  return v;
}

core::Result<Pcm> ReadWav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    return core::Error::Permanent(fmt::format("{} is not a WAV file", path.string()));
  }
  Pcm pcm;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    std::string id = bytes.substr(at, 4);
    size_t size = Le32(bytes, at + 4);
    size_t body = at + 8;
    if (id == "fmt " && body + 16 <= bytes.size()) {
      pcm.channels = Le16(bytes, body + 2);
      pcm.sample_rate = static_cast<int>(Le32(bytes, body + 4));
      pcm.bits = Le16(bytes, body + 14);
    } else if (id == "data") {
      // espeak-ng may leave the size unset when it streams; the data then runs to the end.
      size = std::min(size, bytes.size() - body);
      pcm.data = bytes.substr(body, size);
      break;
    }
    at = body + size + (size & 1);
  }
  if (pcm.sample_rate == 0 || pcm.bits != 16) {
    return core::Error::Permanent(fmt::format("{}: expected 16-bit PCM", path.string()));
  }
  return pcm;
}

void WriteWav(const std::filesystem::path& path, const Pcm& pcm) {
  auto le32 = [](std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto le16 = [](std::uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  const std::uint32_t rate = static_cast<std::uint32_t>(pcm.sample_rate);
  const std::uint16_t channels = static_cast<std::uint16_t>(pcm.channels);
  std::ofstream out(path, std::ios::binary);
  out << "RIFF" << le32(static_cast<std::uint32_t>(36 + pcm.data.size())) << "WAVE"
      << "fmt " << le32(16) << le16(1) << le16(channels) << le32(rate) << le32(rate * channels * 2)
      << le16(static_cast<std::uint16_t>(channels * 2)) << le16(16) << "data"
      << le32(static_cast<std::uint32_t>(pcm.data.size())) << pcm.data;
}

}  // namespace

core::Result<std::int64_t> SpeakDialogue(std::vector<store::TranscriptSegment>& segments,
                                         const std::filesystem::path& out) {
  std::filesystem::create_directories(out.parent_path());
  const auto piece = out.parent_path() / (out.filename().string() + ".piece.wav");
  Pcm all;
  for (auto& seg : segments) {
    const char* voice = seg.speaker == "manager" ? "ru+m3" : "ru+f3";
    if (auto spoken = Run({"espeak-ng", "-v", voice, "-s", "165", "-w", piece.string(), seg.text});
        !spoken) {
      return spoken.error();
    }
    auto pcm = ReadWav(piece);
    if (!pcm) return pcm.error();
    if (all.sample_rate == 0) {
      all.channels = pcm->channels;
      all.sample_rate = pcm->sample_rate;
      all.bits = 16;
    }
    const std::int64_t bytes_per_ms = std::int64_t{all.sample_rate} * all.channels * 2 / 1000;
    const size_t frame = static_cast<size_t>(all.channels) * 2;
    if (!all.data.empty()) all.data.append(static_cast<size_t>(kGapMs * bytes_per_ms), '\0');
    seg.start_ms = static_cast<std::int64_t>(all.data.size() / frame) * 1000 / all.sample_rate;
    all.data += pcm->data;
    seg.end_ms = static_cast<std::int64_t>(all.data.size() / frame) * 1000 / all.sample_rate;
  }
  std::filesystem::remove(piece);
  const bool mp3 = out.extension() == ".mp3";
  const auto wav = mp3 ? out.parent_path() / (out.stem().string() + ".tmp.wav") : out;
  WriteWav(wav, all);
  if (mp3) {
    if (auto encoded = Run({"ffmpeg", "-loglevel", "error", "-y", "-i", wav.string(), "-codec:a",
                            "libmp3lame", "-b:a", "64k", out.string()});
        !encoded) {
      return encoded.error();
    }
    std::filesystem::remove(wav);
  }
  return static_cast<std::int64_t>(std::filesystem::file_size(out));
}

}  // namespace callbrief::testing
