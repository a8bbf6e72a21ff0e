#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"
#include "openai/error.h"

namespace callbrief::openai {

// What the provider's model list says about the configured model.
struct ModelCheck {
  // false: the server has no model list (whisper.cpp's server answers 404), so the key and the
  // model could not be checked without spending money.
  bool has_model_list = false;
  std::size_t models = 0;     // How many models the key may use.
  bool model_listed = false;  // The configured model is one of them.
  // The key may not list models (a restricted key without "Models: Read": 401/403 "Missing
  // scopes: api.model.read") but may still be allowed to transcribe and chat; the provider's
  // message is in `detail`.
  bool list_forbidden = false;
  std::string detail{};
};

// GET {base_url}/models with the key: a free request that proves the URL and the key work. A
// refused key, a region block or an unreachable server is the error ErrorFromResponse gives (it
// names settings.api_key_setting or settings.base_url_setting); 404 is a server without a model
// list, not an error; 401/403 "Missing scopes" is a restricted key that may not list models
// (list_forbidden), not an error either. Never spends tokens.
core::Result<ModelCheck> CheckModel(net::HttpClient& http, const std::string& base_url,
                                    const std::string& api_key, const ErrorSettings& settings,
                                    core::TimePoint now);

}  // namespace callbrief::openai
