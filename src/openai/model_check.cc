#include "openai/model_check.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/json_bounded.h"
#include "net/http_error.h"

namespace callbrief::openai {

core::Result<ModelCheck> CheckModel(net::HttpClient& http, const std::string& base_url,
                                    const std::string& api_key, const ErrorSettings& settings,
                                    core::TimePoint now) {
  net::HttpRequest request;
  request.url = base_url + "/models";
  request.timeout = std::chrono::seconds(15);
  request.headers = {{"Accept", "application/json"}};
  if (!api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + api_key);
  auto response = http.Send(request);
  if (!response) {
    return core::Error{response.error().kind,
                       WithoutSecret(response.error().message, settings.secret) + " — check " +
                           settings.base_url_setting,
                       {},
                       {}};
  }
  if (response->status == 404) return ModelCheck{};
  if (response->status == 401 || response->status == 403) {
    // A restricted key: OpenAI says which permission it lacks ("Missing scopes:
    // api.model.read"); the key itself was accepted.
    ErrorBody body = ParseErrorBody(response->body);
    if (body.message.find("Missing scopes") != std::string::npos ||
        body.message.find("insufficient permissions") != std::string::npos) {
      return ModelCheck{
          .list_forbidden = true,
          .detail = WithoutSecret(net::BodyExcerpt(body.message, 200), settings.secret)};
    }
  }
  if (!response->IsSuccess()) {
    return ErrorFromResponse(*response, "GET " + base_url + "/models", settings, now);
  }
  ModelCheck check{.has_model_list = true};
  auto body = core::ParseBoundedJson(response->body);
  if (body.is_object() && body.contains("data") && body["data"].is_array()) {
    for (const auto& model : body["data"]) {
      ++check.models;
      if (model.is_object() && model.value("id", "") == settings.model) check.model_listed = true;
    }
  }
  return check;
}

}  // namespace callbrief::openai
