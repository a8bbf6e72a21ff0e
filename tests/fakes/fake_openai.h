#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace callbrief::fakes {

struct FakeOpenAiOptions {
  std::string api_key = "sk-fake-openai-key";  // Empty: any or no Authorization is accepted.
  int port = 0;                                // 0: any free port.
  std::size_t max_upload_bytes = 26214400;     // OpenAI's 25 MiB; larger uploads get 413.
  // false: /audio/transcriptions knows only OpenAI's models (others: 404 model_not_found), as the
  // real API; true: any model name is a Whisper model, as on a self-hosted server.
  bool accept_any_model = false;
};

// One segment of a scripted transcript, in seconds of the uploaded file.
struct FakeSegment {
  double start = 0;
  double end = 0;
  std::string text{};
  double no_speech_prob = 0.01;
  double avg_logprob = -0.25;
  double compression_ratio = 1.3;
};

// What the emulator "hears" in an upload (it cannot decode audio). A script with a marker applies
// to every upload whose file name or bytes contain the marker; scripts without a marker apply, one
// each, to the uploads no marker matched, in the order of upload. Uploads nothing matches get
// the default: one plausible Russian line every 6 s of the file's duration (exact for WAV, else
// estimated at 32 kbit/s).
struct FakeTranscript {
  std::string marker{};
  std::vector<FakeSegment> segments{};
  std::string language = "ru";
  // The segments' times are where the upload has speech instead of the scripted ones: the i-th
  // stretch of speech (speech_stretches.h) gets the i-th segment's text, a stretch beyond the
  // script an empty text, and script lines beyond the stretches are not answered. Whisper's own
  // segment times are its predictions (in 20 ms steps, often a few hundred ms off the speech);
  // these are the speech's, so a test of them checks what callbrief does with the times. Only
  // for 16-bit PCM WAV uploads (AUDIO_CHUNK_FORMAT=wav); others are answered 400.
  bool times_from_speech = false;
};

enum class OpenAiEndpoint { kTranscriptions, kChatCompletions, kAny };

// An injected failure (or delay). It answers the next `times` requests to its endpoint, after
// authentication, with `status` and OpenAI's error body; status 0 only delays the normal answer.
struct OpenAiFault {
  int status = 500;
  std::string type = "server_error";
  std::string code{};  // Empty: "code": null.
  std::string message = "The server had an error while processing your request. Sorry about that!";
  std::string param{};
  std::optional<int> retry_after_seconds{};  // Sent as the retry-after header.
  std::chrono::milliseconds delay{0};        // Before answering; Stop() cuts it short.
  // More headers, e.g. {"retry-after-ms", "1500.5"} or {"x-should-retry", "false"}: the
  // openai-python SDK reads both (_base_client.py _parse_retry_after_header, _should_retry).
  std::vector<std::pair<std::string, std::string>> headers{};
  int times = 1;

  static OpenAiFault ServerError();
  static OpenAiFault Overloaded();  // 503, retry-after 1.
  static OpenAiFault RateLimit(std::optional<int> retry_after_seconds = 1);
  static OpenAiFault InsufficientQuota();
  static OpenAiFault InvalidApiKey();
  static OpenAiFault RegionBlocked();  // 403 unsupported_country_region_territory.
  // A restricted key without the "Models: Read" permission asking GET /models: 401 "You have
  // insufficient permissions for this operation. Missing scopes: api.model.read. …".
  static OpenAiFault MissingScopes();
  static OpenAiFault ModelNotFound(const std::string& model);
  static OpenAiFault Slow(std::chrono::milliseconds delay);  // Normal answer, late.
  OpenAiFault Times(int n) const;
};

// Overrides the next chat completion's answer (otherwise built from the request's schema).
struct ChatReply {
  enum class Kind { kContent, kRefusal, kTruncated, kContentFiltered };
  Kind kind = Kind::kContent;
  std::string text{};

  static ChatReply Content(std::string text);  // Exactly this content, finish_reason "stop".
  static ChatReply Refusal(std::string text);  // content null, message.refusal set.
  static ChatReply Truncated();  // The normal content cut in half, finish_reason "length".
  // finish_reason "content_filter": "content was omitted due to a flag from our content filters"
  // (openai-python types/chat/chat_completion.py, Choice.finish_reason); content is what was
  // written before the flag — here the first third of the normal answer.
  static ChatReply ContentFiltered();
};

struct LoggedOpenAiRequest {
  std::string path{};  // "/v1/audio/transcriptions", "/v1/chat/completions", "/v1/models".
  int status = 0;      // What the emulator answered.
  std::string authorization{};
  std::string model{};
  // Multipart fields of a transcription in order (the file part excluded); repeated names
  // (timestamp_granularities[]) appear once per value.
  std::vector<std::pair<std::string, std::string>> fields{};
  std::string file_name{};
  std::string file_content_type{};
  std::size_t file_bytes = 0;
  nlohmann::json body{};  // The JSON body of a chat completion.

  // The first multipart field called `name`, or "".
  std::string Field(const std::string& name) const;
};

// An OpenAI-compatible API on 127.0.0.1 for tests and manual runs, faithful to
// shared/reference/providers.md §1–2:
//  - POST /v1/audio/transcriptions (multipart): file, model, response_format json | text |
//    verbose_json (segments, no_speech_prob, …) with usage; verbose_json on a gpt-* model is 400
//    unsupported_value as OpenAI answers it; gpt-4o models refuse audio over 1500 s (400
//    invalid_value); uploads over max_upload_bytes are 413.
//  - POST /v1/chat/completions: response_format json_schema with strict: true is checked against
//    OpenAI's strict rules (an invalid schema is 400 as OpenAI words it) and answered with a valid
//    instance of the schema; json_object needs the word "json" in the messages and answers an
//    instance of the first ```json fenced schema found in them (else {}); finish_reason "length"
//    when max_completion_tokens / max_tokens is too small; refusals and truncation on request.
//    Reasoning models (o1/o3/o4*, gpt-5* but "-chat") refuse a temperature other than 1 and
//    max_tokens (400, param named), take reasoning_effort, and spend reasoning tokens (by effort)
//    out of max_completion_tokens before the answer — empty content with "length" when they
//    use it all up; other models refuse reasoning_effort.
//  - GET /v1/models.
// Errors use OpenAI's body {"error":{"message","type","param","code"}}; a missing or wrong
// Bearer key is 401 invalid_api_key. Thread-safe; serves in its own threads from Start() to Stop().
class FakeOpenAi {
 public:
  explicit FakeOpenAi(FakeOpenAiOptions options = {});
  ~FakeOpenAi();
  FakeOpenAi(const FakeOpenAi&) = delete;
  FakeOpenAi& operator=(const FakeOpenAi&) = delete;

  core::Status Start();
  void Stop();  // Idempotent; cuts injected delays short.

  int port() const;
  std::string BaseUrl() const;  // "http://127.0.0.1:<port>/v1"
  const std::string& api_key() const;

  void AddTranscript(FakeTranscript transcript);
  void InjectFault(OpenAiEndpoint endpoint, OpenAiFault fault);
  void QueueChatReply(ChatReply reply);
  // false: behave like a backend without structured outputs (older llama.cpp, some proxies):
  // response_format json_schema is 400 with param "response_format".
  void SetJsonSchemaSupported(bool supported);
  // Values to put into generated chat instances for properties of this name (see BuildInstance).
  void SetChatValue(std::string property, nlohmann::json value);
  // Scorecards (a `scorecard` array in the schema, llm::SummarySchema(checklist)): the emulated
  // model answers every criterion "yes" quoting the first transcript line of the criterion's side
  // verbatim — except this criterion, answered "yes" with a quote that is NOT in the transcript,
  // as a model that paraphrases or invents evidence does. (SetChatValue("scorecard", …) replaces
  // the whole answer instead.)
  void InventScorecardQuote(std::string criterion_id);

  std::vector<LoggedOpenAiRequest> Requests() const;
  int CountRequests(OpenAiEndpoint endpoint) const;
  void ClearRequests();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace callbrief::fakes
