// POST /v1/audio/transcriptions of the OpenAI emulator.

#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "fakes/fake_openai_impl.h"
#include "fakes/speech_stretches.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

const std::vector<std::string> kKnownModels = {"whisper-1", "gpt-4o-transcribe",
                                               "gpt-4o-mini-transcribe",
                                               "gpt-4o-transcribe-diarize", "gpt-transcribe"};

// What the default transcript says, in turn.
const std::vector<std::string> kLines = {
    "Добрый день, компания слушает.",
    "Здравствуйте, я хотел уточнить по поводу заказа.",
    "Да, конечно, назовите, пожалуйста, номер заказа.",
    "Номер двенадцать тридцать четыре, оформляли на прошлой неделе.",
    "Вижу, заказ собран, доставка запланирована на четверг.",
    "А можно перенести на пятницу после обеда?",
    "Да, перенесу и пришлю подтверждение на почту.",
    "Отлично, спасибо, тогда жду письмо.",
};

std::uint32_t LittleEndian(const std::string& bytes, std::size_t at, std::size_t size) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

// The duration of a RIFF/WAVE file from its header, or a 32 kbit/s estimate for anything else.
double DurationSeconds(const std::string& bytes) {
  if (bytes.size() >= 44 && bytes.compare(0, 4, "RIFF") == 0 && bytes.compare(8, 4, "WAVE") == 0) {
    std::uint32_t byte_rate = 0;
    for (std::size_t at = 12; at + 8 <= bytes.size();) {
      std::string id = bytes.substr(at, 4);
      std::uint32_t size = LittleEndian(bytes, at + 4, 4);
      if (id == "fmt " && at + 16 <= bytes.size()) byte_rate = LittleEndian(bytes, at + 16, 4);
      if (id == "data" && byte_rate > 0) return static_cast<double>(size) / byte_rate;
      at += 8 + size + (size & 1);
    }
  }
  return static_cast<double>(bytes.size()) / 4000.0;
}

std::vector<FakeSegment> DefaultSegments(double duration) {
  std::vector<FakeSegment> segments;
  for (int i = 0; i * 6.0 < duration; ++i) {
    double start = i * 6.0;
    segments.push_back({start, std::min(duration, start + 5.0),
                        kLines[static_cast<std::size_t>(i) % kLines.size()], 0.01, -0.25, 1.3});
  }
  return segments;
}

// The scripted lines placed on the stretches of speech of `wav` (FakeTranscript::
// times_from_speech); nullopt when `wav` is not 16-bit PCM WAV.
std::optional<std::vector<FakeSegment>> TimedBySpeech(const std::vector<FakeSegment>& lines,
                                                      const std::string& wav) {
  auto stretches = FindSpeechStretches(wav);
  if (!stretches) return std::nullopt;
  std::vector<FakeSegment> timed;
  for (std::size_t i = 0; i < stretches->size(); ++i) {
    FakeSegment segment = i < lines.size() ? lines[i] : FakeSegment{};
    segment.start = (*stretches)[i].start;
    segment.end = (*stretches)[i].end;
    timed.push_back(std::move(segment));
  }
  return timed;
}

std::string LanguageName(const std::string& code) {
  if (code == "ru") return "russian";
  if (code == "en") return "english";
  return code;
}

bool IsGptModel(const std::string& model) { return model.rfind("gpt-", 0) == 0; }

}  // namespace

OpenAiAnswer FakeOpenAi::Impl::Transcribe(const httplib::Request& request,
                                          LoggedOpenAiRequest& entry) {
  if (!request.is_multipart_form_data()) {
    return ErrorAnswer(400, "invalid_request_error", "",
                       "Invalid Content-Type header (" + request.get_header_value("Content-Type") +
                           "), expected multipart/form-data.");
  }
  const httplib::MultipartFormData* file = nullptr;
  for (const auto& [name, part] : request.files) {
    if (name == "file") {
      file = &part;
    } else {
      entry.fields.emplace_back(name, part.content);
    }
  }
  entry.model = entry.Field("model");
  if (file != nullptr) {
    entry.file_name = file->filename;
    entry.file_content_type = file->content_type;
    entry.file_bytes = file->content.size();
  }
  if (file != nullptr && file->content.size() > options.max_upload_bytes) {
    return ErrorAnswer(413, "server_error", "",
                       fmt::format("Maximum content size limit ({}) exceeded ({} bytes read)",
                                   options.max_upload_bytes, file->content.size()));
  }
  if (file == nullptr) {
    return ErrorAnswer(400, "invalid_request_error", "", "you must provide a file", "file");
  }
  if (entry.model.empty()) {
    return ErrorAnswer(400, "invalid_request_error", "", "you must provide a model parameter",
                       "model");
  }
  if (!options.accept_any_model &&
      std::find(kKnownModels.begin(), kKnownModels.end(), entry.model) == kKnownModels.end()) {
    return ErrorAnswer(
        404, "invalid_request_error", "model_not_found",
        "The model `" + entry.model + "` does not exist or you do not have access to it.");
  }
  std::string format = entry.Field("response_format");
  if (format.empty()) format = "json";
  if (format != "json" && format != "text" && format != "verbose_json") {
    return ErrorAnswer(400, "invalid_request_error", "unsupported_value",
                       "response_format '" + format + "' is not supported by this emulator.",
                       "response_format");
  }
  const bool gpt = IsGptModel(entry.model);
  if (gpt && format == "verbose_json") {
    return ErrorAnswer(400, "invalid_request_error", "unsupported_value",
                       "response_format 'verbose_json' is not compatible with model '" +
                           entry.model + "'. Use 'json' or 'text' instead.",
                       "response_format");
  }
  // keywords is an array of strings (openai-python types/audio/transcription_create_params.py),
  // sent as repeated "keywords[]" parts; a plain "keywords" field is a string where an array is
  // expected. The wording follows OpenAI's invalid_type errors for other fields (unverified for
  // this one).
  if (!entry.Field("keywords").empty()) {
    return ErrorAnswer(400, "invalid_request_error", "invalid_type",
                       "Invalid type for 'keywords': expected an array of strings, but got a "
                       "string instead.",
                       "keywords");
  }
  const double duration = DurationSeconds(file->content);
  // OpenAI's answer, quoted for gpt-4o(-mini)-transcribe in rishikanthc/Scriberr#477 and for
  // gpt-4o-transcribe-diarize in murtaza-nasir/speakr#168: {"message": "audio duration
  // 2158.5493333333334 seconds is longer than 1400 seconds which is the maximum for this model",
  // "type": "invalid_request_error", "param": null, "code": "invalid_value"}. (Older reports and
  // the community forum say 1500 s; today's limit is 1400 s.)
  if (gpt && duration > 1400) {
    return ErrorAnswer(400, "invalid_request_error", "invalid_value",
                       fmt::format("audio duration {} seconds is longer than 1400 seconds which "
                                   "is the maximum for this model",
                                   duration));
  }

  FakeTranscript script;
  bool scripted = false;
  {
    std::lock_guard lock(mu);
    for (const FakeTranscript& candidate : marked) {
      if (file->filename.find(candidate.marker) != std::string::npos ||
          file->content.find(candidate.marker) != std::string::npos) {
        script = candidate;
        scripted = true;
        break;
      }
    }
    if (!scripted && !unmarked.empty()) {
      script = std::move(unmarked.front());
      unmarked.pop_front();
      scripted = true;
    }
  }
  if (scripted && script.times_from_speech) {
    auto timed = TimedBySpeech(script.segments, file->content);
    if (!timed) {
      return ErrorAnswer(400, "invalid_request_error", "",
                         "emulator: a transcript timed by speech needs a 16-bit PCM WAV upload "
                         "(AUDIO_CHUNK_FORMAT=wav), got " +
                             file->filename);
    }
    script.segments = std::move(*timed);
  }
  if (!scripted) {
    script.segments = DefaultSegments(duration);
    std::string language = entry.Field("language");
    if (!language.empty()) script.language = language;
  }

  std::string text;
  // openai-python types/audio/transcription_segment.py (TranscriptionSegment): id, seek, start
  // and end ("Start time of the segment in seconds", "End time …" — of the uploaded file), text,
  // tokens, temperature, avg_logprob, compression_ratio, no_speech_prob; a verbose_json answer
  // carries them in `segments` (transcription_verbose.py). The sources do not say how close
  // start/end are to the speech: Whisper predicts them in 20 ms steps.
  json segments = json::array();
  for (std::size_t i = 0; i < script.segments.size(); ++i) {
    const FakeSegment& s = script.segments[i];
    if (!text.empty() && !s.text.empty()) text += ' ';
    text += s.text;
    segments.push_back({{"id", i},
                        {"seek", static_cast<int>(s.start * 100)},
                        {"start", s.start},
                        {"end", s.end},
                        {"text", " " + s.text},
                        {"tokens", json::array({50364, 50414})},
                        {"temperature", 0.0},
                        {"avg_logprob", s.avg_logprob},
                        {"compression_ratio", s.compression_ratio},
                        {"no_speech_prob", s.no_speech_prob}});
  }
  if (format == "text") return {200, json(text + "\n"), {}};
  // openai-python types/audio/transcription.py: a model billed by tokens answers UsageTokens
  // (input_tokens with input_token_details {audio_tokens, text_tokens}, output_tokens,
  // total_tokens, type "tokens"); whisper-1 answers UsageDuration {seconds, type "duration"}
  // (transcription_verbose.py). The rate of 10 audio tokens a second and the 20 text tokens are
  // the emulator's own: OpenAI does not document how many tokens a second of audio is.
  json usage =
      gpt ? json{{"type", "tokens"},
                 {"input_tokens", static_cast<std::int64_t>(duration * 10) + 20},
                 {"output_tokens", FakeTokens(text.size())},
                 {"total_tokens",
                  static_cast<std::int64_t>(duration * 10) + 20 + FakeTokens(text.size())},
                 {"input_token_details",
                  {{"audio_tokens", static_cast<std::int64_t>(duration * 10)},
                   {"text_tokens", 20}}}}
          : json{{"type", "duration"}, {"seconds", static_cast<std::int64_t>(std::ceil(duration))}};
  json body;
  if (format == "verbose_json") {
    body = {{"task", "transcribe"}, {"language", LanguageName(script.language)},
            {"duration", duration}, {"text", text},
            {"segments", segments}, {"usage", usage}};
  } else {
    body = {{"text", text}, {"usage", usage}};
    if (entry.model.rfind("gpt-transcribe", 0) == 0) {
      body["languages"] = json::array({script.language});
    }
  }
  return {200, body, {}};
}

}  // namespace callbrief::fakes
