#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "asr/price.h"
#include "core/clock.h"
#include "core/provider_usage.h"
#include "core/result.h"
#include "core/time_map.h"
#include "net/http_client.h"

namespace callbrief::asr {

// One prepared piece of a call recording, as the audio stage hands it over.
struct ChunkToTranscribe {
  int index = 0;  // 0-based position in the call's chunk plan.
  std::filesystem::path path{};
  std::string mime_type{};   // "audio/ogg", "audio/mpeg", …; sent as the file part's type.
  std::string speaker{};     // "manager", "client", or "" for a mixed (mono) recording.
  core::TimeMap time_map{};  // Chunk time → original recording time.
  double seconds = 0;        // Length of the chunk's audio.
};

// One segment as the provider returned it, in chunk time (milliseconds from the start of the
// chunk file). Quality fields are 0 when the provider does not report them.
struct RawSegment {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text{};
  double no_speech_prob = 0;
  double avg_logprob = 0;
  double compression_ratio = 0;
};

// What one chunk became. Serializable, so the pipeline can store each chunk's result as it
// arrives and a retry re-sends only the chunks still missing.
struct ChunkTranscript {
  int index = 0;  // ChunkToTranscribe::index.
  std::vector<RawSegment> segments{};
  std::string text{};
  std::string language{};  // As the provider reported it ("russian", "ru"); may be empty.
  // The provider gave no timestamps (json format): segment times are spread over the chunk in
  // proportion to the text length.
  bool timestamps_estimated = false;
  // The text may have been cut by the model's output limit (gpt-4o transcribe family: 2000
  // output tokens) although the request succeeded.
  bool possibly_truncated = false;
  core::ProviderUsage usage{};

  nlohmann::json ToJson() const;
  static core::Result<ChunkTranscript> FromJson(const nlohmann::json& json);
};

// Speech-to-text for one chunk. Implementations are thread-safe: TranscribeAll calls Transcribe
// from several threads at once.
class Transcriber {
 public:
  virtual ~Transcriber() = default;
  // Errors carry the kind the retry policy needs: kTransient (5xx, timeouts), kRateLimited
  // (429 rate_limit_exceeded, with the server's wait), kPermanent (bad audio, too large, quota
  // exhausted), kConfig (key, model or URL wrong; the message names the variable to fix).
  virtual core::Result<ChunkTranscript> Transcribe(const ChunkToTranscribe& chunk) = 0;
};

// Which response_format to ask for. kAuto picks by model: the gpt-* transcribe models refuse
// verbose_json (HTTP 400) and get json; everything else (whisper-1 and self-hosted Whisper
// servers) gets verbose_json with segment timestamps.
enum class ResponseFormat { kAuto, kVerboseJson, kJson };

struct TranscriberOptions {
  std::string base_url = "https://api.openai.com/v1";  // Without a trailing '/'.
  std::string api_key{};  // Sent as a Bearer token; empty sends no Authorization header.
  std::string model = "whisper-1";
  std::string language = "ru";  // ISO-639-1; empty lets the model detect it.
  // Free text sent as the prompt (style, context). Empty: built from `vocabulary`.
  std::string prompt{};
  // Names and terms the model should spell right: company, products, people. Sent in the prompt
  // (and as `keywords` to gpt-transcribe).
  std::vector<std::string> vocabulary{};
  ResponseFormat response_format = ResponseFormat::kAuto;
  std::chrono::milliseconds timeout{300000};
  TranscriptionPriceTable prices = DefaultTranscriptionPrices();
  // How the settings are called where the operator sets them, for error messages.
  std::string api_key_setting = "TRANSCRIBE_API_KEY (or OPENAI_API_KEY)";
  std::string base_url_setting = "TRANSCRIBE_BASE_URL";
  std::string model_setting = "TRANSCRIBE_MODEL";
  // "Now" for a Retry-After given as an HTTP date; must outlive the client. Null: the system
  // clock.
  const core::Clock* clock = nullptr;
};

// The OpenAI-compatible client: POST {base_url}/audio/transcriptions, multipart, the audio file
// streamed from disk. Works with OpenAI, speaches, LocalAI, vLLM and whisper.cpp's server
// (started with --inference-path /v1/audio/transcriptions). `http` must outlive the transcriber.
// The API key never appears in an error message.
std::unique_ptr<Transcriber> MakeOpenAiTranscriber(net::HttpClient& http,
                                                   TranscriberOptions options);

// The response_format `options` lead to for `model`.
ResponseFormat EffectiveResponseFormat(ResponseFormat requested, std::string_view model);

// The prompt sent with each chunk (empty when there is nothing to send), at most about 200
// words: whisper-1 reads only 224 tokens of it.
std::string RenderPrompt(const TranscriberOptions& options);

// Called once per chunk that succeeded, never concurrently, on one of TranscribeAll's threads.
// An error stops TranscribeAll as a failed chunk would (e.g. the result could not be stored).
using ChunkDone = std::function<core::Status(const ChunkToTranscribe&, const ChunkTranscript&)>;

// Transcribes `chunks` with at most `parallelism` requests in flight, calling `on_chunk_done`
// (may be null) as each result arrives. On the first failure no further chunk is started; the
// chunks in flight finish (their successes are still reported) and the error is returned,
// preferring one that retrying cannot fix over a retryable one. On success the transcripts are
// in the order of `chunks`.
core::Result<std::vector<ChunkTranscript>> TranscribeAll(
    Transcriber& transcriber, const std::vector<ChunkToTranscribe>& chunks, int parallelism,
    const ChunkDone& on_chunk_done);

}  // namespace callbrief::asr
