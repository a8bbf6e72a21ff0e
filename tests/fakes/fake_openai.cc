// The HTTP side of the OpenAI emulator: start/stop, routing, the API key, injected faults, the
// request log and the control API.

#include "fakes/fake_openai.h"

#include <signal.h>

#include "fakes/emulator_listener.h"
#include "fakes/fake_openai_impl.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr char kJsonType[] = "application/json";

std::string Masked(const std::string& key) {
  if (key.size() <= 8) return "***";
  return key.substr(0, 3) + "*****" + key.substr(key.size() - 4);
}

}  // namespace

OpenAiAnswer ErrorAnswer(int status, const std::string& type, const std::string& code,
                         const std::string& message, const std::string& param) {
  return {status,
          {{"error",
            {{"message", message},
             {"type", type},
             {"param", param.empty() ? json(nullptr) : json(param)},
             {"code", code.empty() ? json(nullptr) : json(code)}}}},
          {}};
}

// Faults.

OpenAiFault OpenAiFault::ServerError() { return {}; }

OpenAiFault OpenAiFault::Overloaded() {
  OpenAiFault fault;
  fault.status = 503;
  fault.code = "server_is_overloaded";
  fault.message = "The server is overloaded or not ready yet.";
  fault.retry_after_seconds = 1;
  return fault;
}

OpenAiFault OpenAiFault::MissingScopes() {
  // The wording OpenAI uses for restricted keys (platform.openai.com "API key permissions");
  // the status is 401 as reported by users of restricted keys (unverified beyond those reports).
  OpenAiFault fault;
  fault.status = 401;
  fault.type = "invalid_request_error";
  fault.message =
      "You have insufficient permissions for this operation. Missing scopes: api.model.read. "
      "Check that you have the correct role in your organization (Reader, Writer, Owner) and "
      "project (Member, Owner), and if you're using a restricted API key, that it has the "
      "necessary scopes.";
  return fault;
}

OpenAiFault OpenAiFault::RateLimit(std::optional<int> retry_after_seconds) {
  OpenAiFault fault;
  fault.status = 429;
  fault.type = "requests";
  fault.code = "rate_limit_exceeded";
  fault.message =
      "Rate limit reached for requests in organization org-fake on requests per min (RPM): "
      "Limit 3, Used 3, Requested 1. Please try again in 20s. Visit "
      "https://platform.openai.com/account/rate-limits to learn more.";
  fault.retry_after_seconds = retry_after_seconds;
  return fault;
}

OpenAiFault OpenAiFault::InsufficientQuota() {
  OpenAiFault fault;
  fault.status = 429;
  fault.type = "insufficient_quota";
  fault.code = "insufficient_quota";
  fault.message =
      "You exceeded your current quota, please check your plan and billing details. For more "
      "information on this error, read the docs: "
      "https://platform.openai.com/docs/guides/error-codes/api-errors.";
  return fault;
}

OpenAiFault OpenAiFault::InvalidApiKey() {
  OpenAiFault fault;
  fault.status = 401;
  fault.type = "invalid_request_error";
  fault.code = "invalid_api_key";
  fault.message =
      "Incorrect API key provided. You can find your API key at "
      "https://platform.openai.com/account/api-keys.";
  return fault;
}

OpenAiFault OpenAiFault::RegionBlocked() {
  OpenAiFault fault;
  fault.status = 403;
  fault.type = "request_forbidden";
  fault.code = "unsupported_country_region_territory";
  fault.message = "Country, region, or territory not supported";
  return fault;
}

OpenAiFault OpenAiFault::ModelNotFound(const std::string& model) {
  OpenAiFault fault;
  fault.status = 404;
  fault.type = "invalid_request_error";
  fault.code = "model_not_found";
  fault.message = "The model `" + model + "` does not exist or you do not have access to it.";
  return fault;
}

OpenAiFault OpenAiFault::Slow(std::chrono::milliseconds delay) {
  OpenAiFault fault;
  fault.status = 0;
  fault.delay = delay;
  return fault;
}

OpenAiFault OpenAiFault::Times(int n) const {
  OpenAiFault copy = *this;
  copy.times = n;
  return copy;
}

ChatReply ChatReply::Content(std::string text) { return {Kind::kContent, std::move(text)}; }
ChatReply ChatReply::Refusal(std::string text) { return {Kind::kRefusal, std::move(text)}; }
ChatReply ChatReply::Truncated() { return {Kind::kTruncated, {}}; }
ChatReply ChatReply::ContentFiltered() { return {Kind::kContentFiltered, {}}; }

std::string LoggedOpenAiRequest::Field(const std::string& name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

// Server.

bool FakeOpenAi::Impl::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(stop_mu);
  return !stop_cv.wait_for(lock, duration, [this] { return stopping; });
}

void FakeOpenAi::Impl::Serve(
    OpenAiEndpoint endpoint, const httplib::Request& request, httplib::Response& response,
    const std::function<OpenAiAnswer(const httplib::Request&, LoggedOpenAiRequest&)>& handler) {
  LoggedOpenAiRequest entry;
  entry.path = request.path;
  entry.authorization = request.get_header_value("Authorization");
  std::optional<OpenAiFault> fault;
  OpenAiAnswer answer;
  bool authorized = options.api_key.empty() || entry.authorization == "Bearer " + options.api_key;
  if (!authorized) {
    std::string given = entry.authorization.rfind("Bearer ", 0) == 0 ? entry.authorization.substr(7)
                                                                     : std::string();
    answer = given.empty()
                 ? ErrorAnswer(401, "invalid_request_error", "",
                               "You didn't provide an API key. You need to provide your API key "
                               "in an Authorization header using Bearer auth.")
                 : ErrorAnswer(401, "invalid_request_error", "invalid_api_key",
                               "Incorrect API key provided: " + Masked(given) +
                                   ". You can find your API key at "
                                   "https://platform.openai.com/account/api-keys.");
  } else {
    std::lock_guard lock(mu);
    for (OpenAiEndpoint key : {endpoint, OpenAiEndpoint::kAny}) {
      auto& queue = faults[key];
      if (queue.empty()) continue;
      fault = queue.front();
      if (--queue.front().times <= 0) queue.pop_front();
      break;
    }
  }
  if (fault && fault->delay.count() > 0) SleepUnlessStopped(fault->delay);
  if (authorized) {
    if (fault && fault->status != 0) {
      answer = ErrorAnswer(fault->status, fault->type, fault->code, fault->message, fault->param);
      if (fault->retry_after_seconds) {
        answer.headers.emplace_back("retry-after", std::to_string(*fault->retry_after_seconds));
      }
      for (const auto& header : fault->headers) answer.headers.push_back(header);
      // Parse what we can for the log even when failing.
      if (request.is_multipart_form_data() && request.has_file("model")) {
        entry.model = request.get_file_value("model").content;
      }
    } else {
      answer = handler(request, entry);
    }
  }
  response.status = answer.status;
  for (const auto& [name, value] : answer.headers) response.set_header(name, value);
  response.set_header("x-request-id", "req_fake_" + std::to_string(entry.path.size()));
  response.set_content(
      answer.body.is_string() ? answer.body.get<std::string>() : answer.body.dump(),
      answer.body.is_string() ? "text/plain; charset=utf-8" : kJsonType);
  entry.status = answer.status;
  std::lock_guard lock(mu);
  log.push_back(std::move(entry));
}

void FakeOpenAi::Impl::AddRoutes() {
  server.Post("/v1/audio/transcriptions", [this](const httplib::Request& q, httplib::Response& r) {
    Serve(OpenAiEndpoint::kTranscriptions, q, r,
          [this](const httplib::Request& q2, LoggedOpenAiRequest& e) { return Transcribe(q2, e); });
  });
  server.Post("/v1/chat/completions", [this](const httplib::Request& q, httplib::Response& r) {
    Serve(OpenAiEndpoint::kChatCompletions, q, r,
          [this](const httplib::Request& q2, LoggedOpenAiRequest& e) { return Chat(q2, e); });
  });
  server.Get("/v1/models", [this](const httplib::Request& q, httplib::Response& r) {
    Serve(OpenAiEndpoint::kAny, q, r, [](const httplib::Request&, LoggedOpenAiRequest&) {
      json data = json::array();
      for (const char* id : {"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
                             "gpt-transcribe", "gpt-4o", "gpt-4o-mini"}) {
        data.push_back(
            {{"id", id}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "system"}});
      }
      return OpenAiAnswer{200, {{"object", "list"}, {"data", data}}, {}};
    });
  });
  server.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    // Called for every status >= 400, handlers' own answers included: only fill in unrouted paths.
    if (response.status != 404 || !response.body.empty()) return;
    OpenAiAnswer answer = ErrorAnswer(404, "invalid_request_error", "",
                                      "Invalid URL (" + request.method + " " + request.path + ")");
    response.set_content(answer.body.dump(), kJsonType);
  });
}

FakeOpenAi::FakeOpenAi(FakeOpenAiOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->AddRoutes();
}

FakeOpenAi::~FakeOpenAi() { Stop(); }

core::Status FakeOpenAi::Start() {
  auto port =
      ListenInBackground(impl_->server, impl_->options.port, 16, "fake OpenAI", impl_->thread);
  if (!port.ok()) return port.error();
  impl_->port = *port;
  return core::Ok();
}

void FakeOpenAi::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  StopListening(impl_->server, impl_->thread);
}

int FakeOpenAi::port() const { return impl_->port; }
std::string FakeOpenAi::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port.load()) + "/v1";
}
const std::string& FakeOpenAi::api_key() const { return impl_->options.api_key; }

void FakeOpenAi::AddTranscript(FakeTranscript transcript) {
  std::lock_guard lock(impl_->mu);
  if (transcript.marker.empty()) {
    impl_->unmarked.push_back(std::move(transcript));
  } else {
    impl_->marked.push_back(std::move(transcript));
  }
}

void FakeOpenAi::InjectFault(OpenAiEndpoint endpoint, OpenAiFault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults[endpoint].push_back(std::move(fault));
}

void FakeOpenAi::QueueChatReply(ChatReply reply) {
  std::lock_guard lock(impl_->mu);
  impl_->chat_replies.push_back(std::move(reply));
}

void FakeOpenAi::SetJsonSchemaSupported(bool supported) {
  std::lock_guard lock(impl_->mu);
  impl_->json_schema_supported = supported;
}

void FakeOpenAi::SetChatValue(std::string property, nlohmann::json value) {
  std::lock_guard lock(impl_->mu);
  impl_->chat_values[std::move(property)] = std::move(value);
}

void FakeOpenAi::InventScorecardQuote(std::string criterion_id) {
  std::lock_guard lock(impl_->mu);
  impl_->invented_quotes.insert(std::move(criterion_id));
}

std::vector<LoggedOpenAiRequest> FakeOpenAi::Requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

int FakeOpenAi::CountRequests(OpenAiEndpoint endpoint) const {
  std::lock_guard lock(impl_->mu);
  int count = 0;
  for (const auto& entry : impl_->log) {
    bool audio = entry.path == "/v1/audio/transcriptions";
    bool chat = entry.path == "/v1/chat/completions";
    count += endpoint == OpenAiEndpoint::kAny ||
             (endpoint == OpenAiEndpoint::kTranscriptions && audio) ||
             (endpoint == OpenAiEndpoint::kChatCompletions && chat);
  }
  return count;
}

void FakeOpenAi::ClearRequests() {
  std::lock_guard lock(impl_->mu);
  impl_->log.clear();
}

}  // namespace callbrief::fakes
