// The HTTP side of the fake: start/stop, routing, the webhook check, scopes, the rate limit,
// injected faults and the signed download endpoint.

#include "fakes/fake_bitrix24.h"

#include <signal.h>

#include <memory>
#include <random>
#include <string>

#include "core/php_form.h"
#include "fakes/connection_dropper.h"
#include "fakes/emulator_listener.h"
#include "fakes/fake_bitrix24_impl.h"
#include "fakes/rest_methods.h"

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr char kJsonType[] = "application/json; charset=utf-8";
constexpr char kNotFoundPage[] = "<html><body><h1>404 Not Found</h1></body></html>";

std::uint64_t Seed(std::uint64_t seed) { return seed != 0 ? seed : std::random_device{}(); }

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '[' || c == ']') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

// The parameters of a REST call: query string, then the body on top (top-level keys).
core::Result<json> ReadParams(const httplib::Request& request) {
  json params = json::object();
  std::size_t query = request.target.find('?');
  if (query != std::string::npos) {
    auto decoded = core::DecodePhpForm(std::string_view(request.target).substr(query + 1));
    if (!decoded.ok()) return decoded.error();
    params.update(*decoded);
  }
  if (request.body.empty() && request.files.empty()) return params;
  std::string type = AsciiLower(request.get_header_value("Content-Type"));
  if (type.rfind("application/json", 0) == 0) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return core::Error::InvalidInput("the JSON body does not parse");
    if (body.is_object()) params.update(body);
    return params;
  }
  std::string form = request.body;
  if (request.is_multipart_form_data()) {
    form.clear();
    for (const auto& [name, field] : request.files) {
      if (!form.empty()) form += '&';
      form += PercentEncode(name) + '=' + PercentEncode(field.content);
    }
  }
  auto decoded = core::DecodePhpForm(form);
  if (!decoded.ok()) return decoded.error();
  params.update(*decoded);
  return params;
}

void Answer(httplib::Response& response, const MethodReply& reply) {
  response.status = reply.status;
  response.set_content(reply.body.dump(), kJsonType);
}

namespace {

std::string ContentTypeFor(const std::string& file_name) {
  std::string lower = AsciiLower(file_name);
  if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".wav") == 0) return "audio/x-wav";
  if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".mp3") == 0) return "audio/mpeg";
  return "application/octet-stream";
}

}  // namespace

bool Granted(const Portal& portal, const MethodSpec& method) {
  bool open = true;
  for (std::string_view scope : method.scopes) {
    if (scope.empty()) continue;
    open = false;
    if (portal.scopes.count(std::string(scope))) return true;
  }
  return open;
}

FakeBitrix24::Impl::Impl(Options options_in)
    : options(std::move(options_in)), portal(Seed(options.seed)) {
  portal.webhook_user_id = options.webhook_user_id;
  if (!options.code.empty()) portal.code = options.code;
}

core::TimePoint FakeBitrix24::Impl::Now() const {
  return options.clock != nullptr ? options.clock->Now() : std::chrono::system_clock::now();
}

std::chrono::nanoseconds FakeBitrix24::Impl::MonotonicNow() const {
  if (options.clock != nullptr) return options.clock->Now().time_since_epoch();
  return std::chrono::steady_clock::now().time_since_epoch();
}

bool FakeBitrix24::Impl::SleepUnlessStopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(stop_mu);
  return !stop_cv.wait_for(lock, duration, [this] { return stopping; });
}

void FakeBitrix24::Impl::Log(LoggedRequest entry) {
  std::lock_guard lock(mu);
  portal.log.push_back(std::move(entry));
}

void FakeBitrix24::Impl::AddRoutes() {
  auto rest = [this](const httplib::Request& q, httplib::Response& r) { HandleRest(q, r); };
  auto oauth = [this](const httplib::Request& q, httplib::Response& r) { AnswerOAuth(q, r); };
  server.Get(R"(/rest/([^/]+)/([^/]+)/download/?)",
             [this](const httplib::Request& q, httplib::Response& r) { HandleDownload(q, r); });
  server.Get(R"(/rest/([^/]+)/([^/]+)/([^/]+))", rest);
  server.Post(R"(/rest/([^/]+)/([^/]+)/([^/]+))", rest);
  server.Get(R"(/rest/([^/]+))", oauth);
  server.Post(R"(/rest/([^/]+))", oauth);
  // The authorization server (oauth.bitrix.info) on the same port: BITRIX24_OAUTH_URL.
  auto token = [this](const httplib::Request& q, httplib::Response& r) { HandleOAuthToken(q, r); };
  server.Get(R"(/oauth/token/?)", token);
  server.Post(R"(/oauth/token/?)", token);
}

FakeBitrix24::Impl::RestRequest FakeBitrix24::Impl::BeginRest(const httplib::Request& request,
                                                              std::string name) const {
  if (name.size() > 5 && AsciiLower(name.substr(name.size() - 5)) == ".json") {
    name.resize(name.size() - 5);
  }
  LoggedRequest entry{name,
                      request.method,
                      json::object(),
                      request.get_header_value("User-Agent"),
                      request.get_header_value("Content-Type"),
                      0,
                      Now()};
  core::Result<json> params = ReadParams(request);
  if (params.ok()) entry.params = *params;
  return {std::move(name), std::move(entry), std::move(params)};
}

void FakeBitrix24::Impl::HandleRest(const httplib::Request& request, httplib::Response& response) {
  auto [name, entry, params] = BeginRest(request, request.matches[3]);
  const core::TimePoint start = entry.time;
  const MethodSpec* method = FindMethod(name);
  if (method != nullptr) entry.method = std::string(method->name);

  std::optional<MethodReply> refusal;
  std::optional<Fault> fault;
  {
    std::lock_guard lock(mu);
    if (portal.cloud) {
      // "Methods are called over the HTTPS protocol only" (b24restdocs
      // _includes/system-errors.md: 401 INVALID_REQUEST "Https required"; older versions of the
      // page say 400).
      refusal = Failure(401, "INVALID_REQUEST", "Https required");
    } else if (request.matches[1] != std::to_string(portal.webhook_user_id) ||
               request.matches[2] != portal.code) {
      refusal = Failure(401, "NO_AUTH_FOUND", "Wrong authorization data");
    } else if (bucket && !bucket->TryAdd(MonotonicNow())) {
      refusal = Failure(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    } else if (method == nullptr && FindAppMethod(name) != nullptr) {
      // app-info.md: "Access denied! Application context required" for a webhook.
      refusal = Failure(400, "ACCESS_DENIED", "Access denied! Application context required");
    } else if (method == nullptr) {
      refusal = Failure(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    } else if (!params.ok()) {
      refusal = Failure(400, "INVALID_REQUEST", params.error().message);
    } else {
      fault = portal.TakeFault(method->name);
    }
  }
  if (fault && fault->hang.count() > 0) SleepUnlessStopped(fault->hang);
  if (fault && fault->close_connection) {
    Log(std::move(entry));  // First, so that the log is complete when the client sees the drop.
    DropConnection(request);
    return;
  }

  if (fault && !fault->raw_body.empty() && !refusal) {
    response.status = fault->http_status;
    response.set_content(fault->raw_body, kJsonType);
    entry.status = fault->http_status;
    Log(std::move(entry));
    return;
  }
  MethodReply reply;
  if (refusal) {
    reply = std::move(*refusal);
  } else if (fault && !fault->error.empty()) {
    reply = Failure(fault->http_status, fault->error, fault->error_description);
  } else {
    std::lock_guard lock(mu);
    if (!Granted(portal, *method)) {
      reply = Failure(403, "insufficient_scope",
                      "The request requires higher privileges than provided by the webhook token");
    } else {
      reply = method->handler(portal, MethodCall{*params, Now()});
    }
  }
  // The effect is in the portal already; only the answer is late (Fault::answer_delay).
  if (fault && fault->answer_delay.count() > 0) SleepUnlessStopped(fault->answer_delay);
  if (reply.status == 200) reply.body["time"] = TimeBlock(start, Now());
  Answer(response, reply);
  entry.status = reply.status;
  Log(std::move(entry));
}

void FakeBitrix24::Impl::HandleDownload(const httplib::Request& request,
                                        httplib::Response& response) {
  LoggedRequest entry{kDownloadMethod,
                      request.method,
                      json::object(),
                      request.get_header_value("User-Agent"),
                      request.get_header_value("Content-Type"),
                      404,
                      Now()};
  entry.params["token"] = request.get_param_value("token");
  auto not_found = [&] {
    response.status = 404;
    response.set_content(kNotFoundPage, "text/html");
    Log(std::move(entry));
  };
  // Signed links answer an empty or missing User-Agent with nginx's 404 (reference §4.2).
  if (entry.user_agent.empty()) return not_found();
  auto bytes = std::make_shared<std::string>();
  std::string file_name;
  std::optional<DownloadFault> fault;
  bool found = false;
  {
    std::lock_guard lock(mu);
    const DownloadGrant* grant = portal.FindGrant(
        request.get_param_value("token"),
        std::string(request.matches[1]) + "/" + std::string(request.matches[2]), Now());
    StoredCall* call = grant != nullptr ? portal.FindCallByDiskId(grant->disk_id) : nullptr;
    if (call != nullptr) {
      found = true;
      *bytes = call->recording->bytes;
      file_name = call->recording->file_name;
      fault = portal.TakeDownloadFault();
    }
  }
  if (!found) return not_found();
  entry.status = 200;
  std::string type = ContentTypeFor(file_name);
  response.set_header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  using Kind = DownloadFault::Kind;
  if (!fault) {
    response.set_content(*bytes, type);
  } else if (fault->kind == Kind::kTruncate) {
    std::size_t half = bytes->size() / 2;
    response.set_content_provider(bytes->size(), type,
                                  [bytes, half](size_t offset, size_t, httplib::DataSink& sink) {
                                    if (offset >= half)
                                      return false;  // Abort: the connection closes short.
                                    return sink.write(bytes->data() + offset, half - offset);
                                  });
  } else if (fault->kind == Kind::kSlow) {
    std::size_t chunk = std::max<std::size_t>(1, fault->chunk_bytes);
    auto delay = fault->chunk_delay;
    response.set_content_provider(
        bytes->size(), type,
        [this, bytes, chunk, delay](size_t offset, size_t length, httplib::DataSink& sink) {
          if (offset > 0 && !SleepUnlessStopped(delay)) return false;
          return sink.write(bytes->data() + offset, std::min(chunk, length));
        });
  } else if (fault->kind == Kind::kRedirect) {
    entry.status = 302;
    response.set_redirect(fault->redirect_to.empty()
                              ? "http://127.0.0.2:" + std::to_string(port.load()) + request.target
                              : fault->redirect_to,
                          302);
  } else if (fault->kind == Kind::kHttpError) {
    entry.status = fault->http_status;
    response.status = fault->http_status;
    response.headers.erase("Content-Disposition");
    response.set_content("<html><body><h1>Error</h1></body></html>", "text/html");
  } else {
    entry.status = 0;
    Log(std::move(entry));
    DropConnection(request);
    return;
  }
  Log(std::move(entry));
}

FakeBitrix24::FakeBitrix24(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->AddRoutes();
}

FakeBitrix24::~FakeBitrix24() { Stop(); }

core::Status FakeBitrix24::Start() {
  auto port =
      ListenInBackground(impl_->server, impl_->options.port, 32, "fake Bitrix24", impl_->thread);
  if (!port.ok()) return port.error();
  impl_->port = *port;
  // Download links are built from it; no client knows the port before Start() returns.
  std::lock_guard lock(impl_->mu);
  impl_->portal.base_url = "http://127.0.0.1:" + std::to_string(*port);
  return core::Ok();
}

void FakeBitrix24::Stop() {
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  StopListening(impl_->server, impl_->thread);
}

}  // namespace callbrief::fakes
