// The OpenAI-compatible speech-to-text client (POST /audio/transcriptions).

#include <fmt/format.h>

#include <chrono>

#include "asr/transcriber.h"
#include "asr/transcription_response.h"
#include "core/redact.h"
#include "openai/error.h"

namespace callbrief::asr {
namespace {

bool IsGptTranscribe(std::string_view model) { return model.starts_with("gpt-transcribe"); }
bool IsDiarize(std::string_view model) { return model.find("diarize") != std::string_view::npos; }

// Roughly whisper-1's 224-token prompt window for Russian text (≈ 2–3 characters a token).
constexpr std::size_t kMaxPromptChars = 450;

std::size_t CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

class OpenAiTranscriber final : public Transcriber {
 public:
  OpenAiTranscriber(net::HttpClient& http, TranscriberOptions options)
      : http_(http),
        options_(std::move(options)),
        format_(EffectiveResponseFormat(options_.response_format, options_.model)),
        prompt_(RenderPrompt(options_)) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
      options_.base_url.pop_back();
    }
  }

  core::Result<ChunkTranscript> Transcribe(const ChunkToTranscribe& chunk) override {
    const std::string context =
        fmt::format("transcribing chunk {} with {}", chunk.index + 1, options_.model);
    const std::int64_t chunk_ms = chunk.seconds > 0
                                      ? static_cast<std::int64_t>(chunk.seconds * 1000)
                                      : chunk.time_map.ChunkLengthMs();
    auto started = std::chrono::steady_clock::now();
    auto response = http_.Send(BuildRequest(chunk));
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (!response) {
      core::Error error = response.error().WithContext(context);
      error.message = openai::WithoutSecret(std::move(error.message), options_.api_key);
      return error;
    }
    if (!response->IsSuccess()) {
      return openai::ErrorFromResponse(*response, context, Settings(), Now());
    }
    auto parsed = ParseTranscriptionResponse(response->body, chunk_ms);
    if (!parsed) return parsed.error().WithContext(context);
    ChunkTranscript& out = *parsed;
    out.index = chunk.index;
    out.usage.provider = "openai-transcribe";
    out.usage.model = options_.model;
    out.usage.operation = fmt::format("transcribe chunk {}", chunk.index + 1);
    out.usage.latency_ms = latency.count();
    out.usage.cost_usd = EstimateCost(options_.prices, out.usage);
    return std::move(out);
  }

 private:
  net::HttpRequest BuildRequest(const ChunkToTranscribe& chunk) const {
    net::HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + "/audio/transcriptions";
    request.timeout = options_.timeout;
    request.headers = {{"Accept", "application/json"}};
    if (!options_.api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    }
    auto& parts = request.multipart;
    parts.push_back(net::MultipartPart::File("file", chunk.path.string(), chunk.mime_type));
    parts.push_back(net::MultipartPart::Field("model", options_.model));
    parts.push_back(net::MultipartPart::Field(
        "response_format", format_ == ResponseFormat::kVerboseJson ? "verbose_json" : "json"));
    if (format_ == ResponseFormat::kVerboseJson) {
      parts.push_back(net::MultipartPart::Field("timestamp_granularities[]", "segment"));
    }
    parts.push_back(net::MultipartPart::Field("temperature", "0"));
    if (!options_.language.empty()) {
      // gpt-transcribe takes language hints as languages[]; sending `language` too is refused.
      parts.push_back(net::MultipartPart::Field(
          IsGptTranscribe(options_.model) ? "languages[]" : "language", options_.language));
    }
    if (IsDiarize(options_.model)) {
      parts.push_back(net::MultipartPart::Field("chunking_strategy", "auto"));
    } else if (!prompt_.empty()) {
      parts.push_back(net::MultipartPart::Field("prompt", prompt_));
    }
    if (IsGptTranscribe(options_.model)) {
      // `keywords` is an array (openai-python types/audio/transcription_create_params.py,
      // SequenceNotStr[str]); the SDK sends arrays in multipart as one "keywords[]" part per
      // item (_base_client.py _serialize_multipartform, array_format="brackets").
      for (const std::string& word : options_.vocabulary) {
        if (word.find_first_of("<>\r\n") != std::string::npos) continue;
        parts.push_back(net::MultipartPart::Field("keywords[]", word));
      }
    }
    return request;
  }

  core::TimePoint Now() const {
    return (options_.clock != nullptr ? *options_.clock : core::SystemClock::Instance()).Now();
  }

  openai::ErrorSettings Settings() const {
    return {options_.api_key_setting, options_.base_url_setting, options_.model_setting,
            options_.model, options_.api_key};
  }

  net::HttpClient& http_;
  TranscriberOptions options_;
  const ResponseFormat format_;
  const std::string prompt_;
};

}  // namespace

ResponseFormat EffectiveResponseFormat(ResponseFormat requested, std::string_view model) {
  if (requested != ResponseFormat::kAuto) return requested;
  // OpenAI's gpt-4o-transcribe, -mini, -diarize and gpt-transcribe answer verbose_json with
  // 400 unsupported_value; only whisper-1 and Whisper servers give segments.
  return model.starts_with("gpt-") ? ResponseFormat::kJson : ResponseFormat::kVerboseJson;
}

std::string RenderPrompt(const TranscriberOptions& options) {
  std::string prompt = options.prompt;
  if (prompt.empty() && !options.vocabulary.empty()) {
    bool russian = options.language.empty() || options.language == "ru";
    std::string words;
    for (const std::string& word : options.vocabulary) {
      if (word.empty()) continue;
      std::string next = words.empty() ? word : words + ", " + word;
      if (CodePoints(next) > kMaxPromptChars - 60) break;
      words = std::move(next);
    }
    if (!words.empty()) {
      prompt = (russian ? "Телефонный разговор менеджера с клиентом. Упоминаются: "
                        : "A phone call between a sales manager and a client. Mentioned: ") +
               words + ".";
    }
  }
  // Keep whole code points when cutting an over-long free-text prompt.
  if (CodePoints(prompt) > kMaxPromptChars) {
    std::size_t chars = 0, at = 0;
    for (; at < prompt.size(); ++at) {
      if ((static_cast<unsigned char>(prompt[at]) & 0xC0) != 0x80 && chars++ == kMaxPromptChars) {
        break;
      }
    }
    prompt.resize(at);
  }
  return prompt;
}

std::unique_ptr<Transcriber> MakeOpenAiTranscriber(net::HttpClient& http,
                                                   TranscriberOptions options) {
  return std::make_unique<OpenAiTranscriber>(http, std::move(options));
}

}  // namespace callbrief::asr
